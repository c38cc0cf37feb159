from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm import hooks


class MarketingConfig(AppConfig):
    name = "apps.marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from apps.marketing import selectors, transfer

        hooks.register("menu.badge", selectors.chance_unassigned, key="L0101")
        hooks.register("menu.badge", selectors.plan_developing, key="L0102")
        # 转移 (issue 16): open chances follow transferred customers and leaving employees.
        hooks.register("customers.transfer", transfer.reassign_for_customers, key="chances")
        hooks.register("rbac.user_holdings", transfer.holding, key="chances", order=10)
