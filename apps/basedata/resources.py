"""
Import and export of the base data (issue 7): products (key: name + model + batch), stock
(key: product + warehouse + bin) and dictionary items (key: type + value). See
apps.imports.resource_base for what every resource shares.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from apps.basedata import selectors
from apps.basedata.models import DictItem, Product, Storage
from apps.imports.resource_base import Column, CrmResource
from apps.imports.widgets import Boolean, Integer, Lookup, Money, text
from apps.rbac.policies import dict_item_policy, product_policy, storage_policy

PRODUCT_COLUMNS = ("product_model", "product_batch")


class DictValue(widgets.Widget):
    """A value of one dictionary type, given as its value or its label in either language."""

    def __init__(self, dict_type: str, *, integer: bool = False):
        super().__init__()
        self.dict_type = dict_type
        self.integer = integer
        self._spellings: dict[str, str] | None = None

    def spellings(self) -> dict[str, str]:
        if self._spellings is None:  # one query per import, the first time a cell needs it
            items = DictItem.objects.filter(type=self.dict_type)
            labels = {s.casefold(): i.value for i in items for s in (i.item, i.item_en) if s}
            self._spellings = {**labels, **{i.value.casefold(): i.value for i in items}}
        return self._spellings

    def clean(self, value, row=None, **kwargs):
        raw = text(value)
        if raw.endswith(".0") and self.integer:
            raw = raw[:-2]  # a number typed in a spreadsheet cell
        if raw == "":
            return None if self.integer else ""
        found = self.spellings().get(raw.casefold())
        if found is None:
            raise ValueError(
                _("“%(value)s” is not in the dictionary “%(type)s”.")
                % {"value": raw, "type": self.dict_type}
            )
        return int(found) if self.integer else found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def product_lookup() -> Lookup:
    """A product named by three columns: name (the field's own), model and batch."""
    return Lookup(
        Product.objects.all(),
        ["name", "model", "batch"],
        columns=PRODUCT_COLUMNS,
        message=gettext_lazy("No product “%(value)s” (name / model / batch)."),
    )


def product_columns():
    """The product's name, model and batch, as order lines and stock name their product."""
    return (
        Column(
            "product", label=gettext_lazy("product name"), widget=product_lookup(), required=True
        ),
        Column("product__model", label=gettext_lazy("product model"), readonly=True),
        Column("product__batch", label=gettext_lazy("product batch"), readonly=True),
    )


class ProductResource(CrmResource):
    kind = "products"
    policy = product_policy
    natural_key = ("name", "model", "batch")

    name = Column("name", label=gettext_lazy("name"), required=True)
    model = Column("model", label=gettext_lazy("model"), required=True)
    batch = Column("batch", label=gettext_lazy("grade/batch"))
    unit = Column("unit", label=gettext_lazy("unit"))
    price = Column("price", label=gettext_lazy("unit price (CNY)"), widget=Money())
    memo = Column("memo", label=gettext_lazy("memo"))

    class Meta(CrmResource.Meta):
        model = Product
        fields = ("name", "model", "batch", "unit", "price", "memo")
        export_order = fields

    @classmethod
    def export_queryset(cls, user):
        return selectors.product_list(user=user).order_by("name", "model", "batch", "pk")


class StorageResource(CrmResource):
    kind = "stock"
    policy = storage_policy
    natural_key = ("product", "warehouse", "ware")

    product, product_model, product_batch = product_columns()
    warehouse = Column("warehouse", label=gettext_lazy("warehouse"), required=True)
    ware = Column("ware", label=gettext_lazy("bin"), required=True)
    count = Column("count", label=gettext_lazy("count"), widget=Integer(), required=True)
    memo = Column("memo", label=gettext_lazy("memo"))

    class Meta(CrmResource.Meta):
        model = Storage
        fields = ("product", "product_model", "product_batch", "warehouse", "ware", "count", "memo")
        export_order = fields

    def existing_queryset(self):
        return Storage.objects.select_related("product")

    def row_rules(self, instance) -> dict:
        if instance.count is not None and instance.count < 0:  # storage_count_non_negative
            return {"count": [_("The count cannot be negative.")]}
        return {}

    @classmethod
    def export_queryset(cls, user):
        return selectors.storage_list(user=user).order_by(
            "product__name", "warehouse", "ware", "pk"
        )


class DictItemResource(CrmResource):
    kind = "dictionary"
    policy = dict_item_policy
    natural_key = ("type", "value")

    type = Column("type", label=gettext_lazy("type"), required=True)
    value = Column("value", label=gettext_lazy("value"), required=True)
    item = Column("item", label=gettext_lazy("item"), required=True)
    item_en = Column("item_en", label=gettext_lazy("item (English)"))
    is_editable = Column("is_editable", label=gettext_lazy("editable"), widget=Boolean())
    sort_order = Column("sort_order", label=gettext_lazy("sort order"), widget=Integer())

    class Meta(CrmResource.Meta):
        model = DictItem
        fields = ("type", "value", "item", "item_en", "is_editable", "sort_order")
        export_order = fields

    def after_init_instance(self, instance, new, row, **kwargs):
        # Locked entries are system codes (SPEC §3.5): an import may list them, not change them.
        self._was_locked = not new and not instance.is_editable
        super().after_init_instance(instance, new, row, **kwargs)

    def row_rules(self, instance) -> dict:
        if self._was_locked:
            return {
                NON_FIELD_ERRORS: [
                    _("“%(item)s” is a system entry and cannot be changed.")
                    % {"item": instance.item}
                ]
            }
        return {}

    @classmethod
    def export_queryset(cls, user):
        return dict_item_policy.scope(user, "view", DictItem.objects.all()).order_by(
            "type", "sort_order", "pk"
        )
