"""
A leaving employee (issue 16): disabling a user who still owns customers, chances in
development or open services does not just disable him; the admin is shown what he owns and
chooses who takes it over, then everything moves and he is disabled in one transaction.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from apps.customers.models import Churn, CustomerOwnership
from apps.marketing.models import SalesChance
from apps.rbac import services
from apps.rbac.models import AuditEvent, User
from apps.rbac.selectors import record_history
from apps.service.models import ServiceTicket
from crm.exceptions import DomainError
from tests.customers.churn_factories import ChurnFactory
from tests.factories import CustomerFactory, UserFactory
from tests.marketing.factories import SalesChanceFactory
from tests.reliability.parallel import ZH, changes, fingerprint, told
from tests.service.factories import ticket_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving(user_of):
    return user_of("account_manager", full_name="王离")


@pytest.fixture
def successor(user_of):
    return user_of("account_manager", full_name="李接")


@pytest.fixture
def his_records(leaving):
    """Two customers with open records, a chance of his for a prospect, a service of another
    customer assigned to him, and a closed chance that stays his."""
    customers = [CustomerFactory(manager=leaving, name=f"客户{i}") for i in range(2)]
    return {
        "customers": customers,
        "chances": [
            SalesChanceFactory(developing=True, assignee=leaving, customer_name="客户0"),
            SalesChanceFactory(developing=True, assignee=leaving, customer_name="新客户"),
        ],
        "services": [
            ticket_in("assigned", assignee=leaving, customer=customers[1]),
            ticket_in("handled", assignee=leaving),
        ],
        "churns": [ChurnFactory(customer=customers[0])],
        "closed": SalesChanceFactory(lost=True, assignee=leaving, customer_name="客户1"),
    }


def test_a_user_who_owns_records_is_not_simply_disabled(admin_user, leaving, his_records):
    before = fingerprint()

    with pytest.raises(services.RecordsRemain):
        services.user_set_active(actor=admin_user, user_id=leaving.pk, active=False)
    with pytest.raises(services.RecordsRemain):
        services.user_update(actor=admin_user, user_id=leaving.pk, is_active=False)

    assert changes(before, fingerprint()) == {}


def test_a_user_who_owns_nothing_is_disabled_at_once(client_as, leaving):
    client = client_as("admin")

    response = client.post(reverse("rbac:user-set-active", args=[leaving.pk]), {"active": "0"})

    assert response.url == reverse("rbac:user-list")
    leaving.refresh_from_db()
    assert not leaving.is_active


def test_disabling_him_shows_what_he_owns_and_asks_where_it_goes(client_as, leaving, his_records):
    client = client_as("admin")

    response = client.post(
        reverse("rbac:user-set-active", args=[leaving.pk]), {"active": "0"}, follow=True, **ZH
    )

    assert response.redirect_chain[-1][0] == (
        reverse("rbac:user-hand-over", args=[leaving.pk]) + "?disable=1"
    )
    page = told(response)
    assert "王离 名下仍有业务数据，请先选择接手人再禁用。" in page
    assert "负责的客户: 2" in page
    assert "开发中的销售机会: 2" in page
    assert "未结的服务: 2" in page
    assert response.context["form"]["disable"].value() is True
    leaving.refresh_from_db()
    assert leaving.is_active


def test_the_hand_over_moves_everything_and_disables_him_in_one_step(
    client_as, leaving, successor, his_records
):
    client = client_as("admin")

    response = client.post(
        reverse("rbac:user-hand-over", args=[leaving.pk]),
        {"to_user": successor.pk, "reason": "离职", "disable": "on"},
        follow=True,
        **ZH,
    )

    assert "其业务数据已转给 李接，该用户已禁用。" in told(response)
    leaving.refresh_from_db()
    assert not leaving.is_active
    for kind in ("customers", "chances", "services", "churns"):
        for row in his_records[kind]:
            row.refresh_from_db()
    assert {c.manager for c in his_records["customers"]} == {successor}
    assert {c.assignee for c in his_records["chances"]} == {successor}
    assert {t.assignee for t in his_records["services"]} == {successor}
    assert {c.manager for c in his_records["churns"]} == {successor}
    his_records["closed"].refresh_from_db()
    assert his_records["closed"].assignee == leaving
    assert set(CustomerOwnership.objects.values_list("from_user", "to_user", "by", "reason")) == {
        (leaving.pk, successor.pk, client.user.pk, "离职")
    }
    actions = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("customers.customer.transfer") == 2
    assert actions.count("marketing.chance.reassign") == 2
    assert "service.ticket.reassign" in actions
    assert actions.count("rbac.user.disable") == 1
    assert services.user_holdings(leaving) == []


def test_the_hand_over_without_disabling_leaves_him_active(
    admin_user, leaving, successor, his_records
):
    moved = services.user_hand_over(actor=admin_user, user_id=leaving.pk, to_user_id=successor.pk)

    assert moved == {"customers": 2, "chances": 1, "services": 1}  # the rest went with them
    leaving.refresh_from_db()
    assert leaving.is_active
    assert not SalesChance.objects.filter(
        assignee=leaving, status=SalesChance.Status.DEVELOPING
    ).exists()
    assert not ServiceTicket.objects.filter(assignee=leaving, status="handled").exists()
    assert not Churn.objects.open().filter(manager=leaving).exists()


@pytest.mark.parametrize("target", ["himself", "inactive", "not an account manager", "none"])
def test_a_bad_successor_is_refused_and_nothing_changes(client_as, leaving, his_records, target):
    client = client_as("admin")
    to_user = {
        "himself": leaving,
        "inactive": UserFactory(role="account_manager", is_active=False),
        "not an account manager": UserFactory(role="executive"),
        "none": None,
    }[target]
    before = fingerprint()

    response = client.post(
        reverse("rbac:user-hand-over", args=[leaving.pk]),
        {"to_user": to_user.pk if to_user else "", "disable": "on"},
        **ZH,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "请选择一位有效的客户经理。" in page or "这个字段是必填项。" in page
    assert changes(before, fingerprint()) == {}
    with pytest.raises((ValidationError, DomainError)):
        services.user_hand_over(
            actor=client.user,
            user_id=leaving.pk,
            to_user_id=to_user.pk if to_user else leaving.pk,
            disable=True,
        )
    assert User.objects.get(pk=leaving.pk).is_active


def test_only_the_admin_hands_over(client_as, leaving, his_records, successor):
    for role in ("sales_manager", "account_manager", "executive"):
        client = client_as(role)
        url = reverse("rbac:user-hand-over", args=[leaving.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"to_user": successor.pk}).status_code == 403
    assert not CustomerOwnership.objects.exists()


def test_the_histories_of_the_moved_chance_and_service_say_who_passed_them_on(
    admin_user, leaving, successor, his_records
):
    services.user_hand_over(actor=admin_user, user_id=leaving.pk, to_user_id=successor.pk)

    with translation.override("zh-hans"):
        chance = record_history(target=his_records["chances"][1])[0]
        ticket = record_history(target=his_records["services"][1])[0]
    assert chance.sentences[0] == f"{admin_user.display_name} 将销售机会转交给了其他客户经理"
    assert ticket.sentences[0] == f"{admin_user.display_name} 将服务转交给了其他客户经理"
    for entry in (chance, ticket):
        assert "王离" in entry.sentences[1]
        assert "李接" in entry.sentences[1]
