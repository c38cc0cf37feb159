"""Sales chance management (销售机会管理, SPEC §3.1): list, create, edit, delete, assign, view."""

from functools import cached_property

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, View

from apps.marketing import lists, selectors, services
from apps.marketing.forms import SalesChanceAssignForm, SalesChanceCreateForm, SalesChanceForm
from apps.marketing.models import SalesChance
from apps.rbac.policies import sales_chance_policy
from apps.rbac.selectors import record_history
from apps.rbac.share_views import sharing_panel
from crm.exceptions import DomainError
from crm.lists import ListPageView
from crm.views import DomainErrorMixin, PolicyMixin


class ChanceListView(ListPageView):
    """The unassigned chances (state 1) with edit, delete and assign per row."""

    listing, title = lists.chances, _("Sales chances")
    template_name = "marketing/chance_list.html"


class ChanceCreateView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = sales_chance_policy, "add"
    form_class = SalesChanceCreateForm
    template_name = "marketing/chance_form.html"
    success_url = reverse_lazy("marketing:chance-list")

    def get_form_kwargs(self):
        can_assign = sales_chance_policy.can(self.request.user, "assign")
        return {**super().get_form_kwargs(), "can_assign": can_assign}

    def perform(self, form):
        chance = services.sales_chance_create(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Saved."))
        if chance.status != SalesChance.Status.UNASSIGNED:
            return redirect("marketing:plan-list")
        return redirect(self.success_url)


class ChanceObjectMixin:
    """The chance of the URL among the unassigned ones the user may act on (else 404)."""

    def get_object(self, queryset=None):
        rows = selectors.chance_list(user=self.request.user)
        scoped = self.policy.scope(self.request.user, self.action, rows)
        return get_object_or_404(scoped, pk=self.kwargs["pk"])


class ChanceUpdateView(ChanceObjectMixin, PolicyMixin, DomainErrorMixin, FormView):
    policy, action = sales_chance_policy, "change"
    form_class = SalesChanceForm
    template_name = "marketing/chance_form.html"
    success_url = reverse_lazy("marketing:chance-list")

    def get_form_kwargs(self):
        self.object = self.get_object()
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        services.sales_chance_update(
            actor=self.request.user, chance_id=self.object.pk, **form.cleaned_data
        )
        messages.success(self.request, _("Saved."))
        return redirect(self.success_url)


class ChanceDeleteView(ChanceObjectMixin, PolicyMixin, View):
    """POST only, after the confirmation of the button (SPEC §3.1 step 3)."""

    policy, action = sales_chance_policy, "delete"
    http_method_names = ["post"]

    def post(self, request, pk):
        chance = self.get_object()
        try:
            services.sales_chance_delete(actor=request.user, chance_id=chance.pk)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Deleted."))
        return redirect("marketing:chance-list")


class ChanceAssignView(PolicyMixin, DomainErrorMixin, FormView):
    """
    Every field read-only but the account manager and the date. The chance is looked up in
    any state, so a manager who lost the race is told who got it rather than sent to a 404.
    """

    policy, action = sales_chance_policy, "assign"
    form_class = SalesChanceAssignForm
    template_name = "marketing/chance_assign.html"

    @cached_property
    def chance(self):
        return self.get_object()

    def get_context_data(self, **kwargs):
        return super().get_context_data(chance=self.chance, **kwargs)

    def perform(self, form):
        chance = services.sales_chance_assign(
            actor=self.request.user, chance_id=self.chance.pk, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("Assigned to %(name)s.") % {"name": chance.assignee.display_name},
        )
        return redirect("marketing:chance-list")


class ChanceDetailView(PolicyMixin, DetailView):
    """A chance read-only, with its plan items and the history of its transitions."""

    policy, action = sales_chance_policy, "view"
    template_name = "marketing/chance_detail.html"
    context_object_name = "chance"

    def get_object(self, queryset=None):
        try:
            return selectors.chance_get(user=self.request.user, pk=self.kwargs["pk"])
        except SalesChance.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        chance = self.object
        return super().get_context_data(
            items=selectors.plan_items(chance=chance),
            history=record_history(target=chance, newest_first=False),
            allowed=selectors.chance_actions(user=self.request.user, chance=chance),
            **sharing_panel(user=self.request.user, record=chance, read_only=chance.is_closed),
            **kwargs,
        )
