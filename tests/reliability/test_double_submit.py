"""
A create form sent twenty times at once from one browser (double clicks, a resent request),
all with the same one-time token (crm.forms.SubmitOnceMixin): one record, one audit row, one
claimed token; the other nineteen are told the form was already sent (issue 9).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.basedata.models import DictItem
from apps.customers.models import Activity, Linkman
from apps.marketing.models import SalesChance
from apps.rbac.models import AuditEvent
from apps.service.models import ServiceTicket
from crm.models import SubmissionToken
from tests.customers.churn_factories import ChurnFactory, old_customer
from tests.factories import CustomerFactory, DictItemFactory, UserFactory
from tests.reliability.parallel import (
    PARTIES,
    ZH,
    LockHolder,
    browsers,
    changes,
    fingerprint,
    resolve,
    run_together,
    table,
    told,
)

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "9b1d6c1e-2f7a-4e36-8c55-0e4f3a1b7d42"


@dataclass
class Form:
    url: str
    user: object
    data: dict
    service: str  # the create service the view calls; the winner waits in it, uncommitted
    model: type
    action: str
    created: Callable[[], object]  # the one record, as the user would find it


def linkman() -> Form:
    customer = CustomerFactory()
    return Form(
        url=reverse("customers:linkman-create", args=[customer.pk]),
        user=customer.manager,
        data={"name": "周敏", "sex": "女", "position": "采购经理", "tel": "0571-88886666"},
        service="apps.customers.services.customer_child_save",
        model=Linkman,
        action="customers.linkman.create",
        created=lambda: Linkman.objects.get(customer=customer, name="周敏"),
    )


def activity() -> Form:
    customer = CustomerFactory()
    return Form(
        url=reverse("customers:activity-create", args=[customer.pk]),
        user=customer.manager,
        data={"date": "2026-11-20T09:30", "place": "杭州", "title": "上门拜访"},
        service="apps.customers.services.customer_child_save",
        model=Activity,
        action="customers.activity.create",
        created=lambda: Activity.objects.get(customer=customer, title="上门拜访"),
    )


def sales_chance() -> Form:
    return Form(
        url=reverse("marketing:chance-create"),
        user=UserFactory(role="sales_manager"),
        data={
            "source": "展会",
            "customer_name": "杭州新远科技有限公司",
            "rate": 60,
            "title": "采购 20 台笔记本电脑",
            "linkman": "周敏",
            "tel": "13800000000",
            "description": "客户计划下季度更换办公电脑。",
        },
        service="apps.marketing.services.sales_chance_create",
        model=SalesChance,
        action="marketing.chance.create",
        created=lambda: SalesChance.objects.get(customer_name="杭州新远科技有限公司"),
    )


def service_ticket() -> Form:
    DictItemFactory(type=DictItem.SERVICE_TYPE, item="咨询", item_en="Consultation", value="咨询")
    customer = CustomerFactory()
    return Form(
        url=reverse("service:ticket-create"),
        user=customer.manager,
        data={"type": "咨询", "title": "打印机故障", "customer": customer.pk, "request": "上门"},
        service="apps.service.services.ticket_create",
        model=ServiceTicket,
        action="service.ticket.create",
        created=lambda: ServiceTicket.objects.get(customer=customer, title="打印机故障"),
    )


FORMS = {
    "customer linkman": linkman,
    "customer activity": activity,
    "sales chance": sales_chance,
    "service ticket": service_ticket,
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("form", FORMS)
def test_one_create_form_sent_twenty_times_at_once_creates_one_record(form, monkeypatch):
    form = FORMS[form]()
    clients = browsers([form.user] * PARTIES, same_session=True)  # one browser
    holder = LockHolder(waiters=PARTIES - 1)
    monkeypatch.setattr(form.service, holder.wrap(resolve(form.service)))
    before = fingerprint()
    data = {**form.data, "submit_token": TOKEN}

    responses = run_together([lambda c=c: c.post(form.url, data, **ZH) for c in clients])

    assert all(isinstance(r, HttpResponseBase) for r in responses), responses  # no crash
    assert (holder.passed, holder.seen) == (1, PARTIES - 1)  # all waited for the first one
    with translation.override("zh-hans"):
        refused = _("This form was already submitted.")
    assert refused != "This form was already submitted."
    told_again = [r for r in responses if refused in told(r)]
    assert len(told_again) == PARTIES - 1
    assert {(r.status_code, r.url) for r in told_again} == {(302, form.url)}
    (saved,) = [r for r in responses if r not in told_again]
    assert (saved.status_code, saved.url == form.url) == (302, False)
    created = form.created()
    assert AuditEvent.objects.filter(action=form.action).get().object_id == str(created.pk)
    assert SubmissionToken.objects.get().pk.hex == TOKEN.replace("-", "")
    assert changes(before, fingerprint()) == {
        table(form.model): 1,
        table(AuditEvent): 1,
        table(SubmissionToken): 1,
    }


@pytest.mark.django_db  # no race here: the faster transaction-per-test database
@pytest.mark.parametrize("form", FORMS)
def test_every_create_page_sends_a_one_time_token_with_its_form(form):
    form = FORMS[form]()
    (client,) = browsers([form.user])

    page = client.get(form.url).content.decode()

    assert page.count('name="submit_token"') == 1
    assert 'type="hidden" name="submit_token"' in page


@pytest.mark.django_db
def test_the_postpone_page_sends_a_one_time_token_too():
    churn = ChurnFactory(customer=old_customer())
    (client,) = browsers([churn.customer.manager])

    page = client.get(reverse("customers:churn-postpone", args=[churn.pk])).content.decode()

    assert 'type="hidden" name="submit_token"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS)
def test_a_create_form_sent_without_its_token_is_refused_and_changes_nothing(form):
    """A script or stale page posting without the token gets the form back, never a record
    that a double submission could repeat."""
    form = FORMS[form]()
    (client,) = browsers([form.user])
    before = fingerprint()

    response = client.post(form.url, form.data)

    assert response.status_code == 200
    assert "submit_token" in response.context["form"].errors
    assert changes(before, fingerprint()) == {}
    assert not form.model.objects.exists()


@pytest.mark.django_db
def test_a_postpone_sent_without_its_token_is_refused_and_changes_nothing():
    churn = ChurnFactory(customer=old_customer())
    (client,) = browsers([churn.customer.manager])
    before = fingerprint()

    response = client.post(
        reverse("customers:churn-postpone", args=[churn.pk]), {"measure": "每周电话回访"}
    )

    assert response.status_code == 200
    assert "submit_token" in response.context["form"].errors
    assert changes(before, fingerprint()) == {}
