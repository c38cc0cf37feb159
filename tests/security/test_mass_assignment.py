"""
Every create and edit form ignores the fields its user may not set: the page's own form is
submitted with extra fields (owner, manager, assignee, creator, status, customer number,
superuser flags, another manager's customer...) and the saved row keeps what the service
decides. Each case is a row of FORMS: (url name, role, the row the URL names, the model saved,
an extra status value the action itself would never produce).
"""

import re

import pytest
from django.urls import reverse

from apps.basedata.models import DictItem
from apps.customers.models import Activity, Churn, Customer, Linkman
from apps.marketing.models import SalesChance, SalesPlan
from apps.rbac.models import Role, User
from apps.service.models import ServiceTicket
from tests.factories import CustomerFactory, DictItemFactory, UserFactory
from tests.security import object_makers as make
from tests.security.support import form_payload

pytestmark = pytest.mark.django_db

AM, SM, ADMIN = "account_manager", "sales_manager", "admin"


@pytest.fixture(autouse=True)
def dictionary():
    """One entry of each dictionary the forms offer as a choice."""
    for dict_type in [
        DictItem.LEVEL,
        DictItem.SATISFACTION,
        DictItem.CREDIT,
        DictItem.REGION,
        DictItem.SERVICE_TYPE,
    ]:
        DictItemFactory(type=dict_type, item="1", value="1")


def _own_customer(user):
    return {"customer": str(CustomerFactory(manager=user).pk)}


# What a user types where the page's form offers no default (a picked customer, no date).
FILLS = {
    # coded fields a filler's text cannot pass (their format is checked): left empty
    "customers:customer-update": lambda user: {"uscc": "", "invoice_tax_no": ""},
    "service:ticket-create": _own_customer,
    "marketing:chance-create": lambda user: {"assignee": "", "assigned_on": ""},
}


FORMS = [
    # url name, role, make(user) -> the row in the URL (None: no pk), model saved, status
    ("customers:customer-update", AM, make._customer, Customer, None),
    ("customers:linkman-create", AM, make._customer, Linkman, None),
    ("customers:linkman-update", AM, make._linkman, Linkman, None),
    ("customers:activity-create", AM, make._customer, Activity, None),
    ("customers:activity-update", AM, make._activity, Activity, None),
    ("customers:churn-postpone", AM, make._churn, Churn, Churn.Status.CONFIRMED),
    ("marketing:chance-create", SM, None, SalesChance, SalesChance.Status.WON),
    ("marketing:chance-update", SM, make._chance, SalesChance, SalesChance.Status.WON),
    ("marketing:plan-make", AM, make._developing_chance, SalesPlan, None),
    ("marketing:planitem-update", AM, make._plan_item, SalesPlan, None),
    ("marketing:planitem-result", AM, make._plan_item, SalesPlan, None),
    ("service:ticket-create", AM, None, ServiceTicket, ServiceTicket.Status.ARCHIVED),
    (
        "service:ticket-handle",
        AM,
        make._ticket_to_handle,
        ServiceTicket,
        ServiceTicket.Status.ARCHIVED,
    ),
    ("rbac:user-create", ADMIN, None, User, None),
    ("rbac:user-update", ADMIN, lambda user: UserFactory(role=AM), User, None),
    ("rbac:role-create", ADMIN, None, Role, None),
    ("rbac:role-update", ADMIN, lambda user: Role.objects.create(name="临时角色"), Role, None),
]


def injected(outsider, others_customer, status):
    """Extra fields no form of ours offers, with values that must never be stored."""
    values = {
        "manager": outsider.pk,
        "manager_id": outsider.pk,
        "owner": outsider.pk,
        "created_by": outsider.pk,
        "created_by_id": outsider.pk,
        "creator": outsider.pk,
        "assignee": outsider.pk,
        "assignee_id": outsider.pk,
        "customer": others_customer.pk,
        "customer_id": others_customer.pk,
        "number": "KH-INJECTED",
        "cust_no": "KH-INJECTED",
        "is_superuser": "on",
        "is_staff": "on",
        "created_at": "2000-01-01 00:00",
        "code": "injected",
    }
    if status:
        values["status"] = status
    return values


def errors_on(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r"(?:invalid-feedback|alert-danger)[^>]*>\s*([^<]+)", html) or [html[-500:]]


def stored(row, field):
    """The stored value of `field` on `row` as text (foreign keys by id), or None if absent."""
    for name in (f"{field}_id", field):
        if hasattr(row, name) and not callable(getattr(row, name)):
            return str(getattr(row, name))
    return None


@pytest.mark.parametrize(
    ("name", "role", "make_row", "model", "status"), FORMS, ids=[f[0] for f in FORMS]
)
def test_a_form_saves_its_own_fields_and_ignores_every_extra_one(
    client, name, role, make_row, model, status
):
    user = UserFactory(role=role)
    outsider, others_customer = UserFactory(role=AM), CustomerFactory()
    client.force_login(user)
    row = make_row(user) if make_row else None
    url = reverse(name, kwargs={"pk": row.pk} if row else {})
    page = client.get(url)
    assert page.status_code == 200
    own = {**form_payload(page.content.decode(), url), **FILLS.get(name, lambda u: {})(user)}
    extra = {
        field: value
        for field, value in injected(outsider, others_customer, status).items()
        if field not in own  # a field the form itself offers is not an extra one
    }
    before = set(model.objects.values_list("pk", flat=True))

    response = client.post(url, {**own, **extra})

    assert response.status_code == 302, errors_on(response)
    new = model.objects.exclude(pk__in=before)
    target = model.objects.get(pk=row.pk) if model is type(row) else new.latest("pk")
    kept = {
        field: stored(target, field)
        for field, value in extra.items()
        if stored(target, field) is not None and stored(target, field) == str(value)
    }
    assert not kept, f"{name} stored injected fields {kept}"
    if isinstance(target, User):
        assert not target.is_superuser
        assert not target.is_staff or target.role.code == "admin"
