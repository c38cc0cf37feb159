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


def _register_churn_badge() -> None:
    """客户流失管理 (3): the warnings waiting for the user's decision."""
    from apps.customers.selectors import churn_warning_count
    from apps.rbac.menu import register_badge

    register_badge("L0202", lambda user: churn_warning_count(user=user))
