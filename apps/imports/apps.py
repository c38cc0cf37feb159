from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "apps.imports"
    label = "imports"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        _register_jobs()


def _batch_page(job) -> str | None:
    from django.urls import reverse

    batch = job.params.get("batch")
    return reverse("imports:batch-detail", args=[batch]) if batch else None


def _register_jobs() -> None:
    """The background jobs of imports: check, apply and undo a file; big exports."""
    from apps.imports import services
    from apps.jobs.registry import JobKind, register

    register(
        JobKind(
            services.CHECK_JOB,
            _("Import check"),
            services.import_batch_check,
            result_url=_batch_page,
        )
    )
    register(
        JobKind(
            services.APPLY_JOB, _("Import"), services.import_batch_apply, result_url=_batch_page
        )
    )
    register(
        JobKind(
            services.UNDO_JOB, _("Import undo"), services.import_batch_undo, result_url=_batch_page
        )
    )
    register(JobKind(services.LIST_EXPORT_JOB, _("List export"), services.list_export_job))
    register(
        JobKind(
            services.KIND_EXPORT_JOB, _("Export in the import format"), services.kind_export_job
        )
    )
