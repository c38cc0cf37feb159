"""
The churn transitions of SPEC §3.3 (postpone, confirm), each one service with the row lock, the
policy check, the transition table and the audit row; and the admin's "run the scan now".
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError as BrokerUnavailable

from apps.customers.models import Churn, ChurnMeasure, ChurnScanRun, Customer
from apps.rbac.policies import churn_policy, churn_scan_policy
from apps.rbac.services import audit_event_create
from crm.exceptions import DomainError
from crm.workflow import transition

S = Churn.Status


def _locked_churn(churn_id: int, *, with_customer: bool = False) -> Churn:
    lock = ("self", "customer") if with_customer else ("self",)
    return Churn.objects.select_for_update(of=lock).select_related("customer").get(pk=churn_id)


def _required(field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def churn_postpone(*, actor, churn_id: int, measure: str) -> Churn:
    """暂缓流失: append a measure (text, author, time) to an open record; it becomes postponed."""
    churn = _locked_churn(churn_id)
    churn_policy.require(actor, "change", churn)
    text = _required("measure", measure, _("Enter the measure you are taking."))
    old = transition(churn, to=S.POSTPONED)
    row = ChurnMeasure(churn=churn, text=text, author=actor)
    row.full_clean()
    row.save()
    churn.full_clean()
    churn.save(update_fields=["status", "updated_at"])
    audit_event_create(
        actor=actor,
        target=churn,
        action="customers.churn.postpone",
        from_status=old,
        to_status=churn.status,
        data={"measure": text, "measure_id": row.pk},
    )
    return churn


@transaction.atomic
def churn_confirm(*, actor, churn_id: int, reason: str) -> Churn:
    """确认流失: record the reason and today as the lost date; the customer becomes lost."""
    churn = _locked_churn(churn_id, with_customer=True)
    churn_policy.require(actor, "change", churn)
    reason = _required("reason", reason, _("Enter the reason the customer was lost."))
    old = transition(churn, to=S.CONFIRMED)
    churn.reason, churn.lost_date = reason, timezone.localdate()
    churn.full_clean()
    churn.save(update_fields=["status", "reason", "lost_date", "updated_at"])
    audit_event_create(
        actor=actor,
        target=churn,
        action="customers.churn.confirm",
        from_status=old,
        to_status=churn.status,
        data={"reason": reason},
    )
    _customer_mark_lost(actor=actor, customer=churn.customer, churn=churn)
    return churn


def _customer_mark_lost(*, actor, customer: Customer, churn: Churn) -> None:
    # A deleted customer stays deleted; a normal one becomes lost (SPEC §3.3 "cust_status = 2").
    if customer.status != Customer.Status.NORMAL:
        return
    customer.status = Customer.Status.LOST
    customer.save(update_fields=["status", "updated_at"])
    audit_event_create(
        actor=actor,
        target=customer,
        action="customers.customer.lost",
        from_status=Customer.Status.NORMAL,
        to_status=customer.status,
        data={"churn_id": churn.pk},
    )


class ScanNotQueued(DomainError):
    """The task queue (Redis) did not accept the scan."""

    message = gettext_lazy(
        "The scan could not be queued: the task queue is not available. Try again later."
    )


def churn_scan_request(*, actor) -> ChurnScanRun:
    """
    The admin's "run now": a queued run, handed to the worker once committed. If the broker is
    unreachable the run is marked failed and ScanNotQueued says so; nothing else changed.
    """
    with transaction.atomic():
        churn_scan_policy.require(actor, "run")
        run = ChurnScanRun.objects.create(requested_by=actor)
        audit_event_create(actor=actor, target=run, action="customers.churn_scan.request")
        transaction.on_commit(lambda: _enqueue(run.pk))
    run.refresh_from_db()
    return run


def _enqueue(run_id: int) -> None:
    from apps.customers.tasks import churn_scan_task

    try:
        churn_scan_task.delay(run_id=run_id)
    except BrokerUnavailable as error:
        ChurnScanRun.objects.filter(pk=run_id, status=ChurnScanRun.Status.QUEUED).update(
            status=ChurnScanRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"not queued: {error}",
        )
        raise ScanNotQueued(ScanNotQueued.message) from error
