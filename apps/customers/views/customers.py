"""Customer information pages (SPEC §3.2). Thin: selectors read, services write."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView, View

from apps.customers import lists, selectors, services
from apps.customers.forms import (
    ActivityCreateForm,
    ActivityForm,
    CustomerForm,
    LinkmanCreateForm,
    LinkmanForm,
    TransferForm,
)
from apps.customers.models import Activity, Churn, Linkman
from apps.customers.sections import customer_sections
from apps.rbac.policies import activity_policy, customer_policy, linkman_policy
from apps.rbac.selectors import record_history
from crm.lists import FACT, TITLE, ListLayoutMixin, ListPageView, col
from crm.views import DomainErrorMixin, PolicyMixin


class CustomerListView(ListPageView):
    listing, title = lists.customers, _("Customers")
    template_name = "customers/customer_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(labels=selectors.customer_labels(), **kwargs)


class CustomerMixin(PolicyMixin):
    """Views about one customer: `self.customer` within the user's scope for `action`."""

    policy = customer_policy

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.policy.require(request.user, self.action)  # the role's right: else 403
            # A customer he cannot see is a 404; one he sees but may not act on, a 403.
            self.customer = selectors.customer_get(user=request.user, pk=kwargs["pk"])
            if self.customer_action != "view":
                self.policy.require(request.user, self.customer_action, self.customer)
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
            history=record_history(target=customer, limit=20),
            sections=customer_sections(request=self.request, customer=customer),
            allowed=customer_policy.allowed(user, ["change", "delete", "transfer"], customer),
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


class CustomerTransferView(PolicyMixin, DomainErrorMixin, FormView):
    """
    转移: GET shows the selected customers (`?ids=…` from the list's selection, or the one of
    the URL) and asks whom they go to; POST transfers them (services.transfer_customers). A
    customer outside the user's scope for "transfer" is a 404 for the whole selection.
    """

    policy, action = customer_policy, "transfer"
    form_class = TransferForm
    template_name = "customers/customer_transfer.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not self.policy.can(user, "view"):
            raise PermissionDenied  # the customer pages' own right (not just the user admin's)
        if user.is_authenticated and self.policy.can(user, self.action):
            ids = self.selected_ids()
            if not ids:
                messages.error(request, _("Select the customers to transfer first."))
                return redirect("customers:customer-list")
            if len(ids) > services.MAX_SELECTION:
                messages.error(
                    request,
                    _("At most %(limit)d customers can be transferred at once.")
                    % {"limit": services.MAX_SELECTION},
                )
                return redirect("customers:customer-list")
            self.customers = selectors.customers_to_transfer(user=user, ids=ids)
        return super().dispatch(request, *args, **kwargs)

    def selected_ids(self) -> list[int]:
        if "pk" in self.kwargs:
            return [self.kwargs["pk"]]
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        try:
            return sorted({int(value) for value in data.getlist("ids")})
        except ValueError:
            raise Http404 from None

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "customers": self.customers,
            "targets": selectors.transfer_targets(),
        }

    def get_context_data(self, **kwargs):
        one = self.customers[0] if "pk" in self.kwargs else None
        return super().get_context_data(customers=self.customers, customer=one, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        result = services.transfer_customers(
            actor=self.request.user,
            customer_ids=[customer.pk for customer in self.customers],
            to_user=data["to_user"],
            with_chances=data["with_chances"],
            with_services=data["with_services"],
            with_churns=data["with_churns"],
            reason=data["reason"],
            expected_owners=form.expected_owners(),
        )
        messages.success(
            self.request,
            _("Customers transferred to %(user)s: %(count)d.")
            % {"user": result.to_user.display_name, "count": result.customers},
        )
        if "pk" in self.kwargs:
            return redirect(self.customers[0].get_absolute_url())
        return redirect("customers:customer-list")


class ChildListView(ListLayoutMixin, CustomerMixin, TemplateView):
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
        return super().get_context_data(object_list=rows, can_change=can_change, **kwargs)


class LinkmanListView(ChildListView):
    template_name, title = "customers/linkman_list.html", _("Linkmen")
    columns = (
        col("name", _("Name"), phone=TITLE),
        col("sex", _("Sex")),
        col("position", _("Position"), phone=FACT),
        col("tel", _("Office phone"), phone=FACT),
        col("mobile", _("Mobile"), phone=FACT),
        col("memo", _("Memo")),
    )


class ActivityListView(ChildListView):
    model, child_policy = Activity, activity_policy
    template_name, title = "customers/activity_list.html", _("Activities")
    columns = (
        col("date", _("Time"), phone=FACT),
        col("place", _("Place"), phone=FACT),
        col("title", _("Summary"), phone=TITLE),
        col("description", _("Details")),
        col("remark", _("Remark")),
    )


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


class OrderListView(ListLayoutMixin, CustomerMixin, ListView):
    """The customer's order history (read-only, from the sales system)."""

    template_name, title = "customers/order_list.html", _("Order history")
    paginate_by = 10
    columns = (
        col("number", _("Order number"), phone=TITLE),
        col("date", _("Date"), phone=FACT),
        col("address", _("Delivery address")),
        col("status", _("Status"), phone=FACT),
        col("total", _("Total (CNY)"), phone=FACT, align="end"),
    )

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
