from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "apps.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        from apps.rbac.menu import register_badge
        from apps.service import selectors

        # What waits for the user at each stage, shown next to the menu page (SPEC §3.4).
        register_badge("L0302", selectors.ticket_assign_waiting_count)
        register_badge("L0303", selectors.ticket_handle_waiting_count)
        register_badge("L0304", selectors.ticket_feedback_waiting_count)

        from apps.basedata.models import DictItem
        from apps.basedata.usage import register_dict_usage
        from apps.customers.sections import register_customer_section
        from apps.service import sections

        register_customer_section("service/_customer_services.html", sections.customer_services)
        register_dict_usage(DictItem.SERVICE_TYPE, sections.service_type_in_use)
