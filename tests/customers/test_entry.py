"""
Customers enter cleanly (issue 18): create by hand with the USCC check and the divisions, the
duplicate check (查重) on every way in, masked matches, and tags.
"""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apps.customers import services
from apps.customers.identity import mask_name, normalise_name, normalise_phone, validate_uscc
from apps.customers.models import Customer, CustomerTag, Division, Tag
from apps.customers.selectors import customer_duplicates
from apps.demo.reference import reference_data_load
from apps.marketing import services as marketing
from apps.rbac.models import AuditEvent
from apps.rbac.selectors import record_history
from tests.factories import CustomerFactory
from tests.imports.factories import check, csv_bytes
from tests.marketing.factories import SalesChanceFactory

pytestmark = pytest.mark.django_db

GOOD_USCC = "91310000MA1FL8LQ47"  # check character 7 (GB 32100-2015)
BAD_USCC = "91310000MA1FL8LQ4B"
OTHER_USCC = "91110000600037341L"


@pytest.fixture(autouse=True)
def dictionary():
    reference_data_load()


def create_form(manager, **overrides):
    data = {
        "submit_token": "0b4f5a8e-1111-4c3b-9a55-3d8e5a8f0c11",
        "name": "上海智泰科技有限公司",
        "uscc": GOOD_USCC,
        "manager": manager.pk,
        "level": 1,
        "satisfaction": "",
        "credit": "",
        "province": "31",
        "city": "3101",
        "district": "310104",
        "address": "漕溪北路 88 号",
        "zip": "200030",
        "tel": "021-64871234",
        "fax": "",
        "website": "",
        "chieftain": "",
        "bank": "",
        "bank_account": "",
        "licence_no": "",
        "bankroll": "",
        "turnover": "",
        "local_tax_no": "",
        "national_tax_no": "",
        "invoice_tax_no": GOOD_USCC,
        "invoice_bank": "招商银行上海分行",
        "invoice_account": "1219 0888 0010 001",
        "invoice_address": "上海市徐汇区漕溪北路 88 号",
        "invoice_phone": "021-64871234",
    }
    return {**data, **overrides}


def messages_of(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# USCC, normalisation, masking -------------------------------------------------------------


def test_a_uscc_with_its_right_check_character_is_valid():
    validate_uscc(GOOD_USCC)
    validate_uscc(OTHER_USCC)


@pytest.mark.parametrize("code", [BAD_USCC, "91110000600037341X", "91110000600037341"])
def test_a_uscc_with_a_wrong_check_character_or_length_is_refused_clearly(code):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert "统一社会信用代码" in error.value.messages[0]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("上海智泰科技有限公司", "上海智泰科技"),
        ("上海智泰科技股份有限公司", "上海智泰科技"),
        ("上海 智泰科技 有限责任公司", "上海智泰科技"),
        ("（上海）智泰科技有限公司", "上海智泰科技"),
        ("上海智泰科技(集团)有限公司", "上海智泰科技"),
        ("上海智泰科技集团", "上海智泰科技"),
        ("ＡＢＣ科技有限公司", "ABC科技"),
        ("abc Technology Co., Ltd.", "ABCTECHNOLOGY"),
        ("有限公司", "有限"),
    ],
)
def test_names_are_the_same_after_normalising(name, key):
    assert normalise_name(name) == key


def test_phones_compare_by_their_digits():
    assert normalise_phone("021-6487 1234") == normalise_phone("０２１64871234") == "02164871234"


def test_a_masked_name_hides_part_of_it():
    assert mask_name("上海智泰科技有限公司") == "上海**科技有限公司"
    assert mask_name("智泰") == "智*"


# create by hand ----------------------------------------------------------------------------


def test_an_account_manager_creates_a_customer_with_divisions_and_invoicing(client_as):
    client = client_as("account_manager")
    assert client.get(reverse("customers:customer-create")).status_code == 200

    response = client.post(reverse("customers:customer-create"), create_form(client.user))

    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    assert customer.number.startswith("KH")
    assert (customer.province_id, customer.city_id, customer.district_id) == (
        "31",
        "3101",
        "310104",
    )
    assert customer.division_path == "上海市 / 市辖区 / 徐汇区"
    assert (customer.uscc, customer.name_key, customer.tel_key) == (
        GOOD_USCC,
        "上海智泰科技",
        "02164871234",
    )
    assert customer.invoice_bank == "招商银行上海分行"
    event = AuditEvent.objects.get(action="customers.customer.create")
    assert event.data["uscc"] == GOOD_USCC
    page = client.get(customer.get_absolute_url()).content.decode()
    assert GOOD_USCC in page
    assert "徐汇区" in page
    sentences = [s for entry in record_history(target=customer, limit=5) for s in entry.sentences]
    assert any("新建了客户" in s for s in sentences), sentences


def test_a_wrong_check_character_is_refused_on_the_form_and_nothing_is_created(client_as):
    client = client_as("account_manager")
    response = client.post(
        reverse("customers:customer-create"), create_form(client.user, uscc=BAD_USCC)
    )
    assert response.status_code == 200
    assert "校验码" in messages_of(response)
    assert not Customer.objects.exists()


def test_a_city_outside_the_province_is_refused(client_as):
    client = client_as("account_manager")
    response = client.post(
        reverse("customers:customer-create"),
        create_form(client.user, province="11", city="3101", district=""),
    )
    assert response.status_code == 200
    assert "city" in response.context["form"].errors
    assert not Customer.objects.exists()


def test_the_division_selects_cascade(client_as):
    client = client_as("account_manager")
    cities = client.get(reverse("customers:division-options"), {"province": "44"})
    assert "广州市" in cities.content.decode()
    assert 'id="id_district"' in cities.content.decode()
    districts = client.get(reverse("customers:division-options"), {"city": "4401"})
    assert "天河区" in districts.content.decode()
    assert Division.objects.filter(level=1).count() >= 31


def test_without_the_right_nobody_creates(client_as):
    client = client_as("executive")
    assert client.get(reverse("customers:customer-create")).status_code == 403


# the duplicate check ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "overrides", "reason"),
    [
        ({"uscc": GOOD_USCC}, {"name": "完全不同的名字"}, "统一社会信用代码相同"),
        ({"tel": "021 6487 1234"}, {"name": "完全不同的名字", "uscc": ""}, "电话相同"),
        (
            {"name": "（上海）智泰科技股份有限公司"},
            {"uscc": "", "tel": "021-11112222"},
            "名称相同",
        ),
    ],
)
def test_a_duplicate_by_hand_is_refused_naming_the_customer(client_as, existing, overrides, reason):
    client = client_as("account_manager")
    mine = CustomerFactory(manager=client.user, **existing)
    response = client.post(
        reverse("customers:customer-create"), create_form(client.user, **overrides)
    )
    assert response.status_code == 200
    text = messages_of(response)
    assert reason in text
    assert mine.number in text
    assert Customer.objects.count() == 1


def test_a_duplicate_out_of_scope_is_masked_with_its_owner(client_as, user_of):
    client = client_as("account_manager")
    colleague = user_of("account_manager", full_name="赵敏")
    CustomerFactory(manager=colleague, name="上海智泰科技有限公司", number="KH20260101999")
    response = client.post(reverse("customers:customer-create"), create_form(client.user, uscc=""))
    text = messages_of(response)
    assert "上海**科技有限公司" in text
    assert "赵敏" in text
    assert "KH20260101999" not in text
    assert "上海智泰科技有限公司" not in text


def test_a_similar_name_warns_and_the_user_may_confirm(client_as):
    client = client_as("account_manager")
    CustomerFactory(manager=client.user, name="上海智泰科技发展有限公司")
    form = create_form(client.user, uscc="")
    first = client.post(reverse("customers:customer-create"), form)
    assert first.status_code == 200
    assert "名称相似" in messages_of(first)
    assert 'data-testid="confirm-similar"' in first.content.decode()
    assert Customer.objects.count() == 1

    confirmed = client.post(
        reverse("customers:customer-create"),
        {**form, "confirm_similar": "on", "submit_token": "0b4f5a8e-2222-4c3b-9a55-3d8e5a8f0c11"},
    )
    assert confirmed.status_code == 302
    assert Customer.objects.count() == 2


def test_the_duplicate_check_is_two_indexed_queries(account_manager):
    CustomerFactory(name="上海智泰科技有限公司", uscc=GOOD_USCC)
    with CaptureQueriesContext(connection) as queries:
        matches = customer_duplicates(
            user=account_manager, name="上海智泰科技股份有限公司", uscc=GOOD_USCC, tel=""
        )
    lookups = [q["sql"] for q in queries.captured_queries if 'FROM "cst_customer"' in q["sql"]]
    assert [m.kind for m in matches] == ["uscc"]
    assert len(lookups) == 3  # the exact rules, the similar names, the scope of the matches


def test_a_won_chance_whose_customer_exists_is_linked_to_it():
    chance = SalesChanceFactory(developing=True, customer_name="宁波海天机械有限公司")
    existing = CustomerFactory(name="宁波海天机械股份有限公司")

    customer = marketing.sales_chance_mark_won(actor=chance.assignee, chance_id=chance.pk)

    assert customer.pk == existing.pk
    assert Customer.objects.count() == 1
    win = AuditEvent.objects.get(action="marketing.chance.win")
    assert win.data["customer"] == existing.pk
    assert win.data["linked"] is True
    assert AuditEvent.objects.filter(action="customers.customer.link_chance").count() == 1


def test_a_won_chance_of_a_new_customer_still_creates_it():
    chance = SalesChanceFactory(developing=True, customer_name="宁波海天机械有限公司")
    CustomerFactory(name="杭州别的公司")
    customer = marketing.sales_chance_mark_won(actor=chance.assignee, chance_id=chance.pk)
    assert customer.name == "宁波海天机械有限公司"
    assert Customer.objects.count() == 2


IMPORT_COLUMNS = ["customer number", "name", "telephone", "unified social credit code"]


def test_an_import_row_duplicating_a_customer_is_invalid_and_names_it_masked(admin_user):
    CustomerFactory(name="上海智泰科技有限公司", uscc=GOOD_USCC, manager__full_name="钱进")
    rows = [
        ["KH1", "上海智泰科技股份有限公司", "", ""],
        ["KH2", "北京新客户有限公司", "", OTHER_USCC],
        ["KH3", "广州另一家", "", BAD_USCC],
    ]
    batch = check(admin_user, "customers", csv_bytes(IMPORT_COLUMNS, rows))
    assert (batch.rows_new, batch.rows_invalid) == (1, 2)
    errors = {
        row: message for row, _, message in batch.row_errors.values_list("row", "column", "message")
    }
    assert "上海**科技有限公司" in errors[2]
    assert "钱进" in errors[2]
    assert "check character" in errors[4]  # the import's language: English


def test_an_import_row_duplicate_is_named_in_full_for_who_may_see_it(sales_manager):
    existing = CustomerFactory(name="上海智泰科技有限公司", tel="021-64871234")
    rows = [["KH1", "别名", "02164871234", ""]]
    batch = check(sales_manager, "customers", csv_bytes(IMPORT_COLUMNS, rows))
    assert batch.rows_invalid == 1
    assert existing.number in batch.row_errors.get().message


# tags --------------------------------------------------------------------------------------


@pytest.fixture
def tag():
    return Tag.objects.create(name_zh="重点客户", name_en="Key account", colour="danger")


def test_the_admin_manages_tags(client_as):
    client = client_as("admin")
    response = client.post(
        reverse("customers:tag-create"),
        {"name_zh": "重点客户", "name_en": "Key account", "colour": "danger"},
    )
    assert response.status_code == 302
    tag = Tag.objects.get()
    response = client.post(
        reverse("customers:tag-update", args=[tag.pk]),
        {"name_zh": "重点", "name_en": "Key", "colour": "success"},
    )
    tag.refresh_from_db()
    assert (tag.name_zh, tag.colour) == ("重点", "success")
    assert "重点" in client.get(reverse("customers:tag-list")).content.decode()
    assert AuditEvent.objects.filter(action__startswith="customers.tag.").count() == 2


def test_a_colour_outside_the_palette_is_refused(client_as):
    client = client_as("admin")
    response = client.post(
        reverse("customers:tag-create"), {"name_zh": "甲", "name_en": "A", "colour": "#ff0"}
    )
    assert response.status_code == 200
    assert "colour" in response.context["form"].errors
    assert not Tag.objects.exists()


def test_an_account_manager_tags_and_untags_his_customer(client_as, tag):
    client = client_as("account_manager")
    customer = CustomerFactory(manager=client.user)
    url = reverse("customers:customer-tag", args=[customer.pk])
    assert client.post(url, {"tag": tag.pk, "add": "1"}).status_code == 302
    assert list(customer.tags.all()) == [tag]
    page = client.get(customer.get_absolute_url()).content.decode()
    assert "text-bg-danger" in page
    client.post(url, {"tag": tag.pk, "add": "0"})
    assert not customer.tags.exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(customer.pk)).values_list("action", flat=True)
    )
    assert "customers.customer.tag" in actions
    assert "customers.customer.untag" in actions


def test_tagging_with_a_bad_tag_changes_nothing(client_as, tag):
    client = client_as("account_manager")
    customer = CustomerFactory(manager=client.user)
    url = reverse("customers:customer-tag", args=[customer.pk])
    response = client.post(url, {"tag": "999999", "add": "1"}, follow=True)
    assert not CustomerTag.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_tagging_someone_elses_customer_is_a_404(client_as, tag):
    client = client_as("account_manager")
    theirs = CustomerFactory()
    url = reverse("customers:customer-tag", args=[theirs.pk])
    assert client.post(url, {"tag": tag.pk, "add": "1"}).status_code == 404
    assert not CustomerTag.objects.exists()


def test_bulk_tagging_tags_the_customers_the_filter_finds(client_as, tag):
    client = client_as("account_manager")
    shanghai = [
        CustomerFactory(manager=client.user, province_id="31", city_id="3101") for _ in range(3)
    ]
    CustomerFactory(manager=client.user, province_id="11", city_id="1101")
    CustomerFactory(province_id="31")  # not his
    url = reverse("customers:customer-bulk-tag") + "?province=31"
    assert "3" in client.get(url).content.decode()
    response = client.post(url, {"tag": tag.pk, "add": "1"})
    assert response.status_code == 302
    tagged = set(CustomerTag.objects.values_list("customer_id", flat=True))
    assert tagged == {c.pk for c in shanghai}

    listed = client.get(reverse("customers:customer-list"), {"tag": tag.pk})
    assert {c.pk for c in listed.context["object_list"]} == tagged
    by_city = client.get(reverse("customers:customer-list"), {"province": "31", "city": "3101"})
    assert {c.pk for c in by_city.context["object_list"]} == tagged

    export = client.get(reverse("customers:customer-list"), {"tag": tag.pk, "export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    assert all("重点客户" in row for row in rows[1:])


def test_the_sales_manager_may_not_tag(client_as, tag):
    client = client_as("sales_manager")
    url = reverse("customers:customer-bulk-tag")
    assert client.post(url, {"tag": tag.pk, "add": "1"}).status_code == 403


def test_existing_free_text_regions_still_show_and_edit(client_as):
    client = client_as("account_manager")
    customer = CustomerFactory(manager=client.user, region="北京")
    page = client.get(reverse("customers:customer-list")).content.decode()
    assert customer.name in page
    assert client.get(reverse("customers:customer-update", args=[customer.pk])).status_code == 200


def test_a_service_caller_is_refused_a_duplicate_too(account_manager):
    CustomerFactory(manager=account_manager, uscc=GOOD_USCC)
    with pytest.raises(ValidationError):
        services.customer_create(
            actor=account_manager, name="另一个", uscc=GOOD_USCC, manager=account_manager
        )
