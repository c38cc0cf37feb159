"""Pages of the service lifecycle (SPEC §3.4). Each view parses input and calls one service."""

from functools import cached_property

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from apps.rbac.policies import service_ticket_policy
from apps.rbac.selectors import record_history
from apps.rbac.share_views import sharing_panel
from apps.service import lists, selectors, services
from apps.service.forms import (
    TicketAssignForm,
    TicketCreateForm,
    TicketFeedbackForm,
    TicketHandleForm,
)
from apps.service.models import ServiceTicket
from crm.exceptions import DomainError
from crm.lists import ListPageView
from crm.select_options import RenderedOptions
from crm.views import DomainErrorMixin, PolicyMixin

S = ServiceTicket.Status


def _name(user) -> str:
    return user.display_name if user else ""


class TicketListView(ListPageView):
    """The stage lists (apps.service.lists), one template: `stage` picks the row's actions."""

    template_name = "service/ticket_list.html"
    stage = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            stage=self.stage, overdue_days=selectors.overdue_days(), **kwargs
        )


class TicketAssignListView(TicketListView):
    listing, title, stage = lists.to_assign, gettext_lazy("Assign service"), "assign"

    def get_context_data(self, **kwargs):
        managers = selectors.account_manager_list()
        options = RenderedOptions((manager.pk, manager.display_name) for manager in managers)
        return super().get_context_data(assignee_options=options, **kwargs)


class TicketHandleListView(TicketListView):
    listing, title, stage = lists.to_handle, gettext_lazy("Handle service"), "handle"


class TicketFeedbackListView(TicketListView):
    listing, title, stage = lists.for_feedback, gettext_lazy("Service feedback"), "feedback"


class TicketArchiveListView(TicketListView):
    listing, title, stage = lists.archive, gettext_lazy("Service archive"), "archive"


class TicketCreateView(PolicyMixin, DomainErrorMixin, FormView):
    """服务创建. Without JavaScript the search button reloads the page with the matches."""

    policy, action = service_ticket_policy, "add"
    form_class = TicketCreateForm
    template_name = "service/ticket_create.html"

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "user": self.request.user}
        if self.request.method == "GET":
            kwargs["initial"] = self.request.GET.dict()  # what was typed before a search
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query, selected = self.request.GET.get("q", ""), context["form"]["customer"].value()
        customers, more = selectors.customer_picker_options(
            user=self.request.user, query=query, selected=selected
        )
        return {
            **context,
            "q": query,
            "customers": customers,
            "more": more,
            "selected": str(selected or ""),
        }

    def perform(self, form):
        data = form.cleaned_data
        ticket = services.ticket_create(
            actor=self.request.user,
            service_type=data["type"],
            title=data["title"],
            customer_id=data["customer"].pk,
            request=data["request"],
        )
        messages.success(self.request, _("Saved: service #%(pk)s is new.") % {"pk": ticket.pk})
        return redirect(ticket)


class CustomerSearchView(PolicyMixin, TemplateView):
    """The picker's htmx endpoint: the matching customers as radio buttons (at most 20)."""

    policy, action = service_ticket_policy, "add"
    template_name = "service/_customer_options.html"

    def get_context_data(self, **kwargs):
        query, selected = self.request.GET.get("q", ""), self.request.GET.get("customer", "")
        customers, more = selectors.customer_picker_options(
            user=self.request.user, query=query, selected=selected
        )
        return {"customers": customers, "more": more, "q": query, "selected": selected}


class TicketMixin(PolicyMixin):
    """A page about one ticket within the user's scope for `action` (else 404)."""

    policy = service_ticket_policy

    def scoped_queryset(self):
        return selectors.ticket_list(user=self.request.user, action=self.action)

    @cached_property
    def ticket(self) -> ServiceTicket:
        return self.get_object()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            ticket=self.ticket,
            rounds=selectors.ticket_rounds(ticket=self.ticket),
            events=record_history(target=self.ticket, newest_first=False),
            **kwargs,
        )


class TicketDetailView(TicketMixin, TemplateView):
    """服务归档 detail: read-only, with every transition and every handling round."""

    action = "view"
    template_name = "service/ticket_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **sharing_panel(user=self.request.user, record=self.ticket), **kwargs
        )


class TicketStepView(TicketMixin, DomainErrorMixin, FormView):
    """One step's page: the ticket, its history, and the step's form when the state allows."""

    expected_status = ""

    def form_invalid(self, form):
        # A refused step may be due to someone else's change: show the ticket as it is now.
        self.__dict__.pop("ticket", None)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        ready = self.ticket.status == self.expected_status
        return super().get_context_data(ready=ready, **kwargs)


class TicketAssignView(TicketStepView):
    action, expected_status = "assign", S.CREATED
    form_class = TicketAssignForm
    template_name = "service/ticket_assign.html"

    def perform(self, form):
        assignee = form.cleaned_data["assignee"]
        services.ticket_assign(
            ticket_id=self.ticket.pk, assignee_id=assignee.pk, actor=self.request.user
        )
        messages.success(
            self.request,
            _("Service #%(pk)s assigned to %(name)s.")
            % {"pk": self.ticket.pk, "name": assignee.display_name},
        )
        return redirect("service:ticket-assign-list")


class TicketHandleView(TicketStepView):
    action, expected_status = "handle", S.ASSIGNED
    form_class = TicketHandleForm
    template_name = "service/ticket_handle.html"

    def perform(self, form):
        services.ticket_handle(
            ticket_id=self.ticket.pk, actor=self.request.user, **form.cleaned_data
        )
        messages.success(
            self.request, _("Saved: service #%(pk)s is handled.") % {"pk": self.ticket.pk}
        )
        return redirect("service:ticket-handle-list")


class TicketFeedbackView(TicketStepView):
    action, expected_status = "feedback", S.HANDLED
    form_class = TicketFeedbackForm
    template_name = "service/ticket_feedback.html"

    def perform(self, form):
        ticket = services.ticket_feedback(
            ticket_id=self.ticket.pk, actor=self.request.user, **form.cleaned_data
        )
        if ticket.status == S.ARCHIVED:
            text = _("Saved: service #%(pk)s is archived.")
        else:
            text = _(
                "Saved: the customer is not satisfied, service #%(pk)s goes back to "
                "%(name)s for another handling."
            )
        messages.success(self.request, text % {"pk": ticket.pk, "name": _name(ticket.assignee)})
        return redirect("service:ticket-feedback-list")


class TicketDeleteView(PolicyMixin, View):
    """POST only: delete a ticket that is still new (the page asks for confirmation first)."""

    policy, action = service_ticket_policy, "delete"
    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = self.get_object()
        try:
            services.ticket_delete(ticket_id=ticket.pk, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Service #%(pk)s deleted.") % {"pk": ticket.pk})
        return redirect("service:ticket-assign-list")
