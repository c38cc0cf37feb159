"""
Writes on background jobs: create (queued, published after commit), run (claimed once), and
the sweeper that re-publishes what the broker lost. RELIABILITY §2.3–2.4.

The one lane for background work: what a user starts and what beat schedules are both jobs.
Beat's nightly entries only create a job of a kind (job_schedule); the job table holds status,
times, error and progress for all of them, and the sweeper (jobs_sweep) is the one recovery
path: it queues a nightly job whose schedule was lost (jobs_catch_up), revives a job whose
worker died, and re-publishes what Redis lost (jobs_requeue).
"""

import json
import logging
import os
import threading
import time
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError as BrokerUnavailable

from apps.jobs import registry
from apps.jobs.models import Job, stale_before
from apps.jobs.selectors import SCHEDULE_TASK
from apps.rbac.services import audit_event_create
from crm.exceptions import DomainError

logger = logging.getLogger(__name__)

S = Job.Status
# Publishing fails with these when Redis is down or unreachable (kombu wraps most of them).
PUBLISH_ERRORS = (BrokerUnavailable, OSError)
SWEEP_BATCH = 500


def _setting(name: str, default: int) -> int:
    return getattr(settings, name, default)


@transaction.atomic
def job_create(*, kind: str, params: dict, actor) -> Job:
    """
    Record a queued job and hand it to the worker once the transaction commits. If the broker
    is down the row simply stays queued and the sweeper publishes it later: nothing is lost.
    """
    registry.get(kind)  # an unknown kind is a programming error: fail now, not in the worker
    job = Job(kind=kind, params=params, created_by=actor)
    job.full_clean()
    job.save()
    transaction.on_commit(partial(job_publish, job.pk, kind=kind))
    return job


# Beat's own message has this long to create its job before the sweeper creates a replacement.
CATCH_UP_GRACE = timedelta(minutes=10)


@transaction.atomic
def job_schedule(*, kind: str) -> Job | None:
    """
    A scheduled job (the nightly churn scan, the report refresh): queued as any job, by the
    system, unless one of the kind is already queued or running, so a message beat sent twice
    or the sweeper's catch-up at the same moment adds nothing. None when nothing was created.
    """
    _serialise(f"jobs.schedule:{kind}")
    if Job.objects.filter(kind=kind, status__in=Job.ACTIVE_STATUSES).exists():
        return None
    return job_create(kind=kind, params={}, actor=None)


def _serialise(name: str) -> None:
    """One transaction at a time past this point, per `name` (PostgreSQL; SQLite has one writer)."""
    if transaction.get_connection().vendor == "postgresql":
        with transaction.get_connection().cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


def jobs_catch_up(*, now=None) -> list[Job]:
    """
    The scheduled jobs whose time passed with no job of their kind created since (beat could
    not hand its message to a stopped Redis, and moved on to the next night): queued now, so
    they are kept in PostgreSQL until a worker runs them. A job created after the scheduled
    time, by beat, the admin or an earlier sweep, makes it a no-op. Before a kind's first job
    there is no time to measure from, and a disabled schedule is left alone.
    """
    now = now or timezone.now()
    caught_up = []
    with transaction.atomic():
        entries = (
            PeriodicTask.objects.select_for_update()  # one sweeper decides at a time
            .select_related("crontab")
            .filter(task=SCHEDULE_TASK, enabled=True, crontab__isnull=False)
            .order_by("pk")
        )
        for entry in entries:
            kind = json.loads(entry.kwargs or "{}").get("kind", "")
            latest = Job.objects.filter(kind=kind).order_by("-created_at").first()
            if latest is None:
                continue
            schedule = entry.crontab.schedule
            missed_at = schedule.now() + schedule.remaining_estimate(latest.created_at)
            if missed_at > now - CATCH_UP_GRACE or (job := job_schedule(kind=kind)) is None:
                continue
            audit_event_create(
                actor=None,
                target=job,
                action="jobs.job.catch_up",
                data={"kind": kind, "missed_at": missed_at.isoformat()},
            )
            caught_up.append(job)
    return caught_up


def job_publish(job_id, *, kind: str = "", connection=None) -> bool:
    """
    Send the wake-up message for a queued job to its kind's queue; False (and the row
    untouched) if refused. One attempt on a connection with short timeouts
    (crm.celery.publish_connection): a request waits about a second at most when Redis is
    frozen, and the sweeper publishes later.
    """
    from apps.jobs.tasks import run_job_task
    from crm.celery import publish_connection

    try:
        with publish_connection() if connection is None else nullcontext(connection) as conn:
            run_job_task.apply_async(
                args=[str(job_id)], queue=registry.queue_of(kind), connection=conn, retry=False
            )
    except PUBLISH_ERRORS as error:
        logger.warning("job %s stays queued, the broker refused it: %s", job_id, error)
        return False
    Job.objects.filter(pk=job_id, status=S.QUEUED).update(published_at=timezone.now())
    return True


class JobContext:
    """What a job's code may use while it runs: its parameters, progress, an output file."""

    def __init__(self, job: Job):
        self.job = job
        self.params = job.params
        self.result_file = ""

    def _mine(self):
        # Only this attempt may write: a worker that was given up for dead writes nothing.
        return Job.objects.filter(pk=self.job.pk, status=S.RUNNING, attempts=self.job.attempts)

    def progress(self, done: int, total: int | None = None) -> None:
        """Record progress and a heartbeat (visible at once: no transaction is open here)."""
        values = {"progress_done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            values["progress_total"] = total
        self._mine().update(**values)

    def counted(self, rows, total: int, *, every: int):
        """`rows` passed through, with the progress recorded every `every` rows."""
        for number, row in enumerate(rows, start=1):
            if number % every == 0:
                self.progress(number, total)
            yield row

    @contextmanager
    def output(self, filename: str):
        """
        A binary file for the job's result, renamed into place only when complete, and only
        while this attempt still owns the job. Each attempt writes a part file of its own: an
        attempt given up for dead whose worker comes back (stalled, not killed) can neither
        mix its bytes into the next attempt's file nor replace the file the job finished with.
        Part files of earlier attempts (a killed worker's) are removed.
        """
        name = f"jobs/{self.job.pk}/{get_valid_filename(Path(filename).name)}"
        path = Path(default_storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        attempt = self.job.attempts
        for left in path.parent.glob(f"{path.name}.*.part"):
            earlier = left.name.removeprefix(f"{path.name}.").removesuffix(".part")
            if earlier.isdigit() and int(earlier) < attempt:
                left.unlink(missing_ok=True)
        partial_path = path.with_name(f"{path.name}.{attempt}.part")
        try:
            with open(partial_path, "wb") as stream:
                yield stream
            # The row lock keeps the sweeper from giving the job away during the rename.
            with transaction.atomic():
                if not self._mine().select_for_update().exists():
                    logger.warning(
                        "job %s: attempt %s was given up, its file is dropped", self.job.pk, attempt
                    )
                    return
                os.replace(partial_path, path)
        finally:
            partial_path.unlink(missing_ok=True)
        self.result_file = name


def job_run(*, job_id) -> Job | None:
    """
    Run a queued job once. A conditional UPDATE claims it, so a duplicate message or a second
    worker finds nothing to do (None). The result or a readable error is written on the row.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=S.QUEUED).update(
        status=S.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        error="",
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    context = JobContext(job)
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        try:
            with _heartbeat(context):
                result = registry.get(job.kind).run(context)
        except (DomainError, ValidationError) as error:
            return _finish(job, status=S.FAILED, error=_message(error))
        except registry.UnknownJobKind:
            return _finish(
                job, status=S.FAILED, error=_("This installation cannot run jobs of this kind.")
            )
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            return _finish(
                job,
                status=S.FAILED,
                error=_(
                    "The job stopped because of an unexpected error. The administrator can find "
                    "the details in the worker's log."
                ),
            )
    return _finish(job, status=S.DONE, result=result, result_file=context.result_file)


@contextmanager
def _heartbeat(context: JobContext):
    """
    While the job's code runs, a thread records a sign of life every CRM_JOB_HEARTBEAT_SECONDS,
    however long one step takes (a slow query, a big sheet): the job falls silent only when its
    worker is gone (killed, stopped), so the sweeper's limit can be a minute and a slow job is
    never run twice at once. It ends at the hard time limit, when the task would be killed (a
    solo pool enforces none: a task stuck past it is then given up like a dead one).
    """
    stop = threading.Event()
    interval = _setting("CRM_JOB_HEARTBEAT_SECONDS", 10)
    until = time.monotonic() + (_setting("CELERY_TASK_TIME_LIMIT", 0) or float("inf"))

    def beat() -> None:
        try:
            while not stop.wait(interval) and time.monotonic() < until:
                try:
                    context._mine().update(heartbeat_at=timezone.now())
                except DatabaseError as error:  # the database restarting: the next beat
                    logger.warning("job %s: heartbeat not recorded: %s", context.job.pk, error)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"job-{context.job.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _finish(job: Job, *, status: str, result=None, result_file: str = "", error: str = ""):
    now = timezone.now()
    values = {
        "status": status,
        "result": result,
        "result_file": result_file,
        "error": error,
        "finished_at": now,
        "heartbeat_at": now,
    }
    if status == S.DONE:  # a finished job is complete, whatever it last reported
        values["progress_total"] = values["progress_done"] = Coalesce("progress_total", Value(1))
    Job.objects.filter(pk=job.pk, status=S.RUNNING, attempts=job.attempts).update(**values)
    job.refresh_from_db()
    return job


def jobs_sweep() -> dict:
    """
    Beat's sweep every minute, the one recovery path of every job: first jobs_catch_up()
    queues what a lost schedule missed, then jobs_requeue() revives the jobs of dead workers
    and publishes every queued job. A failing catch-up is logged and does not stop the rest.
    """
    try:
        caught_up = len(jobs_catch_up())
    except Exception:
        logger.exception("the catch-up of scheduled jobs failed")
        caught_up = 0
    return {**jobs_requeue(), "caught_up": caught_up}


def jobs_stale(*, stale_for: int | None = None):
    """The running jobs whose worker is taken for dead (Job.worker_lost): silent too long."""
    return Job.objects.filter(status=S.RUNNING, heartbeat_at__lt=stale_before(stale_for))


def jobs_requeue(*, queued_for: int | None = None, stale_for: int | None = None) -> dict:
    """
    The safety net under the broker (beat runs it every minute, the worker at start): running
    jobs whose worker fell silent (Job.worker_lost) go back to the queue, or fail once out of
    attempts; queued jobs not picked up for a minute are published again. Harmless to re-run.
    """
    now = timezone.now()
    queued_for = _setting("CRM_JOB_REQUEUE_SECONDS", 60) if queued_for is None else queued_for
    attempts = _setting("CRM_JOB_MAX_ATTEMPTS", 3)
    stale = jobs_stale(stale_for=stale_for)
    given_up = stale.filter(attempts__gte=attempts).update(
        status=S.FAILED,
        finished_at=now,
        error=_("The worker running this job stopped answering %(n)s times; the job was given up.")
        % {"n": attempts},
    )
    revived = stale.filter(attempts__lt=attempts).update(status=S.QUEUED, published_at=None)
    cutoff = now - timedelta(seconds=queued_for)
    due = Job.objects.filter(status=S.QUEUED).filter(
        Q(published_at__lte=cutoff) | Q(published_at__isnull=True, created_at__lte=cutoff)
    )
    published = 0
    due_ids = list(due.order_by("created_at").values_list("pk", "kind")[:SWEEP_BATCH])
    if due_ids:
        from crm.celery import publish_connection

        with publish_connection() as connection:
            for job_id, kind in due_ids:
                if not job_publish(job_id, kind=kind, connection=connection):
                    break  # the broker is down: the next sweep tries again
                published += 1
    return {"given_up": given_up, "revived": revived, "published": published}
