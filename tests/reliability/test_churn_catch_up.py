"""
The nightly churn scan after two days of downtime (issue 9, RELIABILITY §2.7, SPEC §3.3).

What "catches up" means here: the scan is a rule on the state of the data ("no order for N
months"), not a log of days, and its cutoff only moves forward with the calendar. So the first
run after the downtime warns every customer who crossed the threshold on any missed day, with
his real last order date, closes the warnings of those who ordered again meanwhile, and sends
each manager one digest of it all. Celery beat sends that run as soon as it starts again: a
crontab entry whose last run is days old is due at once, once, then waits for the next 02:00.
Beat's entry only creates the job; the worker runs it like any job. Running the scan again adds
nothing. The admin's scan page shows the last run before the gap and the catch-up run.
"""

from datetime import date, datetime, time, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import ngettext
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from apps.customers.models import Churn, ChurnScanRun
from apps.customers.services import churn_scan
from apps.customers.services.churn_scanner import churn_cutoff
from apps.jobs.models import Job
from apps.jobs.tasks import job_schedule_task
from apps.notifications.models import Notification
from apps.rbac.models import AuditEvent
from crm.celery import app as celery_app
from tests.customers.churn_factories import nightly_schedule_rows, old_customer, order, past_scan
from tests.customers.test_churn_scan_page import NIGHTLY
from tests.customers.test_churn_worker import worker  # noqa: F401  (the fixture)
from tests.factories import UserFactory
from tests.reliability.parallel import ZH, browsers, changes, fingerprint, table
from tests.reports.broker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

S = Churn.Status


def crossing_on(day: date) -> datetime:
    """A last order that is recent for the scan of the day before `day`, old for `day`'s."""
    return churn_cutoff(today=day, months=settings.CRM_CHURN_MONTHS) - timedelta(minutes=1)


def at_ten(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def digest_title(count: int) -> str:
    """The digest's title in the managers' language (none chosen: the site's, Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return ngettext("%(count)d new churn warning", "%(count)d new churn warnings", count) % {
            "count": count
        }


def warned_by(run) -> dict[int, date]:
    return dict(run.warnings.values_list("customer", "last_order_date"))


def test_after_two_missed_nights_one_run_warns_everyone_who_crossed_meanwhile_and_again_nothing():
    # A mid-month business day, so that every day around it has its own cutoff (a month end
    # maps several days onto the same cutoff: nobody can cross on those days).
    day = (timezone.localdate() - relativedelta(months=1)).replace(day=20)
    missed = [day - timedelta(days=2), day - timedelta(days=1)]
    first, second, earlier = (UserFactory(role="account_manager") for _ in range(3))
    crossed = {}  # crossing day -> customer
    for when, manager in [
        (day - timedelta(days=4), earlier),
        (day - timedelta(days=3), earlier),
        (missed[0], first),
        (missed[1], second),
        (day, first),
        (day + timedelta(days=1), second),  # crosses tomorrow
    ]:
        crossed[when] = old_customer(manager=manager)
        order(crossed[when], crossing_on(when))
    # Crossed on the first missed night, ordered again on the second day: nothing to warn.
    came_back = old_customer(manager=second)
    order(came_back, crossing_on(missed[0]))
    # Warned before the downtime, ordered again during it: recovered by the catch-up run.
    recovering = old_customer(manager=earlier)
    order(recovering, crossing_on(day - timedelta(days=4)))
    for night in (day - timedelta(days=4), day - timedelta(days=3)):  # the last two nights run
        assert churn_scan(today=night).is_done
    order(recovering, at_ten(missed[1]))  # what the sales system delivered meanwhile
    order(came_back, at_ten(missed[1]))
    assert set(Churn.objects.open().values_list("customer", flat=True)) == {
        crossed[day - timedelta(days=4)].pk,
        crossed[day - timedelta(days=3)].pk,
        recovering.pk,
    }
    mail.outbox.clear()
    notified_before = Notification.objects.order_by("pk").last().pk
    before = fingerprint()

    run = churn_scan(today=day)  # the machine is back: the next run

    new = [crossed[missed[0]], crossed[missed[1]], crossed[day]]
    assert warned_by(run) == {
        c.pk: local_date(crossing_on(d)) for c, d in zip(new, [*missed, day], strict=True)
    }
    assert (run.is_done, run.warned, run.recovered, run.notified, run.mail_failed) == (
        True,
        3,
        1,
        2,
        0,
    )
    assert run.cutoff == day - relativedelta(months=settings.CRM_CHURN_MONTHS)
    assert run.months == settings.CRM_CHURN_MONTHS
    recovered = Churn.objects.get(customer=recovering)
    assert (recovered.status, recovered.recovered_date) == (S.RECOVERED, day)
    assert not Churn.objects.filter(customer__in=[came_back, crossed[day + timedelta(days=1)]])
    warn_audit = AuditEvent.objects.filter(action="customers.churn.warn", data__scan_run=run.pk)
    assert sorted(int(pk) for pk in warn_audit.values_list("object_id", flat=True)) == sorted(
        run.warnings.values_list("pk", flat=True)
    )
    digests = Notification.objects.filter(pk__gt=notified_before)
    assert sorted(digests.values_list("recipient", "title")) == sorted(
        [(first.pk, digest_title(2)), (second.pk, digest_title(1))]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    assert changes(before, fingerprint()) == {
        table(Churn): 3,  # three warnings added, one record recovered in place
        table(AuditEvent): 4,
        table(Notification): 2,
        table(ChurnScanRun): 1,
    }
    mail.outbox.clear()
    before = fingerprint()

    again = churn_scan(today=day)

    assert (again.is_done, again.warned, again.recovered, again.notified) == (True, 0, 0, 0)
    assert changes(before, fingerprint()) == {table(ChurnScanRun): 1}
    assert mail.outbox == []


def last_night_before(days_ago: int) -> datetime:
    """02:00 (the schedule's time) of the night `days_ago` days before today, local time."""
    night = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(night, time(2)))


def beat_entry() -> ModelEntry:
    """The nightly scan as django-celery-beat's database scheduler reads it at start."""
    return ModelEntry(PeriodicTask.objects.get(name=NIGHTLY), app=celery_app)


def finished_runs():
    finished = [Job.Status.DONE, Job.Status.FAILED]
    return ChurnScanRun.objects.filter(job__status__in=finished).order_by("pk")


def beat_sends(entry: ModelEntry, queue: str) -> None:
    """What beat publishes for the entry (its task, its arguments), to the test worker."""
    assert entry.task == job_schedule_task.name  # beat's entry only creates a job
    job_schedule_task.apply_async(args=entry.args, kwargs=entry.kwargs, queue=queue)


@pytest.mark.timeout(180)
def test_beat_sends_the_missed_scan_once_at_start_and_a_real_worker_catches_up(worker):  # noqa: F811
    nightly_schedule_rows()
    manager = UserFactory(role="account_manager")
    # The last night before the downtime: its run and the warning it raised.
    before_downtime = past_scan(at=last_night_before(3), warned=1)
    warned_before = old_customer(manager=manager)
    order(warned_before, timezone.localdate() - relativedelta(months=8))
    Churn.objects.create(customer=warned_before, manager=manager, scan_run=before_downtime)
    PeriodicTask.objects.filter(name=NIGHTLY).update(
        last_run_at=last_night_before(3) + timedelta(seconds=1)
    )
    # Customers whose last order became older than N months during the two missed nights
    # or today (whatever the calendar, each of them is due now).
    due = []
    for days in (0, 1, 2):
        customer = old_customer(manager=manager)
        order(customer, crossing_on(timezone.localdate() - timedelta(days=days)))
        due.append(customer)
    not_yet = old_customer(manager=manager)  # ordered exactly N months ago: still recent
    order(not_yet, churn_cutoff(today=timezone.localdate(), months=settings.CRM_CHURN_MONTHS))

    entry = beat_entry()
    assert entry.is_due().is_due  # the missed nights: due as soon as beat starts
    beat_sends(entry, worker.queue)
    following = next(entry)  # beat records the run it sent
    state = following.is_due()
    assert not state.is_due
    assert 0 < state.next <= 24 * 3600  # the next 02:00

    run = wait_for(lambda: finished_runs().exclude(pk=before_downtime.pk).first(), timeout=90)

    assert (run.job.status, run.warned, run.recovered, run.notified, run.job.created_by) == (
        Job.Status.DONE,
        len(due),
        0,
        1,
        None,
    )
    assert warned_by(run) == {
        c.pk: local_date(crossing_on(timezone.localdate() - timedelta(days=d)))
        for d, c in enumerate(due)
    }
    assert Churn.objects.filter(customer=warned_before).count() == 1
    assert list(Notification.objects.values_list("recipient", "title")) == [
        (manager.pk, digest_title(len(due)))
    ]
    page = browsers([UserFactory(role="admin")])[0].get(reverse("customers:churn-scan"), **ZH)
    with translation.override("zh-hans"):
        shown = [
            date_format(timezone.localtime(r.job.started_at), "SHORT_DATETIME_FORMAT")
            for r in (run, before_downtime)
        ]
    body = page.content.decode()
    assert all(moment in body for moment in shown)
    assert body.index(shown[0]) < body.index(shown[1])  # newest first, nothing in between
    assert body.count('data-testid="churn-scan-run-row"') == 2
    before = fingerprint()

    beat_sends(following, worker.queue)  # the next night

    again = wait_for(lambda: finished_runs().exclude(pk__lte=run.pk).first(), timeout=90)
    assert (again.job.status, again.warned, again.recovered, again.notified) == (
        Job.Status.DONE,
        0,
        0,
        0,
    )
    assert changes(before, fingerprint()) == {table(ChurnScanRun): 1, table(Job): 1}
