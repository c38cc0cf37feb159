from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm import hooks


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        _register_jobs()


def _register_jobs() -> None:
    """The reports' background jobs: a heavy report, a big export, the nightly refresh."""
    from apps.jobs.registry import JobKind
    from apps.reports import exporting, services

    for kind in [
        JobKind(
            services.COMPUTE_JOB,
            _("Report computation"),
            services.compute_job,
            result_url=services.compute_job_result_url,
        ),
        JobKind(
            exporting.EXPORT_JOB,
            _("Report export"),
            exporting.export_job,
            result_url=exporting.export_job_result_url,
        ),
        JobKind(
            services.REFRESH_JOB, _("Nightly report refresh"), services.refresh_job, queue="nightly"
        ),
    ]:
        hooks.register("jobs.kind", kind, key=kind.name)
