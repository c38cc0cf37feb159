import pytest
from django.urls import reverse

from apps.basedata.models import Storage
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_products_filter_by_name_model_and_batch_contains(client_as):
    ProductFactory(name="海龙笔记本电脑", model="i60", batch="2688 9966")
    ProductFactory(name="幸福牌电视机", model="818", batch="FFT 2388")

    response = client_as("account_manager").get(
        reverse("basedata:product-list"), {"name": "笔记本", "batch": "2688"}
    )

    assert [p.name for p in response.context["object_list"]] == ["海龙笔记本电脑"]


def test_stock_shows_products_as_name_model_batch_and_exports(client_as):
    product = ProductFactory(name="海龙笔记本电脑", model="i60", batch="2688 9966")
    Storage.objects.create(product=product, warehouse="北京-西直门库", ware="EC-D2", count=16)
    client = client_as("account_manager")

    page = client.get(reverse("basedata:storage-list"), {"warehouse": "西直门"})
    export = client.get(reverse("basedata:storage-list"), {"export": "xlsx"})

    assert "海龙笔记本电脑-i60-2688 9966" in page.content.decode()
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_stock_query_count_does_not_grow_with_rows(client_as, django_assert_max_num_queries):
    client = client_as("account_manager")
    url = reverse("basedata:storage-list")
    for i in range(3):
        Storage.objects.create(product=ProductFactory(), warehouse=f"库{i}", ware="A", count=1)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for i in range(8):
        Storage.objects.create(product=ProductFactory(), warehouse=f"仓{i}", ware="B", count=1)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
