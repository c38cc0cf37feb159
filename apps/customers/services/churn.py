"""
The churn transitions of SPEC §3.3 (postpone, confirm), each one service with the row lock, the
policy check, the transition table and the audit row; and the scan as a background job of
apps.jobs, started by the admin ("run now") or by the nightly schedule (beat creates the job,
the jobs sweeper catches up a night that beat could not send).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers.models import Churn, ChurnMeasure, ChurnScanRun, Customer
from apps.jobs.models import Job
from apps.jobs.services import job_create
from apps.rbac.policies import churn_policy, churn_scan_policy
from apps.rbac.services import audit_event_create
from crm.locking import atomic_retried, locked, locked_with_parent
from crm.workflow import transition

S = Churn.Status


def _locked_churn(churn_id: int, *, with_customer: bool = False) -> Churn:
    if with_customer:  # the customer first: the lock order of crm.locking
        return locked_with_parent(Churn, "customer", pk=churn_id)
    return locked(Churn.objects.select_related("customer"), pk=churn_id)


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


@atomic_retried
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


CHURN_SCAN_JOB = ChurnScanRun.JOB_KIND


def churn_scan_request(*, actor) -> tuple[ChurnScanRun, Job]:
    """
    The admin's "run now": a queued background job (apps.jobs) and the run that will hold its
    figures, committed together. The job is handed to the worker after the commit; if Redis
    is down or frozen it stays queued and the sweeper publishes it when Redis is back, so the
    run happens later, once (the job's claim and the run's cutoff make a second delivery a
    no-op).
    """
    with transaction.atomic():
        churn_scan_policy.require(actor, "run")
        job = job_create(kind=CHURN_SCAN_JOB, params={}, actor=actor)
        run = ChurnScanRun.objects.create(job=job)
        audit_event_create(actor=actor, target=run, action="customers.churn_scan.request")
    job.refresh_from_db()  # published_at tells whether the worker has it already
    return run, job


def churn_scan_job(context) -> dict:
    """
    The job customers.churn_scan, the admin's or the nightly one: its run (made now for a job
    that beat created), done by apps.customers.services.churn_scan.
    """
    from apps.customers.services.churn_scanner import churn_scan

    run, _created = ChurnScanRun.objects.get_or_create(job=context.job)
    run = churn_scan(run=run)
    return {"run": run.pk, "warned": run.warned, "recovered": run.recovered}


def churn_scan_job_result_url(job) -> str:
    return reverse("customers:churn-scan")
