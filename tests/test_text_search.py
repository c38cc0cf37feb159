"""
"Contains" searches (crm.text_search, issue 8): a two-character search finds exactly the rows a
plain `icontains` finds, in every list that offers it, and each searched column has the bigram
index that serves it.
"""

import pytest
from django.db import connection
from django.db.models import Q

from apps.customers.models import Customer
from apps.marketing.filters import SalesChanceFilter
from apps.marketing.models import SalesChance
from apps.service import selectors as service_selectors
from crm.text_search import contains, customer_name_contains, customer_name_or_number_contains
from tests.factories import CustomerFactory
from tests.marketing.factories import SalesChanceFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bigram form is PostgreSQL's"
)


def pks(rows):
    return set(rows.values_list("pk", flat=True))


def plan_of(rows) -> str:
    """EXPLAIN of `rows` with full scans off: a tiny table would be read whole otherwise."""
    sql, params = rows.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def customers():
    return [
        CustomerFactory(name="北京智泰科技有限公司", number="KB0000000001"),
        CustomerFactory(name="上海某贸易公司", number="KB0000000002"),
        CustomerFactory(name="kb bearings 商贸", number="SH0000000003"),
        CustomerFactory(name="深圳100%_达", number="KB0000000004"),
    ]


@postgres_only
@pytest.mark.parametrize("value", ["智泰", "kB", "%_", "0%", "贸易", "贸易公", "无此"])
def test_a_search_of_name_or_number_finds_what_icontains_finds(customers, value):
    plain = Q(name__icontains=value) | Q(number__icontains=value)

    found = Customer.objects.filter(customer_name_or_number_contains(value))

    assert pks(found) == pks(Customer.objects.filter(plain))


@postgres_only
@pytest.mark.parametrize("value", ["智泰", "KB0000000002", "kb", "无此"])
def test_a_name_search_with_an_exact_number_finds_either(customers, value):
    plain = Q(name__icontains=value) | Q(number=value)

    found = Customer.objects.filter(customer_name_contains(value, also=Q(number=value)))

    assert pks(found) == pks(Customer.objects.filter(plain))


@postgres_only
def test_a_two_character_search_checks_the_position_before_the_bigrams():
    sql = str(Customer.objects.filter(contains("name", "智泰")).query)

    assert "crm_bigrams" in sql
    assert "STRPOS" in sql  # the cheap per-row test, run first where the planner walks a sort


def test_a_longer_search_is_a_plain_icontains():
    sql = str(Customer.objects.filter(contains(["name", "number"], "智泰科")).query)

    assert "crm_bigrams" not in sql
    assert "LIKE" in sql


@postgres_only
def test_the_customer_picker_searches_two_characters_of_the_number_by_its_index(
    account_manager,
):
    CustomerFactory.create_batch(30, manager=account_manager, name="上海某贸易公司")
    hit = CustomerFactory(manager=account_manager, name="深圳某集团", number="KH2026XY001")
    rows = Customer.objects.filter(customer_name_or_number_contains("xy"))

    found, more = service_selectors.customer_picker_options(user=account_manager, query="xy")

    assert "cst_customer_no_bigram" in plan_of(rows)
    assert (found, more) == ([hit], False)


@postgres_only
@pytest.mark.parametrize(
    ("field", "index"),
    [
        ("customer_name", "sal_chance_cust_name_bigram"),
        ("title", "sal_chance_title_bigram"),
        ("linkman", "sal_chance_linkman_bigram"),
    ],
)
def test_a_two_character_chance_filter_finds_what_icontains_finds_by_its_index(field, index):
    SalesChanceFactory.create_batch(5, customer_name="上海某公司", title="询价", linkman="周敏")
    SalesChanceFactory(customer_name="北京智泰科技", title="智泰采购", linkman="智泰")
    chances = SalesChance.objects.all()

    found = SalesChanceFilter({field: "智泰"}, queryset=chances).qs

    assert pks(found) == pks(chances.filter(**{f"{field}__icontains": "智泰"}))
    assert len(pks(found)) == 1
    assert index in plan_of(found)


BIGRAM_INDEXES = {
    "cst_customer": ["cst_customer_name_bigram", "cst_customer_no_bigram"],
    "sal_chance": [
        "sal_chance_cust_name_bigram",
        "sal_chance_title_bigram",
        "sal_chance_linkman_bigram",
    ],
}


@postgres_only
def test_the_searched_columns_have_bigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE indexdef LIKE %s",
            ["%crm_bigrams(upper(%"],
        )
        found = {(table, name) for table, name, _definition in cursor.fetchall()}

    assert found >= {(table, name) for table, names in BIGRAM_INDEXES.items() for name in names}
