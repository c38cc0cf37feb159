"""The data dictionary rules of SPEC §3.5, through Django admin as the system admin uses it."""

import pytest
from django.urls import reverse

from apps.basedata.models import DictItem
from apps.rbac.models import AuditEvent
from tests.factories import CustomerFactory, DictItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_as):
    return client_as("admin")


def test_admin_adds_an_item_with_both_labels_and_it_is_audited(admin_client):
    response = admin_client.post(
        reverse("admin:basedata_dictitem_add"),
        {
            "type": "地区",
            "item": "西南",
            "item_en": "Southwest",
            "value": "西南",
            "sort_order": 9,
            "is_editable": "on",
        },
    )

    assert response.status_code == 302
    item = DictItem.objects.get(type="地区", value="西南")
    assert item.item_en == "Southwest"
    assert AuditEvent.objects.get(action="basedata.dictitem.create").actor == admin_client.user


def test_the_type_field_suggests_existing_types(admin_client):
    DictItemFactory(type="服务类型", item="咨询", value="咨询")

    html = admin_client.get(reverse("admin:basedata_dictitem_add")).content.decode()

    assert '<datalist id="type-options"><option value="服务类型">' in html


def test_a_locked_item_cannot_be_edited_or_deleted(admin_client):
    locked = DictItemFactory(type="客户等级", item="大客户", value="3", is_editable=False)

    admin_client.post(
        reverse("admin:basedata_dictitem_change", args=[locked.pk]),
        {"type": "客户等级", "item": "改名", "value": "3", "sort_order": 0},
    )
    admin_client.post(reverse("admin:basedata_dictitem_delete", args=[locked.pk]), {"post": "yes"})

    locked.refresh_from_db()
    assert locked.item == "大客户"


def test_an_item_in_use_cannot_be_deleted_and_the_admin_is_told_why(admin_client):
    region = DictItemFactory(type="地区", item="华东", value="华东")
    CustomerFactory(region="华东")

    response = admin_client.post(
        reverse("admin:basedata_dictitem_delete", args=[region.pk]), {"post": "yes"}, follow=True
    )

    assert DictItem.objects.filter(pk=region.pk).exists()
    assert "华东" in " ".join(str(m) for m in response.context["messages"])


def test_an_unused_editable_item_is_deleted(admin_client):
    region = DictItemFactory(type="地区", item="西北", value="西北")

    admin_client.post(reverse("admin:basedata_dictitem_delete", args=[region.pk]), {"post": "yes"})

    assert not DictItem.objects.filter(pk=region.pk).exists()
    assert AuditEvent.objects.filter(action="basedata.dictitem.delete").exists()


def test_other_roles_cannot_reach_the_dictionary(client_as):
    response = client_as("account_manager").get(reverse("admin:basedata_dictitem_changelist"))

    assert response.status_code == 302  # to the admin login: not staff
