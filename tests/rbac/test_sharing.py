"""
协作 (issue 16): a record shared with a colleague, read-only or read-write, optionally until a
date; what he may then do, what the owner's page shows, and what bad input is told.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from apps.customers.models import Customer
from apps.demo.reference import reference_data_load
from apps.rbac.history import describe
from apps.rbac.models import AuditEvent, RecordShare
from apps.rbac.policies import customer_policy, linkman_policy
from apps.rbac.services.sharing import share_record, unshare_record
from tests.customers.factories import LinkmanFactory
from tests.customers.test_views import edit_form
from tests.factories import CustomerFactory, UserFactory, share
from tests.marketing.factories import SalesChanceFactory
from tests.reliability.parallel import told
from tests.service.factories import ServiceTicketFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
TODAY = timezone.localdate
YESTERDAY = lambda: TODAY() - datetime.timedelta(days=1)  # noqa: E731


@pytest.fixture
def owner():
    return UserFactory(role="account_manager")


@pytest.fixture
def colleague():
    return UserFactory(role="account_manager")


@pytest.fixture
def customer(owner):
    return CustomerFactory(manager=owner, name="杭州远景科技")


def signed_in(client, user):
    client.force_login(user)
    return client


# --- what a share allows -------------------------------------------------------------------


def test_a_read_share_shows_the_customer_in_his_list_and_detail(client, customer, colleague):
    share(customer, colleague, "read")
    signed_in(client, colleague)

    listed = client.get(reverse("customers:customer-list"))
    detail = client.get(reverse("customers:customer-detail", args=[customer.pk]))

    assert customer.name in listed.content.decode()
    assert detail.status_code == 200


def test_a_read_share_does_not_let_him_change_the_customer(client, customer, colleague):
    reference_data_load()
    share(customer, colleague, "read")
    signed_in(client, colleague)
    url = reverse("customers:customer-update", args=[customer.pk])

    response = client.post(url, edit_form(customer, name="改掉的名字"))

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "杭州远景科技"


def test_a_write_share_lets_him_change_the_customer_but_not_delete_it(client, customer, colleague):
    reference_data_load()
    share(customer, colleague, "write")
    signed_in(client, colleague)
    url = reverse("customers:customer-update", args=[customer.pk])
    form = client.get(url)
    loaded_at = form.context["form"]["loaded_at"].value()

    response = client.post(
        url, {**edit_form(customer, name="合作后的名字"), "loaded_at": loaded_at}
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "合作后的名字"
    assert not customer_policy.can(colleague, "delete", customer)
    assert client.post(reverse("customers:customer-delete", args=[customer.pk])).status_code in (
        403,
        404,
    )
    assert Customer.objects.visible().filter(pk=customer.pk).exists()


def test_an_expired_share_stops_working_by_itself(client, customer, colleague):
    share(customer, colleague, "write", until=YESTERDAY())
    signed_in(client, colleague)

    listed = client.get(reverse("customers:customer-list"))
    detail = client.get(reverse("customers:customer-detail", args=[customer.pk]))

    assert customer.name not in listed.content.decode()
    assert detail.status_code == 404
    assert not customer_policy.can(colleague, "view", customer)


def test_a_share_until_today_still_counts(customer, colleague):
    share(customer, colleague, "read", until=TODAY())

    assert customer_policy.can(colleague, "view", customer)
    assert customer in customer_policy.scope(colleague, "view")


def test_what_hangs_from_a_shared_customer_follows_it(client, customer, colleague):
    linkman = LinkmanFactory(customer=customer, name="赵联系")
    signed_in(client, colleague)
    linkmen = reverse("customers:linkman-list", args=[customer.pk])
    edit = reverse("customers:linkman-update", args=[linkman.pk])
    assert client.get(linkmen).status_code == 404

    share(customer, colleague, "read")
    assert "赵联系" in client.get(linkmen).content.decode()
    assert client.get(edit).status_code == 403
    assert not linkman_policy.can(colleague, "change", linkman)

    share(customer, colleague, "write")
    assert client.get(edit).status_code == 200
    assert linkman_policy.can(colleague, "change", linkman)
    assert not linkman_policy.can(colleague, "delete", linkman)


def test_a_share_needs_the_role_right_too(customer, executive):
    share(customer, executive, "write")

    assert not customer_policy.can(executive, "view", customer)
    assert not customer_policy.scope(executive, "view").exists()


def test_a_ticket_is_offered_and_shared_read_only(client, colleague):
    """A write share would allow nothing more on a ticket (its assignee handles it), so the
    page offers read only and the service refuses write, changing nothing."""
    ticket = ServiceTicketFactory()
    owner = ticket.created_by

    page = signed_in(client, owner).get(reverse("service:ticket-detail", args=[ticket.pk]))
    offered = [value for value, _label in page.context["sharing"]["form"].fields["access"].choices]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        share_record(actor=owner, record=ticket, user_id=colleague.pk, access="write")

    assert offered == ["read"]
    assert refused.value.message_dict["access"] == ["该记录只能只读共享。"]
    assert not RecordShare.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="rbac.share").exists()


def test_a_shared_ticket_and_chance_open_their_pages(client, colleague):
    ticket = ServiceTicketFactory()
    chance = SalesChanceFactory(created_by=UserFactory(role="sales_manager"))
    signed_in(client, colleague)
    ticket_url = reverse("service:ticket-detail", args=[ticket.pk])
    assert client.get(ticket_url).status_code == 404

    share(ticket, colleague, "read")
    share(chance, colleague, "write")

    assert client.get(ticket_url).status_code == 200
    page = client.get(reverse("marketing:chance-detail", args=[chance.pk]))
    assert page.status_code == 200
    assert 'data-testid="sharing"' in page.content.decode()


# --- the services --------------------------------------------------------------------------


def test_sharing_and_unsharing_are_audited_and_told_in_the_history(customer, owner, colleague):
    until = TODAY() + datetime.timedelta(days=30)

    shared, changed = share_record(
        actor=owner, record=customer, user_id=colleague.pk, access="write", until=until
    )
    unshare_record(actor=owner, share_id=shared.pk)

    assert changed
    assert not RecordShare.objects.exists()
    events = list(AuditEvent.objects.for_object(customer).order_by("pk"))
    assert [e.action for e in events] == ["rbac.share.write", "rbac.share.remove"]
    assert events[0].data["colleague_id"] == colleague.pk
    with translation.override("zh-hans"):
        entries = describe(events)
    assert "读写" in entries[0].sentences[0]
    assert colleague.display_name in dict(entries[0].details).values()


def test_the_same_share_twice_is_one_row_and_one_audit_record(customer, owner, colleague):
    for _ in range(2):
        share_record(actor=owner, record=customer, user_id=colleague.pk, access="read")

    assert RecordShare.objects.count() == 1
    assert AuditEvent.objects.for_object(customer).count() == 1


def test_a_manager_who_sees_every_customer_may_share_it(customer, sales_manager, colleague):
    share_record(actor=sales_manager, record=customer, user_id=colleague.pk, access="read")

    assert customer_policy.can(colleague, "view", customer)


@pytest.mark.parametrize(
    ("who", "access", "until", "field", "message"),
    [
        ("owner", "read", None, "user", "不能与自己共享"),
        ("manager", "read", None, "user", "已经是该记录的负责人"),
        ("inactive", "read", None, "user", "已被禁用"),
        ("colleague", "read", "yesterday", "until", "结束日期已过"),
        ("nobody", "read", None, "user", "请选择一位存在的同事"),
        ("colleague", "admin", None, "access", "请选择只读或读写"),
    ],
)
def test_bad_input_is_told_in_chinese_and_changes_nothing(
    customer, owner, colleague, sales_manager, who, access, until, field, message
):
    targets = {
        "owner": owner.pk,
        "manager": owner.pk,
        "inactive": UserFactory(role="account_manager", is_active=False).pk,
        "colleague": colleague.pk,
        "nobody": 987654321,
    }
    actor = sales_manager if who == "manager" else owner
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        share_record(
            actor=actor,
            record=customer,
            user_id=targets[who],
            access=access,
            until=YESTERDAY() if until else None,
        )

    assert message in " ".join(raised.value.message_dict[field])
    assert not RecordShare.objects.exists()
    assert not AuditEvent.objects.for_object(customer).exists()


def test_a_colleague_without_the_right_may_not_share_nor_unshare(customer, owner, colleague):
    other = UserFactory(role="account_manager")
    shared = share(customer, colleague, "write")

    with pytest.raises(PermissionDenied):
        share_record(actor=colleague, record=customer, user_id=other.pk, access="read")
    with pytest.raises(PermissionDenied):
        unshare_record(actor=other, share_id=shared.pk)

    assert list(RecordShare.objects.all()) == [shared]


# --- the pages -----------------------------------------------------------------------------


def test_the_owner_shares_from_the_customer_page_and_sees_it_listed(
    client, customer, owner, colleague
):
    signed_in(client, owner)
    page = client.get(reverse("customers:customer-detail", args=[customer.pk]))
    assert 'data-testid="share-form"' in page.content.decode()

    response = client.post(
        reverse("rbac:share-create", args=["customer", customer.pk]),
        {"user": colleague.pk, "access": "read", "until": ""},
        follow=True,
        **ZH,
    )

    assert response.status_code == 200
    assert f'data-testid="share-{colleague.pk}"' in response.content.decode()
    assert RecordShare.objects.get().user == colleague


def test_bad_input_on_the_page_is_told_and_changes_nothing(client, customer, owner):
    signed_in(client, owner)

    response = client.post(
        reverse("rbac:share-create", args=["customer", customer.pk]),
        {"user": owner.pk, "access": "read", "until": ""},
        follow=True,
        **ZH,
    )

    assert "不能与自己共享" in told(response)
    assert not RecordShare.objects.exists()


def test_the_owner_removes_a_share_from_the_page(client, customer, owner, colleague):
    shared = share(customer, colleague, "read")
    signed_in(client, owner)

    response = client.post(reverse("rbac:share-delete", args=[shared.pk]))

    assert response.status_code == 302
    assert not RecordShare.objects.exists()
    assert AuditEvent.objects.for_object(customer).get().action == "rbac.share.remove"


def test_a_colleague_without_rights_gets_404_or_403_and_nothing_changes(
    client, customer, colleague
):
    other = UserFactory(role="account_manager")
    signed_in(client, colleague)
    url = reverse("rbac:share-create", args=["customer", customer.pk])
    payload = {"user": other.pk, "access": "write", "until": ""}

    assert client.post(url, payload).status_code == 404  # he does not see the customer
    share(customer, colleague, "read")
    assert client.post(url, payload).status_code == 403  # he sees it, it is not his
    assert RecordShare.objects.get().user == colleague
