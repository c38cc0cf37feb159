from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm import hooks


class ImportsConfig(AppConfig):
    name = "apps.imports"
    label = "imports"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from apps.imports import org

        _register_jobs()
        org.register()  # departments and users (apps.rbac cannot import this app)


def _batch_page(job) -> str | None:
    from django.urls import reverse

    batch = job.params.get("batch")
    return reverse("imports:batch-detail", args=[batch]) if batch else None


def _register_jobs() -> None:
    """The background jobs of imports: check, apply and undo a file; big exports."""
    from apps.imports import services
    from apps.jobs.registry import JobKind

    for kind in [
        JobKind(services.CHECK_JOB, _("Import check"), services.import_batch_check, _batch_page),
        JobKind(services.APPLY_JOB, _("Import"), services.import_batch_apply, _batch_page),
        JobKind(services.UNDO_JOB, _("Import undo"), services.import_batch_undo, _batch_page),
        JobKind(services.LIST_EXPORT_JOB, _("List export"), services.list_export_job),
        JobKind(
            services.KIND_EXPORT_JOB, _("Export in the import format"), services.kind_export_job
        ),
    ]:
        hooks.register("jobs.kind", kind, key=kind.name)
