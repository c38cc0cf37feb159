"""
Report computations read from a read replica when one is configured (REPORTS_DATABASE_URL):
the big aggregates then load the replica, and the primary keeps serving the users' pages and
writes. Only reads made inside `report_reads()` go there; everything else, every write and the
report cache itself (UNLOGGED tables, which a replica does not have) stay on the primary.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

_reading_reports = ContextVar("reading_reports", default=False)

# Written by the computation on the primary and read back there: the report cache (not on a
# replica: UNLOGGED) and the job's progress. The data version (reports.DataChange) is read on
# the replica, in the same snapshot as the data it versions.
PRIMARY_ONLY = {"reports.reportsnapshot", "reports.reportrow", "jobs.job"}


def report_read_alias() -> str:
    """The database that report computations read: the replica when configured."""
    return settings.CRM_REPORTS_DATABASE or DEFAULT_DB_ALIAS


@contextmanager
def report_reads():
    """Route the business-table reads made inside to the report database; yields its alias."""
    token = _reading_reports.set(True)
    try:
        yield report_read_alias()
    finally:
        _reading_reports.reset(token)


class ReportsReplicaRouter:
    """Sends report reads to the replica; every other query keeps Django's default database."""

    def db_for_read(self, model, **hints):
        if _reading_reports.get() and model._meta.label_lower not in PRIMARY_ONLY:
            return report_read_alias()
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica follows the primary's schema by replication
