from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "apps.marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from apps.marketing import selectors
        from apps.rbac.menu import register_badge

        register_badge("L0101", selectors.chance_unassigned_count)
        register_badge("L0102", selectors.plan_developing_count)
