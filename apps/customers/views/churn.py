"""Churn management pages (SPEC §3.3) and the admin's scan page. Thin: selectors read,
services write."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView

from apps.customers import lists, selectors, services
from apps.customers.churn_forms import ChurnConfirmForm, ChurnPostponeForm
from apps.rbac.policies import churn_policy, churn_scan_policy
from apps.rbac.selectors import record_history
from crm.lists import FACT, STATUS, TITLE, ListLayoutMixin, ListPageView, col
from crm.views import DomainErrorMixin, PolicyMixin


class ChurnListView(ListPageView):
    listing, title = lists.churn, _("Customer churn")
    template_name = "customers/churn_list.html"


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
            history=record_history(target=churn, limit=50),
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


class ChurnScanView(ListLayoutMixin, PolicyMixin, ListView):
    """GET: the schedule and the last runs (when, how long, what they found). POST: run now."""

    policy, action, title = churn_scan_policy, "run", _("Churn scan")
    template_name = "customers/churn_scan.html"
    paginate_by, read_only = 20, True
    columns = (
        col("pk", _("No."), phone=TITLE),
        col("started", _("Started"), phone=FACT),
        col("duration", _("Duration")),
        col("requested_by", _("Requested by")),
        col("status", _("Status"), phone=STATUS),
        col("warned", _("New warnings"), phone=FACT),
        col("recovered", _("Recovered"), phone=FACT),
        col("notified", _("Managers notified")),
        col("error", _("Error")),
    )

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
