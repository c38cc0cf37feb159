"""
The job pages: the user's own jobs only (others: 404). The detail page polls itself with htmx
while the job waits or runs; when it ends, htmx reloads the page that embeds it (HX-Refresh),
so a report page shows its result and the job page its outcome.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import ListView, TemplateView, View

from apps.jobs import registry, selectors
from crm.downloads import file_download
from crm.paginators import CappedCountPaginator


def job_context(job) -> dict:
    """What the job templates show: the job, its kind's label and where its result is."""
    kind = registry.KINDS.get(job.kind)
    result_url = None
    if kind and kind.result_url and job.status == job.Status.DONE:
        result_url = kind.result_url(job)
    return {
        "job": job,
        "kind_label": job.kind_label,
        "result_url": result_url,
        "poll_seconds": getattr(settings, "CRM_JOB_POLL_SECONDS", 2),
    }


class JobListView(LoginRequiredMixin, ListView):
    template_name = "jobs/job_list.html"
    paginate_by = settings.CRM_PAGE_SIZE
    paginator_class = CappedCountPaginator  # the numbered page links need its page_window

    def get_queryset(self):
        return selectors.job_list(user=self.request.user)


class JobDetailView(LoginRequiredMixin, TemplateView):
    template_name = "jobs/job_detail.html"

    def get(self, request, *args, **kwargs):
        job = selectors.job_get(user=request.user, pk=kwargs["pk"])
        if not request.htmx:
            return self.render_to_response(self.get_context_data(**job_context(job)))
        response = self.response_class(
            request=request, template=f"{self.template_name}#job", context=job_context(job)
        )
        if not job.is_active:
            response["HX-Refresh"] = "true"  # the embedding page shows the outcome
        return response


class JobDownloadView(LoginRequiredMixin, View):
    """The file a finished job produced, as an attachment (never shown inline)."""

    def get(self, request, *args, **kwargs):
        job = selectors.job_get(user=request.user, pk=kwargs["pk"])
        if job.status != job.Status.DONE or not job.result_file:
            raise Http404
        try:
            stream = job.result_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return file_download(stream, Path(job.result_file.name).name)
