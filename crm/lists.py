"""
The list page every module uses: a scoped queryset, declared filters, whitelisted sorting,
pagination in SQL, an htmx partial for the results, and CSV/XLSX export of the current filter.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_filters.views import FilterView

from crm.exports import FORMATS, export_response, export_rows
from crm.paginators import CappedCountPaginator
from crm.views import PolicyMixin


class ListPageView(PolicyMixin, FilterView):
    """
    Subclasses set `policy`, `action`, `filterset_class`, `template_name`, and implement
    `base_queryset()` (a selector: already scoped to the user). Optional: `sort_fields`
    ({"param": "order_by expression"}), `default_sort`, and `export_columns`
    ([crm.exports.Column]) with `export_filename`.

    The total is counted up to settings.CRM_LIST_COUNT_CAP rows only (crm.paginators): a
    longer list says "more than 10,000 records". Each sort field of a large list should be
    backed by an index (with the scope's filter columns first where a role is scoped).
    """

    paginate_by = None  # settings.CRM_PAGE_SIZE, read on each request
    paginator_class = CappedCountPaginator
    sort_fields: dict[str, str] = {}
    default_sort = ""
    export_columns: list = []
    export_filename = "export"

    def base_queryset(self):
        raise ImproperlyConfigured(f"{type(self).__name__} must define base_queryset()")

    def get_queryset(self):
        return self.base_queryset().order_by(*self.ordering_from_request())

    def ordering_from_request(self) -> list[str]:
        sort = self.request.GET.get("sort") or self.default_sort
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

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in FORMATS and self.export_columns:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export(self, fmt: str):
        """The current filter's rows as a file, read in one query of the columns it needs; a
        filter matching more than CRM_EXPORT_MAX_ROWS rows goes to a background job."""
        filterset = self.get_filterset(self.get_filterset_class())
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        limit = settings.CRM_EXPORT_MAX_ROWS
        values, cells = export_rows(rows, self.export_columns)
        fetched = list(values[: limit + 1])  # one row more than the limit tells it is over
        if len(fetched) > limit:
            if offer := settings.CRM_BACKGROUND_EXPORT_VIEW:  # a job writes the large file
                return import_string(offer)(self, fmt)
            messages.error(
                self.request,
                _("More than %(limit)s rows match: narrow the filter before exporting.")
                % {"limit": limit},
            )
            query = self.request.GET.copy()
            query.pop("export")
            return redirect(f"{self.request.path}?{query.urlencode()}")
        headers = [col.header for col in self.export_columns]
        table = map(cells, fetched)
        return export_response(headers=headers, rows=table, fmt=fmt, filename=self.export_filename)

    def get_paginate_by(self, queryset):
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

    def get_template_names(self):
        names = super().get_template_names()
        if self.request.htmx:
            return [f"{name}#results" for name in names]
        return names

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            default_sort=self.default_sort, can_export=bool(self.export_columns), **kwargs
        )
