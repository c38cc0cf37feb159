"""
The kinds of background job: the hook "jobs.kind" (crm.hooks). An app registers its kinds in
AppConfig.ready(), so this app never imports the apps that use it::

    kind = JobKind("reports.compute", _("Report"), run=compute_report, result_url=...)
    hooks.register("jobs.kind", kind, key=kind.name)

`run(context)` does the work (see apps.jobs.services.JobContext: progress, output file) and
returns a JSON-serialisable dict stored as the job's result. It raises DomainError or
ValidationError with a translated message for a failure the user should read.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crm import hooks


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Any  # a lazy translation
    run: Callable[..., dict | None]
    # The page that shows a finished job's result (None: the job page itself is the result).
    result_url: Callable[[Any], str | None] | None = None
    # The Celery queue that runs it: "celery" for what a user waits for, "nightly" for the long
    # scheduled work, so that workers scale per kind of work (settings.CELERY_TASK_QUEUES).
    queue: str = "celery"


KINDS = hooks.registry("jobs.kind")


class UnknownJobKind(LookupError):
    pass


def queue_of(name: str) -> str:
    """The queue of a kind; an unknown kind goes to the default one, which fails it readably."""
    kind = KINDS.get(name)
    return kind.queue if kind else "celery"


def get(name: str) -> JobKind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownJobKind(name) from None
