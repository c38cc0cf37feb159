"""
The report pages (统计报表) and the dashboard: read-only, for the roles holding the report
rights; a role with a data scope sees what his scope reaches (apps.reports.scope).
A page shows the stored snapshot for the current data; a heavy report
that is not computed yet shows its background job (apps.jobs) and, meanwhile, the previous
result. Charts are served as images from their own URL (the CSP forbids inline styles).
"""

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from apps.jobs.views import job_context
from apps.reports import charts, exporting, scope, selectors, services
from apps.reports.forms import FORMS
from apps.reports.models import ReportSnapshot
from apps.reports.registry import REPORTS
from crm.downloads import attachment_header
from crm.exports import FORMATS
from crm.views import PolicyMixin


class SnapshotRows:
    """The rows of a snapshot for Paginator: the count is stored, pages are index ranges."""

    def __init__(self, snapshot):
        self.snapshot = snapshot

    def count(self) -> int:
        return self.snapshot.row_count if self.snapshot else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice):
        if self.snapshot is None:
            return []
        return selectors.snapshot_rows(snapshot=self.snapshot, first=page.start + 1, last=page.stop)


class ReportView(PolicyMixin, TemplateView):
    """One report: filters (GET), the result or its job, export (?export=csv|xlsx)."""

    report = ""
    policy = None  # set per report in urls.py, with `action`
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        form = self.filter_form()
        if not form.is_valid():
            return self.render_to_response(self.page_context(form, services.ReportState()))
        params = self.params(form)
        state = self.state(params)
        fmt = request.GET.get("export")
        if fmt in FORMATS:
            return self.export(params, state, fmt)
        return self.render_to_response(self.page_context(form, state))

    def post(self, request, *args, **kwargs):
        """The user's retry after a failed computation: a new job, then the page again (PRG)."""
        form = self.filter_form(request.GET)
        if form.is_valid():
            services.report_retry(
                report=self.report,
                params=self.params(form),
                language=translation.get_language(),
                user=request.user,
            )
        return redirect(request.get_full_path())

    def filter_form(self, data=None):
        data = self.request.GET if data is None else data
        return FORMS[self.report](
            data,
            years=services.year_choices(self.report),
            departments=scope.department_choices(self.request.user),
        )

    def params(self, form) -> dict:
        """The filters of the form and the reader's scope: what the snapshot is computed for."""
        return {**form.params(), **scope.scope_params(self.request.user, self.report)}

    def state(self, params) -> services.ReportState:
        return services.report_state(
            report=self.report,
            params=params,
            language=translation.get_language(),
            user=self.request.user,
        )

    def export(self, params, state, fmt):
        query = self.request.GET.copy()
        query.pop("export", None)
        back = f"{self.request.path}?{query.urlencode()}" if query else self.request.path
        if state.snapshot is None:
            messages.info(
                self.request, _("The report is being computed. Download it when it is shown.")
            )
            return redirect(back)
        if exporting.fits_in_request(state.snapshot):
            return exporting.export_now(state.snapshot, fmt)
        job = exporting.export_start(
            report=self.report,
            params=params,
            fmt=fmt,
            language=translation.get_language(),
            user=self.request.user,
        )
        return redirect(job.get_absolute_url())

    def page_context(self, form, state) -> dict:
        definition = REPORTS[self.report]
        shown = state.snapshot or state.stale
        page = Paginator(SnapshotRows(shown), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        context = self.get_context_data(
            form=form,
            report=definition,
            state=state,
            snapshot=shown,
            page_obj=page,
            paginator=page.paginator,
            rows=page.object_list,
            columns=definition.columns,
            headers=[(c.title(shown.payload), c.kind) for c in definition.columns] if shown else [],
            payload=shown.payload if shown else {},
        )
        if state.job is not None:
            context.update(job_context(state.job))
        return context

    def get_template_names(self):
        return [REPORTS[self.report].template]


class DashboardView(ReportView):
    """The executive dashboard: key figures and small charts, no filters."""

    def get(self, request, *args, **kwargs):
        state = self.state(self.today())
        return self.render_to_response(self.page_context(None, state))

    def post(self, request, *args, **kwargs):
        services.report_retry(
            report=self.report,
            language=translation.get_language(),
            params=self.today(),
            user=request.user,
        )
        return redirect(request.path)

    def today(self) -> dict:
        as_of = {"as_of": timezone.localdate().isoformat()}
        return {**as_of, **scope.scope_params(self.request.user, self.report)}


# Loaded by <img>, an SVG is a document of its own: let it use its style attributes, never
# a script (matplotlib escapes every text, this is a second lock).
SVG_POLICY = {"style-src": ["'unsafe-inline'"], "script-src": ["'none'"]}


class ChartView(PolicyMixin, View):
    """A snapshot's chart: its SVG (rendered once, then kept), or a PNG download (?format=png)."""

    report = ""
    policy = None

    @method_decorator(csp_replace(SVG_POLICY))
    def get(self, request, *args, **kwargs):
        snapshot = get_object_or_404(
            ReportSnapshot.objects.only("report", "language", "charts", "payload", "params"),
            pk=kwargs["pk"],
            report=self.report,
        )
        name = kwargs["chart"]
        if name not in snapshot.payload.get("charts", {}):
            raise Http404
        if not scope.covers(request.user, self.report, snapshot.params):
            raise Http404  # figures counted over rows beyond the reader's data scope
        fmt = "png" if request.GET.get("format") == "png" else "svg"
        response = HttpResponse(
            services.snapshot_chart(snapshot, name, fmt), content_type=charts.CONTENT_TYPES[fmt]
        )
        if fmt == "png":
            response["Content-Disposition"] = attachment_header(
                f"{self.report}-{name}-{snapshot.pk}.png"
            )
        # A snapshot never changes: the browser may keep it; private, reports are internal.
        response["Cache-Control"] = "private, max-age=86400"
        return response
