"""The four stage lists of the service lifecycle (SPEC §3.4), declared once (crm.lists): the
same columns, filters and export; each stage has its own selector, sorting and row actions."""

from dataclasses import replace

from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.rbac.policies import service_ticket_policy
from apps.service import selectors
from apps.service.filters import TicketArchiveFilter, TicketFilter
from apps.service.models import ServiceTicket
from crm.exports import column, user_name
from crm.lists import FACT, STATUS, TITLE, ListDefinition, col

COLUMNS = (
    col("pk", gettext_lazy("No.")),
    col("customer", gettext_lazy("Customer"), sort="customer", phone=FACT),
    col("title", gettext_lazy("Summary"), sort="title", phone=TITLE),
    col("type", gettext_lazy("Service type")),
    col("created_by", gettext_lazy("Created by")),
    col("created_at", gettext_lazy("Created at"), sort="created_at", phone=FACT),
)

to_assign = ListDefinition(
    policy=service_ticket_policy,
    action="assign",
    selector=selectors.ticket_assign_list,
    filterset_class=TicketFilter,
    columns=COLUMNS,
    sort_fields={
        "created_at": "created_at",
        "customer": "customer__name",
        "title": "title",
        "waiting": "waiting_since",
    },
    default_sort="waiting",
    export_filename="services-new",
    export_columns=(
        column(gettext_lazy("No."), "pk"),
        column(gettext_lazy("Customer number"), "customer__number"),
        column(gettext_lazy("Customer"), "customer__name"),
        column(gettext_lazy("Summary"), "title"),
        column(gettext_lazy("Service type"), "type_label"),
        column(gettext_lazy("Status"), "status", choices=ServiceTicket.Status),
        column(gettext_lazy("Created by"), user_name("created_by")),
        column(gettext_lazy("Created at"), "created_at"),
        column(pgettext_lazy("service", "Assigned to"), user_name("assignee")),
        column(pgettext_lazy("service", "Assigned at"), "assigned_at"),
        column(gettext_lazy("Handled by"), user_name("handled_by")),
        column(gettext_lazy("Handled at"), "handled_at"),
        column(gettext_lazy("Satisfaction"), "satisfaction"),
    ),
    row_actions=("assign", "delete"),
    page_actions=("view",),  # the ticket page, as the role allows (no query)
)
to_handle = replace(
    to_assign,
    action="handle",
    selector=selectors.ticket_handle_list,
    columns=(*COLUMNS, col("waiting", gettext_lazy("Waiting since"), sort="waiting", phone=FACT)),
    export_filename="services-to-handle",
    row_actions=("handle",),
)
for_feedback = replace(
    to_assign,
    action="feedback",
    selector=selectors.ticket_feedback_list,
    columns=(*COLUMNS, col("waiting", gettext_lazy("Handled"), sort="waiting", phone=FACT)),
    export_filename="services-for-feedback",
    row_actions=("feedback",),
)
archive = replace(
    to_assign,
    action="view",
    selector=selectors.ticket_archive_list,
    filterset_class=TicketArchiveFilter,
    columns=(*COLUMNS, col("status", gettext_lazy("Status"), phone=STATUS)),
    default_sort="-created_at",
    export_filename="services",
    row_actions=(),
)
