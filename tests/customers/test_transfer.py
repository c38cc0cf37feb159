"""
转移 (issue 16): a manager moves customers, one from its page or a selection from the list, to
another account manager, with their open chances, services and churn records as he chooses; the
customer page shows who owned it when. All or nothing: a customer out of his scope, a bad
target or an empty selection changes nothing and says why.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apps.customers import services
from apps.customers.models import Churn, Customer, CustomerOwnership
from apps.demo.reference import reference_data_load
from apps.marketing.models import SalesChance
from apps.rbac.models import AuditEvent, DataScope, Role, RoleRight
from apps.service.models import ServiceTicket
from crm.exceptions import ConcurrentUpdate, DomainError
from tests.customers.churn_factories import ChurnFactory
from tests.factories import CustomerFactory, UserFactory
from tests.marketing.factories import SalesChanceFactory
from tests.reliability.parallel import ZH, changes, fingerprint, told
from tests.service.factories import ticket_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dictionary():
    reference_data_load()


@pytest.fixture
def old(user_of):
    return user_of("account_manager", full_name="王老")


@pytest.fixture
def new(user_of):
    return user_of("account_manager", full_name="李新")


def customer_with_open_records(manager, name="杭州新远科技有限公司"):
    """A customer with a chance in development, an assigned service and a churn warning, all
    his account manager's; and a closed record of each kind that never moves."""
    customer = CustomerFactory(manager=manager, name=name)
    chance = SalesChanceFactory(developing=True, assignee=manager, customer_name=name)
    SalesChanceFactory(won=True, assignee=manager, customer_name=name)
    ticket = ticket_in("assigned", assignee=manager, customer=customer)
    ticket_in("archived", assignee=manager, customer=customer)
    churn = ChurnFactory(customer=customer)
    ChurnFactory(customer=customer, status=Churn.Status.RECOVERED)
    return customer, chance, ticket, churn


def send_selection(client, form, customers, *, to_user, owner):
    """POST the selection page `form` (a GET's response) as the user fills it in."""
    return client.post(
        reverse("customers:customer-transfer"),
        {
            "ids": [c.pk for c in customers],
            "to_user": to_user.pk,
            **{f"owner_{c.pk}": owner.pk for c in customers},
            "submit_token": form.context["form"]["submit_token"].value(),
        },
    )


def owners(*rows):
    for row in rows:
        row.refresh_from_db()
    return rows


# The service ------------------------------------------------------------------------------


@pytest.mark.parametrize("chances", [True, False])
@pytest.mark.parametrize("services_", [True, False])
@pytest.mark.parametrize("churns", [True, False])
def test_open_records_go_with_the_customer_only_when_chosen(
    sales_manager, old, new, chances, services_, churns
):
    customer, chance, ticket, churn = customer_with_open_records(old)

    result = services.transfer_customers(
        actor=sales_manager,
        customer_ids=[customer.pk],
        to_user=new,
        with_chances=chances,
        with_services=services_,
        with_churns=churns,
        reason="王老离职",
    )

    owners(customer, chance, ticket, churn)
    assert result.customers == 1
    assert customer.manager == new
    assert chance.assignee == (new if chances else old)
    assert ticket.assignee == (new if services_ else old)
    assert churn.manager == (new if churns else old)
    # closed records keep their people
    assert set(
        SalesChance.objects.filter(status=SalesChance.Status.WON).values_list("assignee", flat=True)
    ) == {old.pk}
    assert set(
        ServiceTicket.objects.filter(status="archived").values_list("assignee", flat=True)
    ) == {old.pk}
    assert set(
        Churn.objects.filter(status=Churn.Status.RECOVERED).values_list("manager", flat=True)
    ) == {old.pk}


def test_a_transfer_writes_an_ownership_record_and_an_audit_event_per_customer(
    sales_manager, old, new
):
    first, second = CustomerFactory(manager=old), CustomerFactory(manager=None)

    services.transfer_customers(
        actor=sales_manager, customer_ids=[first.pk, second.pk], to_user=new, reason="调整"
    )

    rows = CustomerOwnership.objects.order_by("customer_id")
    assert [(o.customer_id, o.from_user_id, o.to_user_id, o.by_id, o.reason) for o in rows] == [
        (first.pk, old.pk, new.pk, sales_manager.pk, "调整"),
        (second.pk, None, new.pk, sales_manager.pk, "调整"),
    ]
    events = AuditEvent.objects.filter(action="customers.customer.transfer").order_by("object_id")
    assert [(e.object_id, e.changes["manager"], e.actor_id) for e in events] == [
        (str(first.pk), [old.pk, new.pk], sales_manager.pk),
        (str(second.pk), [None, new.pk], sales_manager.pk),
    ]


def test_the_number_of_statements_does_not_grow_with_the_customers(sales_manager, old, new):
    def statements(count):
        ids = [customer_with_open_records(old, name=f"客户{count}-{i}")[0].pk for i in range(count)]
        to = UserFactory(role="account_manager")
        with CaptureQueriesContext(connection) as queries:
            services.transfer_customers(
                actor=sales_manager,
                customer_ids=ids,
                to_user=to,
                with_chances=True,
                with_services=True,
                with_churns=True,
            )
        return len(queries)

    statements(1)  # content types cached
    assert statements(2) == statements(6)


def test_customers_the_target_already_manages_are_left_alone(sales_manager, old, new):
    his, theirs = CustomerFactory(manager=new), CustomerFactory(manager=old)

    result = services.transfer_customers(
        actor=sales_manager, customer_ids=[his.pk, theirs.pk], to_user=new
    )

    assert result.customers == 1
    assert list(CustomerOwnership.objects.values_list("customer", flat=True)) == [theirs.pk]


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("inactive target", "to_user", "Choose an active account manager."),
        ("target without the right", "to_user", "is not an account manager"),
        ("target owns them all", "to_user", "already manages the selected customers"),
        ("empty selection", None, "Select at least one customer to transfer."),
        ("too many", None, "At most 1 customers can be transferred at once"),
    ],
)
def test_bad_input_is_refused_with_a_translated_message_and_nothing_changes(
    sales_manager, old, new, case, field, message
):
    customer = customer_with_open_records(old)[0]
    other = CustomerFactory(manager=old)
    kwargs = {"customer_ids": [customer.pk], "to_user": new}
    if case == "inactive target":
        kwargs["to_user"] = UserFactory(role="account_manager", is_active=False)
    elif case == "target without the right":
        kwargs["to_user"] = UserFactory(role="sales_manager")
    elif case == "target owns them all":
        kwargs["to_user"] = old
    elif case == "empty selection":
        kwargs["customer_ids"] = []
    else:
        kwargs.update(customer_ids=[customer.pk, other.pk], limit=1)
    before = fingerprint()

    with translation.override("en"), pytest.raises((ValidationError, DomainError)) as refused:
        services.transfer_customers(actor=sales_manager, with_chances=True, **kwargs)

    error = refused.value
    said = error.message_dict[field][0] if field else str(error)
    assert message in said
    assert changes(before, fingerprint()) == {}
    with (
        translation.override("zh-hans"),
        pytest.raises((ValidationError, DomainError)) as in_chinese,
    ):
        services.transfer_customers(actor=sales_manager, with_chances=True, **kwargs)
    chinese = in_chinese.value
    assert (chinese.message_dict[field][0] if field else str(chinese)) != said


def test_a_customer_whose_owner_changed_since_the_form_is_refused_naming_who_moved_it(
    sales_manager, old, new
):
    customer = CustomerFactory(manager=old, name="杭州新远科技")
    colleague = UserFactory(role="sales_manager", full_name="赵主管")
    services.transfer_customers(actor=colleague, customer_ids=[customer.pk], to_user=new)
    third = UserFactory(role="account_manager")
    before = fingerprint()

    with translation.override("zh-hans"), pytest.raises(ConcurrentUpdate) as refused:
        services.transfer_customers(
            actor=sales_manager,
            customer_ids=[customer.pk],
            to_user=third,
            expected_owners={customer.pk: old.pk},
        )

    assert "杭州新远科技 已被 赵主管 转移给 李新" in str(refused.value)
    assert changes(before, fingerprint()) == {}


# Scope: a team lead transfers his subordinates' customers, nobody else's ----------------


@pytest.fixture
def team_lead(user_of):
    """A role with "转移客户" (within the data scope) and the scope 本人及下属 on customers."""
    role = Role.objects.create(code="team_lead", name="销售组长", name_en="Team lead")
    RoleRight.objects.bulk_create(
        [RoleRight(role=role, right_id=c) for c in ["L02", "L0201", "L020107"]]
    )
    DataScope.objects.create(
        role=role, module=DataScope.Module.CUSTOMERS, scope=DataScope.Scope.SUBORDINATES
    )
    return user_of(role)


def test_a_scoped_manager_transfers_his_subordinates_customers(team_lead, new):
    mine = CustomerFactory(manager=UserFactory(role="account_manager", supervisor=team_lead))

    services.transfer_customers(actor=team_lead, customer_ids=[mine.pk], to_user=new)

    assert owners(mine)[0].manager == new


def test_a_customer_out_of_scope_in_the_selection_changes_nothing(client, team_lead, old, new):
    mine = CustomerFactory(manager=UserFactory(role="account_manager", supervisor=team_lead))
    not_mine = CustomerFactory(manager=old)
    client.force_login(team_lead)
    url = reverse("customers:customer-transfer")
    before = fingerprint()

    with pytest.raises(PermissionDenied):
        services.transfer_customers(
            actor=team_lead, customer_ids=[mine.pk, not_mine.pk], to_user=new
        )
    page = client.get(url, {"ids": [mine.pk, not_mine.pk]})
    sent = client.post(url, {"ids": [mine.pk, not_mine.pk], "to_user": new.pk})
    one = client.post(reverse("customers:customer-transfer-one", args=[not_mine.pk]))

    assert (page.status_code, sent.status_code, one.status_code) == (404, 404, 404)
    assert changes(before, fingerprint()) == {}


@pytest.mark.parametrize("role", ["account_manager", "executive"])
def test_a_role_without_the_right_is_forbidden(client_as, old, role):
    customer = CustomerFactory(manager=old)
    client = client_as(role)

    assert (
        client.get(reverse("customers:customer-transfer"), {"ids": customer.pk}).status_code == 403
    )
    assert (
        client.post(reverse("customers:customer-transfer-one", args=[customer.pk])).status_code
        == 403
    )
    assert owners(customer)[0].manager == old


# The pages --------------------------------------------------------------------------------


def test_one_customer_from_its_page_with_the_ownership_history(client, sales_manager, old, new):
    customer, chance, ticket, churn = customer_with_open_records(old)
    client.force_login(sales_manager)
    detail = reverse("customers:customer-detail", args=[customer.pk])
    assert (
        reverse("customers:customer-transfer-one", args=[customer.pk])
        in client.get(detail).content.decode()
    )
    form = client.get(reverse("customers:customer-transfer-one", args=[customer.pk]))
    token = form.context["form"]["submit_token"].value()

    response = client.post(
        reverse("customers:customer-transfer-one", args=[customer.pk]),
        {
            "to_user": new.pk,
            "with_services": "on",
            "reason": "区域调整",
            f"owner_{customer.pk}": old.pk,
            "submit_token": token,
        },
        follow=True,
        **ZH,
    )

    assert response.redirect_chain[-1][0] == detail
    owners(customer, chance, ticket, churn)
    assert (customer.manager, chance.assignee, ticket.assignee, churn.manager) == (
        new,
        old,
        new,
        old,
    )
    page = told(response)
    assert "客户已转移给 李新：1。" in page
    history = response.content.decode()
    assert 'data-testid="ownership-history"' in history
    for shown in ("王老", "李新", "区域调整"):
        assert shown in history
    assert "转移了客户" in history  # the history sentence


def test_a_selection_from_the_list(client, sales_manager, old, new):
    first, second, third = (CustomerFactory(manager=old) for _ in range(3))
    client.force_login(sales_manager)

    listing = client.get(reverse("customers:customer-list"))
    assert f'value="{first.pk}" form="list-selection"' in listing.content.decode()
    assert reverse("customers:customer-transfer") in listing.content.decode()
    form = client.get(reverse("customers:customer-transfer"), {"ids": [first.pk, second.pk]})
    assert [c.pk for c in form.context["customers"]] == sorted(
        [first.pk, second.pk], key=lambda pk: Customer.objects.get(pk=pk).name
    )
    response = send_selection(client, form, [first, second], to_user=new, owner=old)

    assert response.status_code == 302
    assert [c.manager for c in owners(first, second, third)] == [new, new, old]


def test_an_empty_selection_goes_back_to_the_list_and_says_so(client, sales_manager):
    client.force_login(sales_manager)

    response = client.get(reverse("customers:customer-transfer"), follow=True, **ZH)

    assert response.redirect_chain[-1][0] == reverse("customers:customer-list")
    assert "请先勾选要转移的客户。" in told(response)


def test_a_bad_target_on_the_form_is_shown_and_nothing_changes(client, sales_manager, old):
    customer = CustomerFactory(manager=old)
    client.force_login(sales_manager)
    gone = UserFactory(role="account_manager", is_active=False)
    before = fingerprint()

    response = client.post(
        reverse("customers:customer-transfer-one", args=[customer.pk]),
        {"to_user": gone.pk, f"owner_{customer.pk}": old.pk},
        **ZH,
    )

    assert response.status_code == 200
    assert "请选择一位有效的客户经理。" in response.content.decode()
    assert changes(before, fingerprint()) == {}


def test_the_list_with_row_selection_costs_the_same_for_more_rows(
    client, django_assert_max_num_queries, team_lead
):
    sub = UserFactory(role="account_manager", supervisor=team_lead)
    client.force_login(team_lead)

    def queries(rows):
        CustomerFactory.create_batch(rows, manager=sub)
        client.get(reverse("customers:customer-list"))  # warm up: new users moved the version
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("customers:customer-list"))
        assert len(page.context["bulk_actions"]) == 1
        return len(captured)

    assert queries(2) == queries(8)


def test_the_list_offers_a_box_only_on_the_rows_the_user_may_transfer(client, team_lead, old):
    RoleRight.objects.create(role=team_lead.role, right_id="L020101")  # sees every customer
    sub = UserFactory(role="account_manager", supervisor=team_lead)
    his, theirs = CustomerFactory(manager=sub), CustomerFactory(manager=old)
    client.force_login(team_lead)

    page = client.get(reverse("customers:customer-list"))

    rows = {row.pk: row for row in page.context["object_list"]}
    assert set(rows) == {his.pk, theirs.pk}
    assert (rows[his.pk].selectable, rows[theirs.pk].selectable) == (True, False)
    html = page.content.decode()
    assert f'data-testid="select-{his.pk}"' in html
    assert f'data-testid="select-{theirs.pk}"' not in html


def test_the_list_of_a_role_without_the_right_has_no_selection(client_as):
    client = client_as("account_manager")
    CustomerFactory(manager=client.user)

    page = client.get(reverse("customers:customer-list"))

    assert page.context["bulk_actions"] == []
    assert 'id="list-selection"' not in page.content.decode()
    assert 'name="ids"' not in page.content.decode()


def test_a_customer_deleted_since_the_selection_stops_the_whole_transfer(
    client, sales_manager, old, new
):
    kept, deleted = CustomerFactory(manager=old), CustomerFactory(manager=old)
    client.force_login(sales_manager)
    form = client.get(reverse("customers:customer-transfer"), {"ids": [kept.pk, deleted.pk]})
    Customer.objects.filter(pk=deleted.pk).update(status=Customer.Status.DELETED)
    before = fingerprint()

    response = send_selection(client, form, [kept, deleted], to_user=new, owner=old)

    assert response.status_code == 404
    assert changes(before, fingerprint()) == {}
