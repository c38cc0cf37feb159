"""
The import pages: history, upload, the checked file's preview with confirm and undo, the
downloads (owner-checked: uploads live outside the web root), and exports run as jobs.
"""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from apps.imports import files, selectors, services
from apps.imports.catalog import KINDS, kind_label, kinds_for
from apps.imports.filters import ImportBatchFilter
from apps.imports.forms import ApplyForm, ExportForm, ListExportForm, UploadForm
from apps.imports.models import ImportBatch
from apps.imports.workbooks import template_bytes
from apps.jobs.views import job_context
from apps.rbac.mixins import PolicyMixin
from apps.rbac.policies import import_batch_policy
from crm.downloads import attachment_header, file_download
from crm.exceptions import DomainError
from crm.exports import FORMATS, column, user_name
from crm.lists import ListPageView
from crm.views import DomainErrorMixin

ERRORS_PER_PAGE = 50
BLOCKERS_SHOWN = 100
# Bigger imports list the rows in the way of an undo when the user asks for them.
UNDO_PREVIEW_RECORDS = 2000
# Room for the form's other fields and the multipart envelope around the file.
UPLOAD_SLACK = 64 * 1024


class BatchListView(ListPageView):
    policy, action = import_batch_policy, "view"
    filterset_class = ImportBatchFilter
    template_name = "imports/batch_list.html"
    sort_fields = {
        "created_at": "created_at",
        "kind": "kind",
        "status": "status",
        "rows": "rows_total",
    }
    default_sort = "-created_at"
    export_filename = "imports"
    export_columns = [
        column(_("time"), "created_at"),
        column(_("Data"), "kind", format=kind_label),
        column(_("file name"), "original_name"),
        column(_("status"), "status", choices=ImportBatch.Status),
        column(_("imported by"), user_name("created_by")),
        column(pgettext_lazy("import count", "rows"), "rows_total"),
        column(pgettext_lazy("import count", "new"), "rows_new"),
        column(pgettext_lazy("import count", "updated"), "rows_updated"),
        column(pgettext_lazy("import count", "unchanged"), "rows_unchanged"),
        column(pgettext_lazy("import count", "invalid"), "rows_invalid"),
    ]

    def base_queryset(self):
        return selectors.import_batch_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        allowed = import_batch_policy.allowed(self.request.user, ["add"])
        labels = {key: str(kind.label) for key, kind in KINDS.items()}
        return super().get_context_data(allowed=allowed, kind_labels=labels, **kwargs)


class BatchCreateView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = import_batch_policy, "add"
    form_class = UploadForm
    template_name = "imports/batch_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(kinds=kinds_for(self.request.user), **kwargs)

    def post(self, request, *args, **kwargs):
        # A body far over the limit is refused before it is read (ASVS V5: limits first).
        if int(request.META.get("CONTENT_LENGTH") or 0) > files.max_bytes() + UPLOAD_SLACK:
            messages.error(
                request,
                _("The file is too large: files up to %(limit)s may be imported.")
                % {"limit": filesizeformat(files.max_bytes())},
            )
            context = self.get_context_data(form=UploadForm(user=request.user))
            return self.render_to_response(context, status=413)
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        batch = services.import_batch_create(
            actor=self.request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            language=get_language(),
        )
        return redirect(batch)


class BatchDetailView(PolicyMixin, TemplateView):
    policy, action = import_batch_policy, "view"
    template_name = "imports/batch_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        batch = selectors.import_batch_get(user=user, pk=kwargs["pk"])
        errors = Paginator(selectors.import_row_errors(batch=batch), ERRORS_PER_PAGE)
        own_job = batch.job if batch.job and batch.job.created_by_id == user.pk else None
        return super().get_context_data(
            batch=batch,
            kind=KINDS[batch.kind],
            page_obj=errors.get_page(self.request.GET.get("page")),
            paginator=errors,
            labels={k: str(f.label) for k, f in KINDS[batch.kind].resource.columns().items()},
            job_block=job_context(own_job) if own_job else None,
            allowed=self.allowed(batch),
            apply_form=ApplyForm(),
            blockers=self.blockers(batch),
            **kwargs,
        )

    def allowed(self, batch) -> dict[str, bool]:
        user, status = self.request.user, batch.status
        return {
            "apply": status == ImportBatch.Status.CHECKED
            and import_batch_policy.can(user, "add", batch),
            "undo": status == ImportBatch.Status.APPLIED
            and import_batch_policy.can(user, "undo", batch),
        }

    def blockers(self, batch):
        """The rows in the way of an undo: those the last attempt found, or (for a small
        import, or on request) those found now."""
        if batch.status != ImportBatch.Status.APPLIED:
            return None
        if batch.undo_blockers:
            return batch.undo_blockers
        if "blockers" not in self.request.GET and batch.records.count() > UNDO_PREVIEW_RECORDS:
            return None
        return selectors.import_batch_undo_blockers(batch=batch)[:BLOCKERS_SHOWN]


class BatchActionView(PolicyMixin, View):
    """POST only: one service call on a batch in the user's scope for `action` (else 404)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        batch = selectors.import_batch_get(user=request.user, pk=pk, action=self.action)
        try:
            return self.perform(batch) or redirect(batch)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(self.failure_url(batch, error))

    def failure_url(self, batch, error) -> str:
        return batch.get_absolute_url()


class BatchApplyView(BatchActionView):
    policy, action = import_batch_policy, "add"

    def perform(self, batch):
        form = ApplyForm(self.request.POST)
        form.is_valid()
        services.import_batch_apply_request(
            actor=self.request.user,
            batch_id=batch.pk,
            skip_invalid=form.cleaned_data.get("skip_invalid"),
        )
        messages.success(self.request, _("The import has started."))


class BatchUndoView(BatchActionView):
    policy, action = import_batch_policy, "undo"

    def perform(self, batch):
        services.import_batch_undo_request(actor=self.request.user, batch_id=batch.pk)
        messages.success(self.request, _("The undo has started."))

    def failure_url(self, batch, error) -> str:
        blocked = isinstance(error, services.UndoBlocked)
        return batch.get_absolute_url() + ("?blockers=1#blockers" if blocked else "")


class BatchFileView(PolicyMixin, View):
    """The uploaded file or the error workbook, as an attachment, to those who see the batch."""

    policy, action = import_batch_policy, "view"
    file_field = "file"

    def get(self, request, pk):
        batch = selectors.import_batch_get(user=request.user, pk=pk)
        stored = getattr(batch, self.file_field)
        if not stored:
            raise Http404
        try:
            stream = stored.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return file_download(stream, self.filename(batch))

    def filename(self, batch) -> str:
        return batch.original_name


class BatchErrorsView(BatchFileView):
    file_field = "error_file"

    def filename(self, batch) -> str:
        return f"{Path(batch.original_name).stem}-errors.xlsx"


class TemplateDownloadView(PolicyMixin, View):
    """An empty file with the header row of one kind, in the user's language."""

    policy, action = import_batch_policy, "add"

    def get(self, request, kind):
        import_kind = KINDS.get(kind)
        if import_kind is None:
            raise Http404
        if not import_kind.allowed(request.user):
            raise PermissionDenied
        fmt = request.GET.get("format") if request.GET.get("format") in FORMATS else "csv"
        response = HttpResponse(
            template_bytes(fmt, import_kind.headers()), content_type=FORMATS[fmt]
        )
        response["Content-Disposition"] = attachment_header(f"{kind}-template.{fmt}")
        return response


class KindExportView(PolicyMixin, View):
    """POST: the user's rows of one kind in the import format, written by a job."""

    policy, action = import_batch_policy, "add"
    http_method_names = ["post"]

    def post(self, request, kind):
        form = ExportForm(request.POST)
        if not form.is_valid():
            raise Http404
        job = services.kind_export_request(
            actor=request.user, kind=kind, fmt=form.cleaned_data["format"], language=get_language()
        )
        return redirect(job)


class ListExportView(View):
    """POST: a list page's current filter, exported by a job (beyond CRM_EXPORT_MAX_ROWS)."""

    http_method_names = ["post"]

    def post(self, request):
        form = ListExportForm(request.POST)
        if not form.is_valid():
            raise Http404
        data = form.cleaned_data
        try:
            job = services.list_export_request(
                actor=request.user,
                url_name=data["url_name"],
                kwargs={},
                query=data["query"],
                fmt=data["format"],
                language=get_language(),
            )
        except DomainError:
            raise Http404 from None
        return redirect(job)


def offer_background_export(view, fmt: str):
    """
    For crm.lists.ListPageView: when a filter matches more than CRM_EXPORT_MAX_ROWS rows, a
    page that offers to write the file in the background (a POST to imports:list-export).
    """
    request = view.request
    query = request.GET.copy()
    query.pop("export", None)
    return TemplateResponse(
        request,
        "imports/list_export_confirm.html",
        {
            "url_name": request.resolver_match.view_name,
            "query": query.urlencode(),
            "format": fmt,
            "limit": settings.CRM_EXPORT_MAX_ROWS,
            "back": f"{request.path}?{query.urlencode()}",
        },
    )
