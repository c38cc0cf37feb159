from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "apps.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from apps.customers import dictionary_usage

        dictionary_usage.register()
        _register_churn_badge()
        _register_jobs()


def _register_churn_badge() -> None:
    """客户流失管理 (3): the warnings waiting for the user's decision."""
    from apps.customers.selectors import churn_warning_count
    from apps.rbac.menu import register_badge

    register_badge("L0202", lambda user: churn_warning_count(user=user))


def _register_jobs() -> None:
    """The admin's "run the churn scan now", a background job like the reports and exports."""
    from apps.customers import services
    from apps.jobs.registry import JobKind, register, register_sweep_check

    register(
        JobKind(
            services.CHURN_SCAN_JOB,
            _("Churn scan"),
            services.churn_scan_job,
            result_url=services.churn_scan_job_result_url,
        )
    )
    register_sweep_check(services.churn_scan_catch_up)
