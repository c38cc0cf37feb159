"""
Lists, declared once. A `ListDefinition` says what a list is: its scoped selector, filter set,
sort whitelist, the columns of the page and of the export, and which actions are decided per
row. `ListPageView` serves it as a page (pagination in SQL, the `#results` block alone to htmx,
`?export=csv|xlsx` as a download); the background export job (apps.imports.services.exports)
reads the same definition with the job owner as the user, without any request.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.utils.encoding import force_str
from django_filters.views import FilterView

from crm.counts import pks_of_all
from crm.exports import FORMATS, Column, export_response, export_rows
from crm.paginators import CappedCountPaginator
from crm.views import PolicyMixin

# How a column shows in the phone card (below 576 px): the title line, a labelled key fact,
# the status, or nothing (the column is left out of the card).
TITLE, FACT, STATUS, HIDDEN = "title", "fact", "status", ""


@dataclass(frozen=True)
class ListColumn:
    """A column of the page: `key` names it for the row's cells ({% cell "key" %}), `sort` is
    a key of the definition's sort_fields (a sortable header), `phone` its place in the card."""

    key: str
    label: Any
    sort: str = ""
    phone: str = HIDDEN
    align: str = ""  # "end" for figures

    @property
    def css(self) -> str:
        classes = [f"list-{self.phone or 'more'}"]
        if self.align:
            classes.append(f"text-{self.align}")
        return " ".join(classes)


def col(key: str, label, *, sort: str = "", phone: str = HIDDEN, align: str = "") -> ListColumn:
    return ListColumn(key, label, sort, phone, align)


@dataclass(frozen=True)
class BulkAction:
    """
    An action on the rows the user ticks (row selection): a button under the list that sends
    the ticked rows' ids (`?ids=1&ids=2`, GET) to the page `url_name`, which confirms and asks
    for the details. A row has a box when the policy allows `action` on it (decided with the
    row actions: one query per action for the page, never one per row); the list shows the
    boxes and buttons only to a user whose role has the action.
    """

    action: str
    label: Any
    url_name: str
    icon: str = ""


@dataclass(frozen=True)
class ListDefinition:
    """
    One list. `selector(user=…)` returns the rows on which the user may perform `action`
    (scoped by the policy); `sort_fields` maps a ?sort= key to an order_by expression (each
    should be backed by an index, with the scope's filter columns first where a role is
    scoped); `row_actions` are the policy actions decided per row, one scoped query per
    action for a whole page (Policy.allowed_ids), read by templates as row.allowed.<action>;
    `page_actions` are decided once (the "new" button), read as allowed.<action>.
    """

    policy: Any  # an apps.rbac.policies.Policy (the frame imports no app)
    selector: Callable
    filterset_class: type
    columns: tuple[ListColumn, ...] = ()
    action: str = "view"
    sort_fields: dict[str, str] = field(default_factory=dict)
    default_sort: str = ""
    export_columns: tuple[Column, ...] = ()
    export_filename: str = "export"
    row_actions: tuple[str, ...] = ()
    row_policy: Any = None  # the policy of the row actions, if not `policy`
    page_actions: tuple[str, ...] = ()
    # Row-state rules on top of the permissions (e.g. only an open record is changed): a
    # function of (user, rows) run after row.allowed is set; it must not query per row.
    row_rules: Callable | None = None
    # Actions on the selected rows (crm.lists.BulkAction); the rows get a selection box.
    bulk_actions: tuple[BulkAction, ...] = ()

    def ordering(self, sort: str | None) -> list[str]:
        sort = sort or self.default_sort
        expression = self.sort_fields.get(sort.lstrip("-"))
        if expression is None:
            sort = self.default_sort
            expression = self.sort_fields.get(sort.lstrip("-"))
        if expression is None:
            return ["-pk"]
        # The tie-break follows the direction, so one (column, id) index serves both.
        if sort.startswith("-"):
            return [f"-{expression}", "-pk"]
        return [expression, "pk"]

    def filterset(self, user, data: QueryDict | None, request=None):
        """The filter set over the user's rows in the order `data` asks for (unbound without
        data: every row)."""
        sort = data.get("sort") if data else None
        queryset = self.selector(user=user).order_by(*self.ordering(sort))
        return self.filterset_class(data or None, queryset=queryset, request=request)

    def rows(self, user, data: QueryDict | None):
        """The rows the list shows for `data` (none when the filter is invalid)."""
        filterset = self.filterset(user, data)
        valid = not filterset.is_bound or filterset.is_valid()
        return filterset.qs if valid else filterset.queryset.none()

    def export_table(self, rows):
        """(headers, values_list of the export columns, function of one tuple → cells)."""
        headers = [force_str(column.header) for column in self.export_columns]
        values, cells = export_rows(rows, list(self.export_columns))
        return headers, values, cells

    def allow_rows(self, user, rows: list, bulk_actions=()) -> None:
        """row.allowed for the row actions and the page's `bulk_actions` (those the user's role
        has: see bulk_actions_for), and row.selectable: a box to tick for one of them."""
        # The selector's rows are those the user may `action`: that one needs no query.
        scoped = (self.action,) if self.row_policy is None else ()
        actions = tuple(dict.fromkeys((*self.row_actions, *(b.action for b in bulk_actions))))
        allow_rows(self.row_policy or self.policy, user, actions, rows, scoped=scoped)
        if self.row_rules is not None:
            self.row_rules(user, rows)
        for row in rows:
            row.selectable = any(row.allowed[b.action] for b in bulk_actions)

    def bulk_actions_for(self, user) -> list[BulkAction]:
        """The bulk actions the user's role has (decided once for the page)."""
        if not self.bulk_actions:
            return []
        policy = self.row_policy or self.policy
        allowed = policy.allowed(user, {b.action for b in self.bulk_actions})
        return [b for b in self.bulk_actions if allowed[b.action]]


def allow_rows(policy, user, actions, rows: list, *, scoped=()) -> None:
    """Set row.allowed ({action: bool}) on each row of a page: one query for all the actions
    at most (none where the user's role decides for every row, nor for the `scoped` actions the
    rows were selected by), never one per row."""
    pks = [row.pk for row in rows]
    decided = {
        action: set(pks) if action in scoped else policy.allowed_rows(user, action, pks)
        for action in actions
    }
    to_read = {action: rows for action, rows in decided.items() if not isinstance(rows, set)}
    allowed = {**decided, **pks_of_all(to_read)}
    for row in rows:
        row.allowed = {action: row.pk in ids for action, ids in allowed.items()}


class ListLayoutMixin:
    """
    What templates/layouts/list.html needs from a view: `title`, the page's `columns`, the
    rows with row.allowed (`row_actions` of the view's policy), `allowed` (`page_actions`),
    and the base template (the results block alone for htmx). ListPageView includes it; a
    plain list (one customer's orders, say) uses it directly.
    """

    title: Any = ""
    columns: tuple[ListColumn, ...] = ()
    read_only = False  # no actions column
    paginator_class = CappedCountPaginator  # the numbered page links need its page_window
    row_actions: tuple[str, ...] = ()
    page_actions: tuple[str, ...] = ()

    def get_columns(self):
        return self.columns

    def decide_rows(self, rows: list) -> None:
        if self.row_actions:
            allow_rows(self.policy, self.request.user, self.row_actions, rows)

    def page_allowed(self) -> dict:
        if not self.page_actions:
            return {}
        return self.policy.allowed(self.request.user, self.page_actions)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context.get("object_list", ()))
        self.decide_rows(rows)
        columns = self.get_columns()
        context.update(
            object_list=rows,
            allowed=self.page_allowed(),
            page_title=self.title,
            read_only=self.read_only,
            columns=columns,
            columns_by_key={column.key: column for column in columns},
            list_base="layouts/list_results.html" if self.request.htmx else "layouts/app.html",
        )
        return context


class ListPageView(ListLayoutMixin, PolicyMixin, FilterView):
    """
    The page of a ListDefinition: subclasses set `listing` and `template_name` (a template
    extending layouts/list.html).

    The total is counted up to settings.CRM_LIST_COUNT_CAP rows only (crm.paginators): a
    longer list says "more than 10,000 records".
    """

    listing: ListDefinition
    paginate_by = None  # settings.CRM_PAGE_SIZE, read on each request

    @property
    def policy(self):
        return self.listing.policy

    @property
    def action(self):
        return self.listing.action

    def get_columns(self):
        return self.listing.columns

    def get_filterset(self, filterset_class):
        return self.listing.filterset(self.request.user, self.request.GET, request=self.request)

    def get_filterset_class(self):
        return self.listing.filterset_class

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in FORMATS and self.listing.export_columns:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export(self, fmt: str):
        """The current filter's rows as a file, read in one query of the columns it needs; a
        filter matching more than CRM_EXPORT_MAX_ROWS rows is offered as a background job."""
        rows = self.listing.rows(self.request.user, self.request.GET)
        limit = settings.CRM_EXPORT_MAX_ROWS
        headers, values, cells = self.listing.export_table(rows)
        fetched = list(values[: limit + 1])  # one row more than the limit tells it is over
        if len(fetched) > limit:
            return self.offer_background_export(fmt)
        filename = self.listing.export_filename
        return export_response(
            headers=headers, rows=map(cells, fetched), fmt=fmt, filename=filename
        )

    def offer_background_export(self, fmt: str):
        """A page that offers to write the file in the background (a POST to
        imports:list-export, which queues apps.imports' list export job)."""
        query = self.request.GET.copy()
        query.pop("export", None)
        return TemplateResponse(
            self.request,
            "partials/list_export_offer.html",
            {
                "url_name": self.request.resolver_match.view_name,
                "query": query.urlencode(),
                "format": fmt,
                "limit": settings.CRM_EXPORT_MAX_ROWS,
                "back": f"{self.request.path}?{query.urlencode()}",
            },
        )

    def get_paginate_by(self, queryset):
        """The page size the user chose (?per_page=, one of CRM_PAGE_SIZES), else the list's."""
        chosen = self.request.GET.get("per_page", "")
        if chosen.isdigit() and int(chosen) in settings.CRM_PAGE_SIZES:
            return int(chosen)
        return self.paginate_by or settings.CRM_PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        """As Django's, but page=last of a list over the count cap counts it exactly once."""
        if self.request.GET.get(self.page_kwarg) == "last":
            paginator = self.get_paginator(
                queryset, page_size, allow_empty_first_page=self.get_allow_empty()
            )
            paginator.exact_count()
            page = paginator.page(paginator.num_pages)
            return paginator, page, page.object_list, page.has_other_pages()
        return super().paginate_queryset(queryset, page_size)

    def decide_rows(self, rows: list) -> None:
        self.listing.allow_rows(self.request.user, rows, self.bulk_actions)

    def page_allowed(self) -> dict:
        return self.listing.policy.allowed(self.request.user, self.listing.page_actions)

    @cached_property
    def bulk_actions(self) -> list[BulkAction]:
        return self.listing.bulk_actions_for(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            bulk_actions=self.bulk_actions,
            listing=self.listing,
            default_sort=self.listing.default_sort,
            can_export=bool(self.listing.export_columns),
            page_sizes=settings.CRM_PAGE_SIZES,
            page_size=self.get_paginate_by(None),
            **kwargs,
        )
