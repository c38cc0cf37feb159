"""
Import and export of customers, linkmen, activities and orders with their lines (issue 7).

Natural keys: customer number; linkman = customer number + name; activity = customer number +
time + summary; order line = order number + product (name + model + batch), the order's own
columns repeated on each of its lines. Status columns are never imported (workflow fields).
See apps.imports.resource_base for what every resource shares.
"""

import re

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.basedata.models import DictItem
from apps.basedata.resources import DictValue, product_columns
from apps.customers.identity import normalise_name, normalise_phone, normalise_uscc
from apps.customers.models import Activity, Customer, Linkman, Order, OrderLine
from apps.customers.selectors import DuplicateIndex, customer_list
from apps.imports.parents import ParentRowsMixin
from apps.imports.resource_base import Column, CrmResource
from apps.imports.widgets import Choice, DateTime, Integer, Lookup, Money, Text
from apps.rbac import roles
from apps.rbac.policies import activity_policy, customer_policy, linkman_policy, order_policy
from apps.rbac.selectors import active_users_with_role

# Numbers of the house format continue the daily sequence (customer_number_next reads them as
# "KH" + yyyyMMdd + digits), so such a number must end in digits.
NUMBER_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")
HOUSE_PREFIX = re.compile(r"^KH\d{8}")


def customer_lookup() -> Lookup:
    return Lookup(
        Customer.objects.visible(),
        ["number"],
        message=gettext_lazy("No customer “%(value)s” among those you may import for."),
    )


class CustomerChildResource(CrmResource):
    """Linkmen and activities: rows of a customer, allowed with their customer."""

    def scope_error(self, instance) -> dict:
        number = instance.customer.number if instance.customer_id else ""
        return {
            "customer": [
                _("No customer “%(value)s” among those you may import for.") % {"value": number}
            ]
        }

    def existing_queryset(self):
        return self._meta.model.objects.select_related("customer")

    @classmethod
    def export_queryset(cls, user):
        model = cls._meta.model
        return (
            model.objects.filter(customer__in=customer_list(user=user))
            .select_related("customer")
            .order_by("customer__number", "pk")
        )


class CustomerResource(CrmResource):
    kind = "customers"
    policy = customer_policy
    natural_key = ("number",)

    number = Column("number", label=gettext_lazy("customer number"), required=True)
    name = Column("name", label=gettext_lazy("name"), required=True)
    region = Column("region", label=gettext_lazy("region"), widget=DictValue(DictItem.REGION))
    manager = Column(
        "manager",
        label=gettext_lazy("account manager"),
        widget=Lookup(
            active_users_with_role(roles.ACCOUNT_MANAGER),
            ["username"],
            message=gettext_lazy("No active account manager with the username “%(value)s”."),
        ),
    )
    level = Column(
        "level", label=gettext_lazy("level"), widget=DictValue(DictItem.LEVEL, integer=True)
    )
    satisfaction = Column(
        "satisfaction",
        label=gettext_lazy("satisfaction"),
        widget=DictValue(DictItem.SATISFACTION, integer=True),
    )
    credit = Column(
        "credit", label=gettext_lazy("credit"), widget=DictValue(DictItem.CREDIT, integer=True)
    )
    address = Column("address", label=gettext_lazy("address"))
    zip = Column("zip", label=gettext_lazy("postcode"))
    tel = Column("tel", label=gettext_lazy("telephone"))
    fax = Column("fax", label=gettext_lazy("fax"))
    website = Column("website", label=gettext_lazy("website"))
    licence_no = Column("licence_no", label=gettext_lazy("business licence no."))
    chieftain = Column("chieftain", label=gettext_lazy("legal representative"))
    bankroll = Column(
        "bankroll", label=gettext_lazy("registered capital (10k CNY)"), widget=Integer()
    )
    turnover = Column("turnover", label=gettext_lazy("annual turnover (10k CNY)"), widget=Integer())
    bank = Column("bank", label=gettext_lazy("bank"))
    bank_account = Column("bank_account", label=gettext_lazy("bank account"))
    local_tax_no = Column("local_tax_no", label=gettext_lazy("local tax no."))
    national_tax_no = Column("national_tax_no", label=gettext_lazy("national tax no."))
    uscc = Column("uscc", label=gettext_lazy("unified social credit code"))

    class Meta(CrmResource.Meta):
        model = Customer
        fields = (
            "number",
            "name",
            "region",
            "manager",
            "level",
            "satisfaction",
            "credit",
            "address",
            "zip",
            "tel",
            "fax",
            "website",
            "licence_no",
            "chieftain",
            "bankroll",
            "turnover",
            "bank",
            "bank_account",
            "local_tax_no",
            "national_tax_no",
            "uscc",
        )
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The duplicate check's keys follow the name and phone: an undo puts them back too.
        self._attnames = [*self._attnames, "name_key", "tel_key"]

    def before_import(self, dataset, **kwargs):
        """The stored customers the file's rows may duplicate (查重), in a few queries."""
        super().before_import(dataset, **kwargs)
        headers = list(dataset.headers or [])

        def cell(row, name):
            return str(row[headers.index(name)] or "") if name in headers else ""

        self.duplicates = DuplicateIndex(
            user=self.user,
            rows=[(cell(r, "name"), cell(r, "uscc"), cell(r, "tel")) for r in dataset],
        )

    def get_bulk_update_fields(self):
        return [*super().get_bulk_update_fields(), "name_key", "tel_key"]

    def duplicate_rule(self, instance) -> dict:
        """A row that duplicates another stored customer is invalid and names it (masked)."""
        instance.uscc = normalise_uscc(instance.uscc)
        instance.name_key = normalise_name(instance.name)[:100]
        instance.tel_key = normalise_phone(instance.tel)[:50]
        match = self.duplicates.match(
            name=instance.name, uscc=instance.uscc, tel=instance.tel, exclude_pk=instance.pk
        )
        return {NON_FIELD_ERRORS: [match.message]} if match else {}

    def row_rules(self, instance) -> dict:
        number = instance.number
        if not NUMBER_CHARS.match(number) or (
            HOUSE_PREFIX.match(number) and not number[2:].isdigit()
        ):
            return {
                "number": [
                    _(
                        "A customer number holds letters, digits, - and _ only; "
                        "one starting with KH and a date continues with digits."
                    )
                ]
            }
        if instance.status == Customer.Status.DELETED:
            return {
                NON_FIELD_ERRORS: [_("This customer was deleted; it cannot be imported again.")]
            }
        return self.duplicate_rule(instance)

    def scope_error(self, instance) -> dict:
        return {NON_FIELD_ERRORS: [_("You may not import this customer.")]}

    @classmethod
    def export_queryset(cls, user):
        return customer_list(user=user).order_by("number")


class LinkmanResource(CustomerChildResource):
    kind = "linkmen"
    policy = linkman_policy
    natural_key = ("customer", "name")

    customer = Column(
        "customer", label=gettext_lazy("customer number"), widget=customer_lookup(), required=True
    )
    name = Column("name", label=pgettext_lazy("person", "name"), required=True)
    sex = Column("sex", label=gettext_lazy("sex"), widget=Choice(Linkman.Sex.choices))
    position = Column("position", label=gettext_lazy("position"))
    tel = Column("tel", label=gettext_lazy("office phone"))
    mobile = Column("mobile", label=gettext_lazy("mobile"))
    memo = Column("memo", label=gettext_lazy("memo"))

    class Meta(CrmResource.Meta):
        model = Linkman
        fields = ("customer", "name", "sex", "position", "tel", "mobile", "memo")
        export_order = fields


class ActivityResource(CustomerChildResource):
    kind = "activities"
    policy = activity_policy
    natural_key = ("customer", "date", "title")

    customer = Column(
        "customer", label=gettext_lazy("customer number"), widget=customer_lookup(), required=True
    )
    date = Column("date", label=gettext_lazy("time"), widget=DateTime(), required=True)
    place = Column("place", label=gettext_lazy("place"), required=True)
    title = Column("title", label=gettext_lazy("summary"), required=True)
    description = Column("description", label=gettext_lazy("details"))
    remark = Column("remark", label=gettext_lazy("remark"))

    class Meta(CrmResource.Meta):
        model = Activity
        fields = ("customer", "date", "place", "title", "description", "remark")
        export_order = fields


class OrderLineResource(ParentRowsMixin, CrmResource):
    """
    Orders with their lines, one file row per line. The order's columns (number, customer,
    date, address) repeat on each of its lines; the first line creates or updates the order.
    """

    kind = "orders"
    policy = order_policy
    natural_key = ("order", "product")
    parent_model, parent_field, parent_key = Order, "order", "order"
    parent_columns = {
        "order_customer": "customer",
        "order_date": "date",
        "order_address": "address",
    }
    parent_conflict = gettext_lazy(
        "The order's customer, date or address differ from its row %(row)s."
    )

    order = Column(
        "order", label=gettext_lazy("order number"), widget=Integer(), readonly=True, required=True
    )
    order_customer = Column(
        "order__customer",
        label=gettext_lazy("customer number"),
        widget=customer_lookup(),
        readonly=True,
        required=True,
    )
    order_date = Column(
        "order__date",
        label=gettext_lazy("order date"),
        widget=DateTime(),
        readonly=True,
        required=True,
    )
    order_address = Column(
        "order__address",
        label=gettext_lazy("delivery address"),
        widget=Text(),
        readonly=True,
        required=True,
    )
    product, product_model, product_batch = product_columns()
    count = Column("count", label=gettext_lazy("count"), widget=Integer(), required=True)
    unit = Column("unit", label=gettext_lazy("unit"))
    price = Column("price", label=gettext_lazy("unit price (CNY)"), widget=Money(), required=True)

    class Meta(CrmResource.Meta):
        model = OrderLine
        fields = (
            "order",
            "order_customer",
            "order_date",
            "order_address",
            "product",
            "product_model",
            "product_batch",
            "count",
            "unit",
            "price",
        )
        export_order = fields

    def parent_queryset(self):
        return Order.objects.select_related("customer")

    def existing_queryset(self):
        return OrderLine.objects.select_related("order__customer", "product")

    def scope_error(self, instance) -> dict:
        return {"order": [_("You may not import orders of this customer.")]}

    @classmethod
    def export_queryset(cls, user):
        return (
            OrderLine.objects.filter(order__customer__in=customer_list(user=user))
            .select_related("order__customer", "product")
            .order_by("order_id", "pk")
        )
