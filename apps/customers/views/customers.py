"""Customer information pages (SPEC §3.2). Thin: selectors read, services write."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView, View

from apps.customers import selectors, services
from apps.customers.filters import CustomerFilter
from apps.customers.forms import (
    ActivityCreateForm,
    ActivityForm,
    CustomerForm,
    LinkmanCreateForm,
    LinkmanForm,
)
from apps.customers.models import Activity, Churn, Customer, Linkman
from apps.customers.sections import customer_sections
from apps.rbac.mixins import PolicyMixin
from apps.rbac.models import AuditEvent
from apps.rbac.policies import activity_policy, customer_policy, linkman_policy
from crm.exports import column, user_name
from crm.lists import ListPageView
from crm.paginators import CappedCountPaginator
from crm.views import DomainErrorMixin


class CustomerListView(ListPageView):
    policy, action = customer_policy, "view"
    filterset_class = CustomerFilter
    template_name = "customers/customer_list.html"
    sort_fields = {
        "number": "number",
        "name": "name",
        "region": "region",
        "level": "level",
        "manager": "manager__full_name",
    }
    default_sort = "-number"
    export_filename = "customers"
    export_columns = [
        column(_("customer number"), "number"),
        column(_("name"), "name"),
        column(_("region"), "region"),
        column(_("account manager"), user_name("manager")),
        column(_("level"), "level"),
        column(_("status"), "status", choices=Customer.Status),
        column(_("telephone"), "tel"),
        column(_("address"), "address"),
    ]

    def base_queryset(self):
        return selectors.customer_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(labels=selectors.customer_labels(), **kwargs)
        page = [c.pk for c in context["object_list"]]
        user, qs = self.request.user, self.base_queryset().filter(pk__in=page)
        context["changeable"] = customer_policy.allowed_ids(user, "change", qs)
        context["deletable"] = customer_policy.allowed_ids(user, "delete", qs)
        return context


class CustomerMixin(PolicyMixin):
    """Views about one customer: `self.customer` within the user's scope for `action`."""

    policy = customer_policy

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.policy.require(request.user, self.action)  # the role's right: else 403
            self.customer = selectors.customer_get(
                user=request.user, pk=kwargs["pk"], action=self.customer_action
            )
        return super().dispatch(request, *args, **kwargs)

    customer_action = "view"

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)


class CustomerDetailView(CustomerMixin, TemplateView):
    """The one page that brings a customer together."""

    template_name = "customers/customer_detail.html"

    def get_context_data(self, **kwargs):
        customer, user = self.customer, self.request.user
        return super().get_context_data(
            labels=selectors.customer_labels(),
            linkmen=selectors.linkman_list(customer=customer)[:20],
            activities=selectors.activity_list(customer=customer)[:5],
            orders=selectors.order_list(customer=customer)[:5],
            lifetime_total=selectors.order_lifetime_total(customer=customer),
            open_churn=customer.churns.filter(status__in=Churn.OPEN_STATUSES).first(),
            history=AuditEvent.objects.for_object(customer).select_related("actor")[:20],
            sections=customer_sections(request=self.request, customer=customer),
            allowed=customer_policy.allowed(user, ["change", "delete"], customer),
            **kwargs,
        )


class CustomerUpdateView(CustomerMixin, DomainErrorMixin, FormView):
    action = customer_action = "change"
    form_class = CustomerForm
    template_name = "customers/customer_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.customer}

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "loaded_at"}
        services.customer_update(
            actor=self.request.user,
            customer_id=self.customer.pk,
            loaded_at=form.cleaned_data["loaded_at"],
            **data,
        )
        messages.success(self.request, _("Saved."))
        return redirect(self.customer.get_absolute_url())


class CustomerDeleteView(CustomerMixin, TemplateView):
    """GET asks for confirmation; POST deletes (logically)."""

    action = customer_action = "delete"
    template_name = "customers/customer_confirm_delete.html"

    def post(self, request, pk):
        services.customer_delete(actor=request.user, customer_id=self.customer.pk)
        messages.success(request, _("The customer has been deleted."))
        return redirect("customers:customer-list")


class ChildListView(CustomerMixin, TemplateView):
    """The linkmen or the activities of one customer."""

    model = Linkman
    child_policy = linkman_policy

    def get_context_data(self, **kwargs):
        rows = (selectors.linkman_list if self.model is Linkman else selectors.activity_list)(
            customer=self.customer
        )
        can_change = self.child_policy.can(
            self.request.user, "change", self.model(customer=self.customer)
        )
        return super().get_context_data(rows=rows, can_change=can_change, **kwargs)


class LinkmanListView(ChildListView):
    template_name = "customers/linkman_list.html"


class ActivityListView(ChildListView):
    model, child_policy = Activity, activity_policy
    template_name = "customers/activity_list.html"


class ChildFormView(PolicyMixin, DomainErrorMixin, FormView):
    """Create (URL pk = customer) or edit (URL pk = the linkman or activity) a child record."""

    model, form_class, policy, action = Linkman, LinkmanForm, linkman_policy, "change"
    template_name = "customers/child_form.html"
    creating = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.policy.require(request.user, "change")  # the role's right: else 403
            if self.creating:
                self.customer = selectors.customer_get(user=request.user, pk=kwargs["pk"])
                self.instance = self.model(customer=self.customer)
            else:
                self.instance = self.get_object(
                    self.model.objects.filter(
                        customer__in=selectors.customer_list(user=request.user)
                    )
                )
                self.customer = self.instance.customer
            self.policy.require(request.user, "change", self.instance)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.instance}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            customer=self.customer,
            creating=self.creating,
            noun=self.model._meta.verbose_name,
            list_url=self.list_url(),
            **kwargs,
        )

    def list_url(self) -> str:
        name = "linkman-list" if self.model is Linkman else "activity-list"
        return reverse(f"customers:{name}", args=[self.customer.pk])

    def perform(self, form):
        services.customer_child_save(
            actor=self.request.user,
            model=self.model,
            customer_id=self.customer.pk,
            instance_id=None if self.creating else self.instance.pk,
            **form.cleaned_data,
        )
        messages.success(self.request, _("Saved."))
        return redirect(self.list_url())


class LinkmanCreateView(ChildFormView):
    form_class = LinkmanCreateForm


class LinkmanUpdateView(ChildFormView):
    creating = False


class ActivityCreateView(ChildFormView):
    model, form_class, policy = Activity, ActivityCreateForm, activity_policy


class ActivityUpdateView(ActivityCreateView):
    form_class = ActivityForm
    creating = False


class ChildDeleteView(PolicyMixin, View):
    """POST only; the button asks for confirmation first."""

    http_method_names = ["post"]
    model, policy, action = Linkman, linkman_policy, "change"

    def post(self, request, pk):
        instance = self.get_object(
            self.model.objects.filter(customer__in=selectors.customer_list(user=request.user))
        )
        services.customer_child_delete(
            actor=request.user, model=self.model, instance_id=instance.pk
        )
        messages.success(request, _("Deleted."))
        name = "linkman-list" if self.model is Linkman else "activity-list"
        return redirect(f"customers:{name}", pk=instance.customer_id)


class LinkmanDeleteView(ChildDeleteView):
    pass


class ActivityDeleteView(ChildDeleteView):
    model, policy = Activity, activity_policy


class OrderListView(CustomerMixin, ListView):
    """The customer's order history (read-only, from the sales system)."""

    template_name = "customers/order_list.html"
    paginate_by = 10
    paginator_class = CappedCountPaginator  # the numbered page links need its page_window

    def get_queryset(self):
        return selectors.order_list(customer=self.customer)

    def get_context_data(self, **kwargs):
        total = selectors.order_lifetime_total(customer=self.customer)
        return super().get_context_data(lifetime_total=total, **kwargs)


class OrderDetailView(PolicyMixin, TemplateView):
    policy, action = customer_policy, "view"
    template_name = "customers/order_detail.html"

    def get_context_data(self, **kwargs):
        order = selectors.order_get(user=self.request.user, pk=self.kwargs["pk"])
        return super().get_context_data(
            order=order, customer=order.customer, lines=selectors.order_lines(order=order), **kwargs
        )
