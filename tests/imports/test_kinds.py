"""
Every kind of import, the same story: a file with an unchanged, an updated, a new and an
invalid row. The dry run counts them; all-or-nothing refuses the file; the valid rows alone
are imported when the user chooses it; undo puts every table back as it was.
"""

import pytest

from apps.basedata.models import DictItem, Product, Storage
from apps.customers.models import Activity, Customer, Linkman, Order, OrderLine
from apps.imports import services
from apps.imports.catalog import KINDS
from apps.imports.models import ImportBatch
from apps.rbac.models import Department, User
from apps.rbac.services import org
from crm.exceptions import DomainError
from tests.customers.factories import ActivityFactory, LinkmanFactory, OrderLineFactory
from tests.factories import CustomerFactory, ProductFactory, UserFactory
from tests.imports.factories import apply, check, csv_bytes, undo

pytestmark = pytest.mark.django_db

S = ImportBatch.Status
TABLES = [
    Customer,
    Linkman,
    Activity,
    Order,
    OrderLine,
    Product,
    Storage,
    DictItem,
    Department,
    User,
]

# kind: (column changed on the 2nd row, new value), (columns making a new key),
#       (column made invalid, bad value), the rows of the export to use
SPECS = {
    "customers": (("name", "改名公司"), {"number": "KH20260909001"}, ("level", "9")),
    "linkmen": (("position", "总经理"), {"name": "新联系人"}, ("sex", "X")),
    "activities": (("place", "上海"), {"title": "新的概要"}, ("date", "someday")),
    "orders": (("count", "7"), {"product": "新产品甲"}, ("price", "abc")),
    "products": (("memo", "停产"), {"name": "新产品乙"}, ("price", "abc")),
    "stock": (("count", "99"), {"warehouse": "新仓库"}, ("count", "-5")),
    "dictionary": (("item_en", "Capital"), {"value": "新值"}, ("sort_order", "x")),
    "departments": (("name_en", "East"), {"name": "华南区"}, ("parent", "不存在/部门")),
    "users": (("full_name", "新名字"), {"username": "newbie"}, ("department", "不存在")),
}


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True)


@pytest.fixture
def data(reference, account_manager, superuser):
    top = org.department_create(actor=superuser, name="总公司")
    east = org.department_create(actor=superuser, name="华东区", parent_id=top.pk)
    org.department_create(actor=superuser, name="华北区", parent_id=top.pk)
    User.objects.filter(pk=account_manager.pk).update(department=east)
    UserFactory(role="account_manager", department=east, supervisor=account_manager)
    first = CustomerFactory(number="KH20260101001", region="北京", manager=account_manager)
    second = CustomerFactory(number="KH20260101002", region="华北", manager=account_manager)
    for customer in (first, second):
        LinkmanFactory(customer=customer)
        ActivityFactory(customer=customer)
    products = Product.objects.order_by("pk")
    line = OrderLineFactory(order__customer=first, product=products[0])
    OrderLineFactory(order=line.order, product=products[1])
    ProductFactory(name="新产品甲", model="X1", batch="")


def export_rows(kind: str, user) -> tuple[list[str], list[list[str]]]:
    """Two rows of the kind in the import format, as the export writes them."""
    _headers, _queryset, rows = services.kind_rows(kind, user)
    keys = list(KINDS[kind].resource.columns())
    rows = [[str(value) for value in row] for row in rows]
    if kind == "dictionary":  # two editable entries, not the whole reference dictionary
        rows = [row for row in rows if row[keys.index("type")] == DictItem.REGION]
    if kind == "users":  # the importing superuser is no row an import may change
        rows = [row for row in rows if row[keys.index("username")] != user.username]
    return keys, rows[:2]


def the_file(kind: str, user) -> bytes:
    keys, (same, changed) = export_rows(kind, user)
    (column, value), new_key, (bad_column, bad_value) = SPECS[kind]
    changed = list(changed)
    changed[keys.index(column)] = value
    new = list(changed)
    for key, key_value in new_key.items():
        new[keys.index(key)] = key_value
    if kind == "orders":  # the product of a line is three columns: the new one has no batch
        new[keys.index("product_model")], new[keys.index("product_batch")] = "X1", ""
    invalid = list(same)
    invalid[keys.index(bad_column)] = bad_value
    headers = KINDS[kind].headers("en")
    return csv_bytes(headers, [same, changed, new, invalid])


def snapshot() -> dict:
    return {
        model.__name__: sorted(
            tuple(sorted((k, str(v)) for k, v in row.items() if k != "updated_at"))
            for row in model.objects.values()
        )
        for model in TABLES
    }


@pytest.mark.parametrize("kind", list(SPECS))
def test_a_file_of_every_kind_is_counted_refused_imported_and_undone(superuser, data, kind):
    before = snapshot()
    batch = check(superuser, kind, the_file(kind, superuser))
    counts = (batch.rows_unchanged, batch.rows_updated, batch.rows_new, batch.rows_invalid)
    assert (batch.status, counts) == (S.CHECKED, (1, 1, 1, 1)), list(
        batch.row_errors.values_list("row", "column", "message")
    )
    assert list(batch.row_errors.values_list("row", flat=True)) == [5]
    with pytest.raises(DomainError):
        services.import_batch_apply_request(actor=superuser, batch_id=batch.pk, skip_invalid=False)
    assert snapshot() == before

    batch = apply(superuser, batch, skip_invalid=True)
    assert batch.status == S.APPLIED
    assert snapshot() != before
    assert undo(superuser, batch).status == S.UNDONE
    assert snapshot() == before
