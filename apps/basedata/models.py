"""The data dictionary (bas_dict) and the sales system's products and stock (read-only here)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crm.memo import Memo
from crm.models import TimeStampedModel

_choices = Memo("basedata.choices", size=512)


class DictItemQuerySet(models.QuerySet):
    def of_type(self, dict_type: str):
        return self.filter(type=dict_type).order_by("sort_order", "pk")

    def choices(self, dict_type: str) -> list[tuple[str, str]]:
        """(value, label) pairs of one dictionary type, in dictionary order. Kept per language
        and access version in a request (crm.memo; triggers of migration 0002 move the version
        with every change of bas_dict), so the filters and forms of a page read none."""
        if self.query.where:  # a narrowed queryset: not the whole dictionary
            return self._read_choices(dict_type)
        key = (dict_type, get_language())
        return list(_choices.get(key, lambda: tuple(self._read_choices(dict_type))))

    def labels(self, dict_types) -> dict[str, dict[str, str]]:
        """{dict type: {value: label}} of these types, in one query, kept as choices() is."""
        types = tuple(sorted(set(dict_types)))

        def read():
            labels: dict[str, dict[str, str]] = {dict_type: {} for dict_type in types}
            for item in DictItem.objects.filter(type__in=types):
                labels[item.type][item.value] = item.label
            return labels

        kept = _choices.get(("labels", types, get_language()), read)
        return {dict_type: dict(values) for dict_type, values in kept.items()}

    def _read_choices(self, dict_type: str) -> list[tuple[str, str]]:
        return [(item.value, item.label) for item in self.of_type(dict_type)]


class DictItem(TimeStampedModel):
    """One entry of the data dictionary; locked entries (is_editable False) are system codes."""

    # The dictionary types the code relies on (SPEC §6). Administrators may add others.
    LEVEL = "客户等级"
    SATISFACTION = "客户满意度"
    CREDIT = "客户信用度"
    SERVICE_TYPE = "服务类型"
    REGION = "地区"
    CHURN_STATUS = "客户流失状态"
    CHANCE_STATUS = "销售机会状态"
    CUSTOMER_STATUS = "客户状态"
    SERVICE_STATUS = "服务状态"
    ORDER_STATUS = "订单状态"

    type = models.CharField(_("type"), max_length=50, db_column="dict_type", db_index=True)
    item = models.CharField(_("item"), max_length=50, db_column="dict_item")
    item_en = models.CharField(_("item (English)"), max_length=50, blank=True)
    value = models.CharField(_("value"), max_length=50, db_column="dict_value")
    is_editable = models.BooleanField(_("editable"), default=True, db_column="dict_is_editable")
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    objects = DictItemQuerySet.as_manager()

    class Meta:
        db_table = "bas_dict"
        ordering = ["type", "sort_order", "pk"]
        verbose_name = _("dictionary item")
        verbose_name_plural = _("data dictionary")
        constraints = [
            models.UniqueConstraint(fields=["type", "value"], name="bas_dict_type_value_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.type}: {self.label}"

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("en") and self.item_en:
            return self.item_en
        return self.item


class Product(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, db_column="prod_name")
    model = models.CharField(_("model"), max_length=100, db_column="prod_type")
    batch = models.CharField(_("grade/batch"), max_length=100, blank=True, db_column="prod_batch")
    unit = models.CharField(_("unit"), max_length=10, blank=True, db_column="prod_unit")
    price = models.DecimalField(
        _("unit price (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        db_column="prod_price",
        validators=[MinValueValidator(0)],
    )
    memo = models.CharField(_("memo"), max_length=200, blank=True, db_column="prod_memo")

    class Meta:
        db_table = "product"
        ordering = ["name", "model", "batch"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["name", "model", "batch"], name="product_natural_key"),
        ]

    def __str__(self) -> str:
        """Name-model-batch, as order lines and the stock list show it (SPEC §2.10)."""
        return "-".join(part for part in (self.name, self.model, self.batch) if part)


class Storage(TimeStampedModel):
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="stock",
        db_column="stk_prod_id",
    )
    warehouse = models.CharField(_("warehouse"), max_length=50, db_column="stk_warehouse")
    ware = models.CharField(_("bin"), max_length=50, db_column="stk_ware")
    count = models.IntegerField(_("count"), db_column="stk_count")
    memo = models.CharField(_("memo"), max_length=200, blank=True, db_column="stk_memo")

    class Meta:
        db_table = "storage"
        ordering = ["warehouse", "ware"]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse", "ware"], name="storage_natural_key"
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="storage_count_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.warehouse} {self.ware}"
