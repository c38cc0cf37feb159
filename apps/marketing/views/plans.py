"""
Customer development plans (客户开发计划, SPEC §3.1 steps 5-9): the list, make plan, execute
plan, and the two outcomes, development succeeded (the customer is created) or terminated.
"""

from functools import cached_property

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from apps.marketing import lists, selectors, services
from apps.marketing.forms import PlanItemForm, PlanResultForm, PlanTodoForm
from apps.rbac.policies import sales_chance_policy, sales_plan_policy
from crm.exceptions import DomainError
from crm.lists import ListPageView
from crm.views import DomainErrorMixin, PolicyMixin


class PlanListView(ListPageView):
    """Chances in development and archived; an account manager sees those assigned to him."""

    listing, title = lists.plans, gettext_lazy("Development plans")
    template_name = "marketing/plan_list.html"


class PlanChanceMixin(PolicyMixin):
    """The chance of the URL with its plan items and the buttons the user may use."""

    def chance_queryset(self):
        return selectors.plan_chance_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        self.chance = get_object_or_404(self.chance_queryset(), pk=self.kwargs["pk"])
        return super().get_context_data(
            chance=self.chance,
            items=selectors.plan_items(chance=self.chance),
            allowed=selectors.chance_actions(user=self.request.user, chance=self.chance),
            **kwargs,
        )


class PlanMakeView(PlanChanceMixin, DomainErrorMixin, FormView):
    """The chance read-only, its items (reword, delete) and a form to add an item."""

    policy, action = sales_plan_policy, "change"
    form_class = PlanItemForm
    template_name = "marketing/plan_make.html"

    def perform(self, form):
        chance = get_object_or_404(self.chance_queryset(), pk=self.kwargs["pk"])
        services.sales_plan_create(
            actor=self.request.user, chance_id=chance.pk, **form.cleaned_data
        )
        messages.success(self.request, _("Saved."))
        return redirect("marketing:plan-make", pk=chance.pk)


class PlanExecuteView(PlanChanceMixin, TemplateView):
    """The chance read-only and a result form per item: the assignee only."""

    policy, action = sales_chance_policy, "develop"
    template_name = "marketing/plan_execute.html"

    def chance_queryset(self):
        return selectors.chance_to_execute_list(user=self.request.user)


class PlanItemMixin(PolicyMixin, DomainErrorMixin, FormView):
    """One plan item among those the user may act on (else 404); back to its plan after."""

    template_name = "marketing/planitem_form.html"
    next_url_name = "marketing:plan-make"

    @cached_property
    def object(self):
        scoped = selectors.plan_item_list(user=self.request.user, action=self.action)
        return get_object_or_404(scoped, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            item=self.object, chance=self.object.chance, back_url_name=self.next_url_name, **kwargs
        )

    def done(self):
        messages.success(self.request, _("Saved."))
        return redirect(self.next_url_name, pk=self.object.chance_id)


class PlanItemUpdateView(PlanItemMixin):
    """Reword an item (its date is fixed)."""

    policy, action = sales_plan_policy, "change"
    form_class = PlanTodoForm

    def get_initial(self):
        return {"todo": self.object.todo}

    def perform(self, form):
        services.sales_plan_update(
            actor=self.request.user, plan_id=self.object.pk, **form.cleaned_data
        )
        return self.done()


class PlanItemResultView(PlanItemMixin):
    """Record an item's result ("execute plan")."""

    policy, action = sales_chance_policy, "develop"
    form_class = PlanResultForm
    next_url_name = "marketing:plan-execute"

    def get_initial(self):
        return {"result": self.object.result}

    def perform(self, form):
        services.sales_plan_record_result(
            actor=self.request.user, plan_id=self.object.pk, **form.cleaned_data
        )
        return self.done()


class PlanItemDeleteView(PolicyMixin, View):
    """POST only, after the confirmation of the button."""

    policy, action = sales_plan_policy, "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        scoped = selectors.plan_item_list(user=request.user, action=self.action)
        item = get_object_or_404(scoped, pk=pk)
        try:
            services.sales_plan_delete(actor=request.user, plan_id=item.pk)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Deleted."))
        return redirect("marketing:plan-make", pk=item.chance_id)


class ChanceOutcomeView(PolicyMixin, View):
    """POST only: development succeeded or terminated, by the chance's assignee."""

    policy, action = sales_chance_policy, "develop"
    http_method_names = ["post"]

    def post(self, request, pk):
        chance = get_object_or_404(selectors.chance_to_execute_list(user=request.user), pk=pk)
        try:
            message = self.perform(chance)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("marketing:chance-detail", pk=chance.pk)
        messages.success(request, message)
        return redirect("marketing:plan-list")

    def perform(self, chance):
        raise NotImplementedError


class ChanceWinView(ChanceOutcomeView):
    def perform(self, chance):
        customer = services.sales_chance_mark_won(actor=self.request.user, chance_id=chance.pk)
        if customer.linked_match is not None:  # the customer existed: the chance is linked
            return format_html(
                _(
                    "Development succeeded: the customer already exists ({customer}); the chance "
                    "is linked to it."
                ),
                customer=customer.linked_match.label,
            )
        try:
            number = format_html(
                '<a href="{}" data-testid="new-customer">{}</a>',
                customer.get_absolute_url(),
                customer.number,
            )
        except NoReverseMatch:  # no customer pages in this installation: the number alone
            number = customer.number
        return format_html(
            _("Development succeeded: customer {number} has been added."), number=number
        )


class ChanceTerminateView(ChanceOutcomeView):
    def perform(self, chance):
        services.sales_chance_terminate(actor=self.request.user, chance_id=chance.pk)
        return _("Development terminated: the chance is archived.")
