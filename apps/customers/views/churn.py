"""Churn management pages (SPEC §3.3) and the admin's scan page. Thin: selectors read,
services write."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView

from apps.customers import selectors, services
from apps.customers.churn_filters import ChurnFilter
from apps.customers.churn_forms import ChurnConfirmForm, ChurnPostponeForm
from apps.customers.models import Churn
from apps.rbac.mixins import PolicyMixin
from apps.rbac.policies import churn_policy, churn_scan_policy
from crm.exports import column, user_name
from crm.lists import ListPageView
from crm.paginators import CappedCountPaginator
from crm.views import DomainErrorMixin


class ChurnListView(ListPageView):
    policy, action = churn_policy, "view"
    filterset_class = ChurnFilter
    template_name = "customers/churn_list.html"
    sort_fields = {
        "id": "pk",
        "customer": "customer__name",
        "manager": "customer__manager__full_name",
        "last_order_date": "last_order_date",
        "lost_date": "lost_date",
        "status": "status",
        "created_at": "created_at",
    }
    default_sort = "-created_at"
    export_filename = "churn"
    export_columns = [
        column(_("No."), "pk"),
        column(_("Customer"), "customer__name"),
        column(_("Account manager"), user_name("customer__manager")),
        column(_("Last order date"), "last_order_date"),
        column(_("Confirmed lost on"), "lost_date"),
        column(_("Status"), "status", choices=Churn.Status),
        column(_("Detected on"), "created_at"),
        column(_("Reason"), "reason"),
    ]

    def base_queryset(self):
        return selectors.churn_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.base_queryset().filter(pk__in=[c.pk for c in context["object_list"]])
        context["changeable"] = churn_policy.allowed_ids(self.request.user, "change", page)
        return context


class ChurnDetailView(PolicyMixin, TemplateView):
    """One record: header, the measures with author and time, and its audit history."""

    policy, action = churn_policy, "view"
    template_name = "customers/churn_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        churn = selectors.churn_get(user=user, pk=self.kwargs["pk"])
        return super().get_context_data(
            churn=churn,
            measures=selectors.churn_measures(churn=churn),
            history=selectors.churn_history(churn=churn)[:50],
            allowed={"change": churn.is_open and churn_policy.can(user, "change", churn)},
            **kwargs,
        )


class ChurnTransitionView(PolicyMixin, DomainErrorMixin, FormView):
    """A POST form on one record the user may change (others: 404); one service call."""

    policy, action = churn_policy, "change"
    template_name = "customers/churn_form.html"

    def get_context_data(self, **kwargs):
        churn = self.churn()
        return super().get_context_data(
            churn=churn, measures=selectors.churn_measures(churn=churn), **kwargs
        )

    def post(self, request, *args, **kwargs):
        self.churn()  # a record out of reach is a 404 before the form is even read
        return super().post(request, *args, **kwargs)

    def churn(self):
        if not hasattr(self, "_churn"):
            self._churn = selectors.churn_get(
                user=self.request.user, pk=self.kwargs["pk"], action="change"
            )
        return self._churn

    def done(self):
        messages.success(self.request, _("Saved."))
        return redirect("customers:churn-list")


class ChurnPostponeView(ChurnTransitionView):
    form_class = ChurnPostponeForm
    extra_context = {"verb": "postpone", "title": _("Postpone churn")}

    def perform(self, form):
        services.churn_postpone(
            actor=self.request.user, churn_id=self.churn().pk, measure=form.cleaned_data["measure"]
        )
        return self.done()


class ChurnConfirmView(ChurnTransitionView):
    form_class = ChurnConfirmForm
    extra_context = {"verb": "confirm", "title": _("Confirm churn")}

    def perform(self, form):
        services.churn_confirm(
            actor=self.request.user, churn_id=self.churn().pk, reason=form.cleaned_data["reason"]
        )
        return self.done()


class ChurnScanView(PolicyMixin, ListView):
    """GET: the schedule and the last runs (when, how long, what they found). POST: run now."""

    policy, action = churn_scan_policy, "run"
    template_name = "customers/churn_scan.html"
    paginate_by = 20
    paginator_class = CappedCountPaginator  # the numbered page links need its page_window

    def get_queryset(self):
        return selectors.churn_scan_run_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(schedule=selectors.churn_scan_schedule(), **kwargs)

    def post(self, request):
        run, job = services.churn_scan_request(actor=request.user)
        if job.published_at or not job.is_active:
            messages.success(
                request,
                _("Scan #%(run)s has been queued; the list below shows its result when it is done.")
                % {"run": run.pk},
            )
        else:  # Redis is down or frozen: the job waits in the database, nothing is lost
            messages.warning(
                request,
                _(
                    "Scan #%(run)s is queued and waiting: the task queue is not available at the "
                    "moment. The scan starts by itself as soon as the queue is back; nothing is "
                    "lost."
                )
                % {"run": run.pk},
            )
        return redirect("customers:churn-scan")
