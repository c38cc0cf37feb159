"""
The kinds of background job. An app registers its kinds in AppConfig.ready(), so this app
never imports the apps that use it::

    register(JobKind("reports.compute", _("Report"), run=compute_report, result_url=...))

`run(context)` does the work (see apps.jobs.services.JobContext: progress, output file) and
returns a JSON-serialisable dict stored as the job's result. It raises DomainError or
ValidationError with a translated message for a failure the user should read.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Any  # a lazy translation
    run: Callable[..., dict | None]
    # The page that shows a finished job's result (None: the job page itself is the result).
    result_url: Callable[[Any], str | None] | None = None


KINDS: dict[str, JobKind] = {}
# Checks the sweeper runs every minute: an app queues, as a job, scheduled work that beat could
# not hand to the broker (a nightly run lost while Redis was down). Each returns the job or None.
SWEEP_CHECKS: list[Callable[[], Any]] = []


class UnknownJobKind(LookupError):
    pass


def register(kind: JobKind) -> None:
    KINDS[kind.name] = kind


def get(name: str) -> JobKind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownJobKind(name) from None


def register_sweep_check(check: Callable[[], Any]) -> None:
    if check not in SWEEP_CHECKS:
        SWEEP_CHECKS.append(check)
