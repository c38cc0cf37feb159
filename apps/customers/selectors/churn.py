"""Reads of churn management; each starts from the user's scope (apps.rbac.policies)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.customers.models import Churn, ChurnMeasure, ChurnScanRun
from apps.rbac.policies import churn_policy, churn_scan_policy


def churn_list(*, user, action: str = "view") -> QuerySet[Churn]:
    """Churn records `user` may see (his customers', or all for the sales manager)."""
    qs = Churn.objects.select_related("customer", "customer__manager", "manager")
    return churn_policy.scope(user, action, qs)


def churn_get(*, user, pk: int, action: str = "view") -> Churn:
    """One churn record in the user's scope for `action`; anything else is a 404."""
    return get_object_or_404(churn_list(user=user, action=action), pk=pk)


def churn_measures(*, churn: Churn) -> QuerySet[ChurnMeasure]:
    """The postpone measures of a record, oldest first, with their authors."""
    return churn.measures.select_related("author").order_by("created_at", "pk")


def churn_warnings(*, user) -> QuerySet[Churn]:
    """Warnings waiting for the user's decision (the menu badge, counted with the others)."""
    return churn_policy.scope(user, "view", Churn.objects.filter(status=Churn.Status.WARNING))


def churn_warning_count(*, user) -> int:
    return churn_warnings(user=user).count()


def churn_scan_run_list(*, user) -> QuerySet[ChurnScanRun]:
    """The scan runs with their jobs (status, times, who asked), newest first."""
    qs = ChurnScanRun.objects.select_related("job__created_by").order_by("-created_at", "-pk")
    return churn_scan_policy.scope(user, "run", qs)


def churn_scan_schedule():
    """The nightly scan's django-celery-beat entry (with its crontab), or None."""
    from apps.jobs.selectors import job_schedule_entry

    return job_schedule_entry(kind=ChurnScanRun.JOB_KIND)
