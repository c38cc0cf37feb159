"""What the service app adds to other apps' pages (registered in ServiceConfig.ready)."""

from django.urls import reverse

from apps.rbac.policies import service_ticket_policy
from apps.service.models import ServiceTicket
from apps.service.selectors import service_ticket_list_for_customer

RECENT = 10


def customer_services(*, user, customer) -> dict:
    """The customer page's service section: his latest services, and a create button."""
    can_create = service_ticket_policy.can(user, "add")
    create_url = f"{reverse('service:ticket-create')}?customer={customer.pk}"
    return {
        "services": service_ticket_list_for_customer(user=user, customer=customer)[:RECENT],
        "new_service_url": create_url if can_create else None,
    }


def service_type_in_use(value: str) -> bool:
    """A service type the dictionary must not delete while tickets carry it."""
    return ServiceTicket.objects.filter(type=value).exists()
