"""
The row locks of the services, and what a lost race looks like to the user.

Every service that changes an existing row re-reads it under lock in its transaction
(STYLE §2.5) with `locked()`. The row may have gone since the page was loaded: deleted, or
left out by the service's queryset (a logically deleted customer). That is one outcome
everywhere, `RecordGone`: "This linkman no longer exists.", shown on the form by
crm.views.DomainErrorMixin or as a message, else as the 404 page; never a server error.

Lock order. Two transactions that lock the same rows in opposite orders wait for each other
until PostgreSQL aborts one of them (a deadlock). So every service locks the parent before the
child, and never the other way round:

    customer      → linkman, activity, order, churn record
    transfer      : its target user (FOR NO KEY UPDATE: not disabled meanwhile) → the
                    customers in id order → their churn records, chances, services
    sales chance  → plan item
    import batch  → the rows it created or changed
    (user, role, dictionary item, service ticket, notification: one row, nothing after it)

`locked_with_parent()` takes a child's parent first. Do not lock two rows in one statement
(`select_related` with `select_for_update`): PostgreSQL locks them in its plan's order, the
child first. A service that locks more than one row is `@atomic_retried`.

What remains, a deadlock over a lock the code does not take itself (the share lock of a foreign
key, a trigger's row) or a serialization failure, is no fault of the user and not an outage:
`atomic_retried` runs the service again; if it keeps losing, the user is asked to try again
(ConcurrentUpdate). crm.views.server_error shows such an error that reached it as the same
conflict, and the 503 page only for a connection that failed (crm.views.database_unreachable).
"""

import functools
import random
import time

from django.db import OperationalError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.exceptions import ConcurrentUpdate, RecordGone

ATTEMPTS = 3  # a service that lost a deadlock runs again, twice at most
DEADLOCK, SERIALIZATION_FAILURE = "40P01", "40001"  # PostgreSQL's SQLSTATEs of a lost race
CONFLICT = gettext_lazy("Someone else changed this record at the same moment. Try again.")


def _queryset(source) -> models.QuerySet:
    return source._default_manager.all() if isinstance(source, type) else source


def record_gone(model) -> RecordGone:
    return RecordGone(_("This %(record)s no longer exists.") % {"record": model._meta.verbose_name})


def locked(source, /, **lookup):
    """
    The row of `source` (a model or a queryset) matching `lookup`, locked until the end of the
    transaction (its own table's row only); RecordGone if there is no such row any more.
    """
    queryset = _queryset(source)
    try:
        return queryset.select_for_update(of=("self",)).get(**lookup)
    except queryset.model.DoesNotExist:
        raise record_gone(queryset.model) from None


def locked_with_parent(source, parent: str, /, parents=None, **lookup):
    """
    The row of `source` matching `lookup` and its parent (the foreign key `parent`), both
    locked in the lock order: the parent first. `parents` is where the parent must be found
    (default: any row of its model); RecordGone names whichever of the two is missing.
    """
    queryset = _queryset(source)
    field = queryset.model._meta.get_field(parent)
    found = list(queryset.filter(**lookup).values_list(field.attname, flat=True)[:1])
    if not found:
        raise record_gone(queryset.model)
    (parent_id,) = found
    parent_row = locked(parents if parents is not None else field.related_model, pk=parent_id)
    row = locked(queryset.filter(**{field.attname: parent_id}), **lookup)
    setattr(row, field.name, parent_row)
    return row


def parents_first(models_) -> list:
    """
    The models in the lock order, each after those of them it points to (a customer before
    its linkmen, an order before its lines): for locking the rows of several models at once.
    """
    among = set(models_)

    def height(model) -> int:
        parents = {
            field.related_model
            for field in model._meta.concrete_fields
            if field.is_relation
            and field.related_model in among
            and field.related_model is not model
        }
        return max((1 + height(parent) for parent in parents), default=0)

    return sorted(among, key=lambda model: (height(model), model._meta.label_lower))


def sqlstate(error: BaseException | None) -> str | None:
    """
    The SQLSTATE PostgreSQL answered with, from the driver's error that Django's wraps; None
    when the server never answered (a refused or lost connection).
    """
    for _depth in range(5):  # the error, or what it was raised from
        if error is None:
            return None
        if code := getattr(error, "sqlstate", None):
            return code
        error = error.__cause__ or error.__context__
    return None


def lost_race(error: BaseException | None) -> bool:
    """A deadlock or a serialization failure: run the transaction again."""
    return sqlstate(error) in (DEADLOCK, SERIALIZATION_FAILURE)


def atomic_retried(function):
    """
    transaction.atomic, run again when PostgreSQL aborted it to break a deadlock or for a
    serialization failure (it changed nothing), ATTEMPTS times in all; then ConcurrentUpdate.
    Inside the caller's transaction it is a savepoint, and only the service's own work is
    redone.
    """

    @functools.wraps(function)
    def retried(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    return function(*args, **kwargs)
            except OperationalError as error:
                if not lost_race(error):
                    raise
                if attempt == ATTEMPTS:
                    raise ConcurrentUpdate(str(CONFLICT)) from error
            time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 -- not security

    return retried
