"""
Exports that run as jobs: a list page's current filter beyond CRM_EXPORT_MAX_ROWS, and a kind
of data in the import format (what its template reads back unchanged). Both build their rows
through the same scoped selectors as the pages, as the job's owner, so an export never holds a
row that user may not see.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from apps.imports.catalog import KINDS
from apps.jobs.services import job_create
from crm.exceptions import DomainError
from crm.exports import ensure_fits, write
from crm.lists import ListPageView

LIST_EXPORT_JOB, KIND_EXPORT_JOB = "imports.list_export", "imports.kind_export"
FORMATS = ("csv", "xlsx")
PROGRESS_EVERY = 1000


def _listing(url_name: str, kwargs: dict):
    """The list definition of the page behind `url_name`, or None if it is not an exportable
    list page (crm.lists)."""
    try:
        match = resolve(reverse(url_name, kwargs=kwargs))
    except (NoReverseMatch, Resolver404):
        return None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, ListPageView):
        return None
    return view_class.listing if view_class.listing.export_columns else None


def list_export_request(*, actor, url_name: str, kwargs: dict, query: str, fmt: str, language: str):
    """Queue the export of a list page's current filter; the job page offers the file."""
    listing = _listing(url_name, kwargs)
    if listing is None or fmt not in FORMATS:
        raise DomainError(_("This page cannot be exported."))
    if not listing.policy.can(actor, listing.action):
        raise PermissionDenied
    query = QueryDict(query, mutable=True)
    for name in ("export", "page"):
        query.pop(name, None)
    return job_create(
        kind=LIST_EXPORT_JOB,
        actor=actor,
        params={
            "url_name": url_name,
            "kwargs": kwargs,
            "query": query.urlencode(),
            "format": fmt,
            "language": language,
        },
    )


def list_export_job(context) -> dict:
    """The job imports.list_export: the list's rows as its owner sees them, in a file."""
    params, user = context.params, context.job.created_by
    listing = _listing(params["url_name"], params["kwargs"])
    if listing is None or user is None or not listing.policy.can(user, listing.action):
        raise DomainError(_("You may no longer see this list."))
    # No filter at all (the "export" parameter was the only one) leaves the filter set
    # unbound: every row, as the list page shows them.
    rows = listing.rows(user, QueryDict(params["query"]))
    headers, values, cells = listing.export_table(rows)
    table = map(cells, values.iterator(chunk_size=2000))
    filename = f"{listing.export_filename}.{params['format']}"
    return _write(context, rows.count(), filename, headers, table)


def kind_export_request(*, actor, kind: str, fmt: str, language: str):
    """Queue the export of every row of `kind` the user may see, in the import format."""
    import_kind = KINDS.get(kind)
    if import_kind is None or fmt not in FORMATS:
        raise DomainError(_("This data cannot be exported."))
    if not import_kind.allowed(actor):
        raise PermissionDenied
    return job_create(
        kind=KIND_EXPORT_JOB,
        actor=actor,
        params={"kind": kind, "format": fmt, "language": language},
    )


def kind_rows(kind: str, user):
    """(headers, queryset, rows) of `kind` in the import format, as `user` may see it."""
    import_kind = KINDS[kind]
    resource = import_kind.resource(user=user)
    columns = list(resource.columns().values())
    queryset = import_kind.resource.export_queryset(user)
    rows = (
        [column.export(obj) for column in columns] for obj in queryset.iterator(chunk_size=2000)
    )
    return import_kind.headers(), queryset, rows


def kind_export_job(context) -> dict:
    """The job imports.kind_export: the file the import of that kind reads back unchanged."""
    params = context.params
    headers, queryset, rows = kind_rows(params["kind"], context.job.created_by)
    return _write(context, queryset.count(), f"{params['kind']}.{params['format']}", headers, rows)


def _write(context, total: int, filename: str, headers, rows) -> dict:
    fmt = filename.rsplit(".", 1)[-1]
    ensure_fits(fmt, total)
    context.progress(0, total)
    with context.output(filename) as stream:
        count = write(stream, fmt, headers, context.counted(rows, total, every=PROGRESS_EVERY))
    return {"rows": count}


def export_limit() -> int:
    return settings.CRM_EXPORT_MAX_ROWS
