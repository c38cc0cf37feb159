"""
Customers entering cleanly (issue 18): create by hand with the duplicate check, the division
selects, and tags (the admin's tag pages, tagging one customer or many). Thin views.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from apps.customers import lists, selectors, services
from apps.customers.forms import CustomerCreateForm, CustomerTagForm, TagForm
from apps.customers.models import Customer, Tag
from apps.customers.services import SimilarCustomers
from apps.customers.services.tags import BULK_LIMIT
from apps.rbac.policies import customer_policy, tag_policy
from crm.views import DomainErrorMixin, PolicyMixin


def identity_section(*, user, customer) -> dict:
    """The context of customers/_identity_section.html (a customer-page section)."""
    return {
        "customer": customer,
        "tags": selectors.customer_tags(customer=customer),
        "all_tags": selectors.tag_choices()
        if customer_policy.can(user, "change", customer)
        else [],
    }


class CustomerCreateView(PolicyMixin, DomainErrorMixin, FormView):
    """新建客户: the duplicate check refuses a duplicate and asks to confirm a similar name."""

    policy, action = customer_policy, "add"
    form_class = CustomerCreateForm
    template_name = "customers/customer_create.html"
    similar = ()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Customer(), "user": self.request.user}

    def perform(self, form):
        data = dict(form.cleaned_data)
        confirm = data.pop("confirm_similar", False)
        try:
            customer = services.customer_create(
                actor=self.request.user, confirm_similar=confirm, **data
            )
        except SimilarCustomers as error:
            self.similar = error.matches
            raise
        messages.success(
            self.request, _("Customer %(number)s has been added.") % {"number": customer.number}
        )
        return redirect(customer.get_absolute_url())


class DivisionOptionsView(PolicyMixin, TemplateView):
    """htmx: the cities of ?province=, or the districts of ?city= (GB/T 2260 codes)."""

    policy, action = customer_policy, "view"
    template_name = "customers/_division_options.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET
        if "province" in query:
            parent, reset_district = query.get("province", ""), True
        else:
            parent, reset_district = query.get("city", ""), False
        return {
            "options": selectors.division_children(parent=parent),
            "reset_district": reset_district,
        }


class TagListView(PolicyMixin, TemplateView):
    policy, action = tag_policy, "view"
    template_name = "customers/tag_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tags=selectors.tag_list(),
            allowed=tag_policy.allowed(self.request.user, ["add", "change"]),
            **kwargs,
        )


class TagFormView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = tag_policy, "add"
    form_class = TagForm
    template_name = "customers/tag_form.html"
    tag = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.tag or Tag()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)

    def perform(self, form):
        services.tag_save(
            actor=self.request.user, tag_id=self.tag.pk if self.tag else None, **form.cleaned_data
        )
        messages.success(self.request, _("Saved."))
        return redirect("customers:tag-list")


class TagUpdateView(TagFormView):
    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and tag_policy.can(request.user, "change"):
            self.tag = self.get_object(Tag.objects.all())
        return super().dispatch(request, *args, **kwargs)


class CustomerTagView(PolicyMixin, DomainErrorMixin, FormView):
    """Tag or untag one customer (POST from its page)."""

    policy, action = customer_policy, "change"
    form_class = CustomerTagForm
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and customer_policy.can(request.user, "change"):
            self.customer = selectors.customer_get(
                user=request.user, pk=kwargs["pk"], action="change"
            )
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        services.customer_tag(
            actor=self.request.user,
            customer_ids=[self.customer.pk],
            tag_id=form.cleaned_data["tag"].pk,
            add=form.cleaned_data["add"],
        )
        messages.success(self.request, _("Saved."))
        return redirect(self.customer.get_absolute_url())

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect(self.customer.get_absolute_url())


class CustomerBulkTagView(PolicyMixin, DomainErrorMixin, FormView):
    """
    Tag or untag every customer the list's filter finds (at most BULK_LIMIT):
    the list links here with its query string; the page says how many customers it touches.
    """

    policy, action = customer_policy, "change"
    form_class = CustomerTagForm
    template_name = "customers/customer_bulk_tag.html"

    def matching(self) -> list[int]:
        """The ids of the customers the list's filter finds that the user may change."""
        rows = lists.customers.rows(self.request.user, self.request.GET)
        changeable = customer_policy.scope(self.request.user, "change", rows)
        return list(changeable.values_list("pk", flat=True)[: BULK_LIMIT + 1])

    def get_context_data(self, **kwargs):
        ids = self.matching()
        return super().get_context_data(
            count=len(ids),
            too_many=len(ids) > BULK_LIMIT,
            limit=BULK_LIMIT,
            list_url=f"{reverse('customers:customer-list')}?{self.request.GET.urlencode()}",
            **kwargs,
        )

    def perform(self, form):
        count = services.customer_tag(
            actor=self.request.user,
            customer_ids=self.matching(),
            tag_id=form.cleaned_data["tag"].pk,
            add=form.cleaned_data["add"],
        )
        messages.success(self.request, _("%(count)s customers changed.") % {"count": count})
        return redirect(f"{reverse('customers:customer-list')}?{self.request.GET.urlencode()}")
