from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm import hooks


class ServiceConfig(AppConfig):
    name = "apps.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        from apps.basedata.models import DictItem
        from apps.service import sections, selectors, transfer

        # What waits for the user at each stage, shown next to the menu page (SPEC §3.4).
        hooks.register("menu.badge", selectors.ticket_assign_waiting, key="L0302")
        hooks.register("menu.badge", selectors.ticket_handle_waiting, key="L0303")
        hooks.register("menu.badge", selectors.ticket_feedback_waiting, key="L0304")
        hooks.register(
            "customers.section", sections.customer_services, key="service/_customer_services.html"
        )
        hooks.register(
            "basedata.dict_usage", sections.service_type_in_use, key=DictItem.SERVICE_TYPE
        )
        # 转移 (issue 16): open services follow transferred customers and leaving employees.
        hooks.register("customers.transfer", transfer.reassign_for_customers, key="services")
        hooks.register("rbac.user_holdings", transfer.holding, key="services", order=20)
