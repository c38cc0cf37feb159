"""Customers with their linkmen, activities and order history (SPEC §2.3–2.9)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.basedata.models import Product
from apps.customers.identity import (
    normalise_name,
    normalise_phone,
    normalise_uscc,
    validate_uscc,
)
from crm.models import StatusBadge, TimeStampedModel
from crm.validators import validate_phone, validate_postcode, validate_website

# 纳税人识别号: 15, 18 (the USCC) or 20 digits and capital letters.
validate_taxpayer_number = RegexValidator(
    r"^([0-9A-Z]{15}|[0-9A-Z]{18}|[0-9A-Z]{20})$",
    _("Enter a taxpayer number of 15, 18 or 20 digits and capital letters."),
    code="invalid_taxpayer_number",
)
ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class CustomerQuerySet(models.QuerySet):
    def visible(self):
        """Every customer that is not logically deleted (SPEC §3.2)."""
        return self.exclude(status=Customer.Status.DELETED)

    def managed_by(self, user):
        return self.filter(manager=user)


class Customer(StatusBadge, TimeStampedModel):
    class Status(models.TextChoices):
        NORMAL = "1", _("Normal")
        LOST = "2", pgettext_lazy("customer status", "Lost")
        DELETED = "3", _("Deleted")

    STATUS_BADGES = {Status.NORMAL: "success", Status.LOST: "danger", Status.DELETED: "secondary"}

    number = models.CharField(_("customer number"), max_length=17, unique=True, db_column="cust_no")
    name = models.CharField(_("name"), max_length=100, db_column="cust_name", db_index=True)
    region = models.CharField(_("region"), max_length=50, blank=True, db_column="cust_region")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        db_column="cust_manager_id",
    )
    level = models.PositiveSmallIntegerField(
        _("level"), default=1, validators=ONE_TO_FIVE, db_column="cust_level"
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        default=3,
        validators=ONE_TO_FIVE,
        db_column="cust_satisfy",
    )
    credit = models.PositiveSmallIntegerField(
        _("credit"),
        null=True,
        blank=True,
        default=3,
        validators=ONE_TO_FIVE,
        db_column="cust_credit",
    )
    address = models.CharField(_("address"), max_length=300, blank=True, db_column="cust_addr")
    zip = models.CharField(
        _("postcode"),
        max_length=10,
        blank=True,
        validators=[validate_postcode],
        db_column="cust_zip",
    )
    tel = models.CharField(
        _("telephone"), max_length=50, blank=True, validators=[validate_phone], db_column="cust_tel"
    )
    fax = models.CharField(
        _("fax"), max_length=50, blank=True, validators=[validate_phone], db_column="cust_fax"
    )
    website = models.CharField(
        _("website"),
        max_length=50,
        blank=True,
        validators=[validate_website],
        db_column="cust_website",
    )
    licence_no = models.CharField(
        _("business licence no."), max_length=50, blank=True, db_column="cust_licence_no"
    )
    chieftain = models.CharField(
        _("legal representative"), max_length=50, blank=True, db_column="cust_chieftain"
    )
    bankroll = models.PositiveIntegerField(
        _("registered capital (10k CNY)"), default=0, db_column="cust_bankroll"
    )
    turnover = models.PositiveIntegerField(
        _("annual turnover (10k CNY)"), default=0, db_column="cust_turnover"
    )
    bank = models.CharField(_("bank"), max_length=200, blank=True, db_column="cust_bank")
    bank_account = models.CharField(
        _("bank account"), max_length=50, blank=True, db_column="cust_bank_account"
    )
    local_tax_no = models.CharField(
        _("local tax no."), max_length=50, blank=True, db_column="cust_local_tax_no"
    )
    national_tax_no = models.CharField(
        _("national tax no."), max_length=50, blank=True, db_column="cust_national_tax_no"
    )
    status = models.CharField(
        _("status"),
        max_length=1,
        choices=Status,
        default=Status.NORMAL,
        db_index=True,
        db_column="cust_status",
    )
    # Issue 18: who the customer is (查重) and where (GB/T 2260 codes), invoicing, tags.
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        db_column="cust_uscc",
    )
    name_key = models.CharField(
        _("normalised name"), max_length=100, blank=True, editable=False, db_column="cust_name_key"
    )
    tel_key = models.CharField(
        _("normalised telephone"),
        max_length=50,
        blank=True,
        editable=False,
        db_column="cust_tel_key",
    )
    province = models.ForeignKey(
        "customers.Division",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_column="cust_province",
        limit_choices_to={"level": 1},
    )
    city = models.ForeignKey(
        "customers.Division",
        verbose_name=_("city"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_column="cust_city",
        limit_choices_to={"level": 2},
    )
    district = models.ForeignKey(
        "customers.Division",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_column="cust_district",
        limit_choices_to={"level": 3},
    )
    invoice_tax_no = models.CharField(
        _("taxpayer number"),
        max_length=20,
        blank=True,
        validators=[validate_taxpayer_number],
        db_column="cust_inv_tax_no",
    )
    invoice_bank = models.CharField(
        _("invoicing bank"), max_length=200, blank=True, db_column="cust_inv_bank"
    )
    invoice_account = models.CharField(
        _("invoicing bank account"), max_length=50, blank=True, db_column="cust_inv_account"
    )
    invoice_address = models.CharField(
        _("registered address"), max_length=300, blank=True, db_column="cust_inv_address"
    )
    invoice_phone = models.CharField(
        _("registered phone"),
        max_length=50,
        blank=True,
        validators=[validate_phone],
        db_column="cust_inv_phone",
    )
    tags = models.ManyToManyField(
        "customers.Tag",
        verbose_name=_("tags"),
        blank=True,
        through="customers.CustomerTag",
        related_name="customers",
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        db_table = "cst_customer"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("view_all_customer", _("Can see every customer")),
            ("transfer_customer", _("Can transfer the customers within his data scope")),
            ("transfer_all_customer", _("Can transfer every customer")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["1", "2", "3"]), name="cst_customer_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="cst_customer_level_1_5"
            ),
            # One customer per USCC (the 查重 rule, race-proof): 18 characters of GB 32100.
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~Q(uscc=""),
                name="cst_customer_uscc_unique",
                violation_error_message=_("Another customer has this unified social credit code."),
            ),
            models.CheckConstraint(
                condition=Q(uscc="") | Q(uscc__regex=r"^[0-9A-HJ-NP-RT-UW-Y]{18}$"),
                name="cst_customer_uscc_format",
            ),
            # A taxpayer number (纳税人识别号) is 15, 18 or 20 digits and capital letters.
            models.CheckConstraint(
                condition=Q(invoice_tax_no="")
                | Q(invoice_tax_no__regex=r"^([0-9A-Z]{15}|[0-9A-Z]{18}|[0-9A-Z]{20})$"),
                name="cst_customer_inv_tax_no_format",
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "status"], name="cst_customer_mgr_idx"),
            # An account manager's scope is "the ids of my customers": read from this index
            # alone (an index-only scan), not from ~5,000 table pages at a million customers.
            models.Index(fields=["manager", "id"], name="cst_customer_mgr_pk_idx"),
            # 查重: the same normalised name or phone is one indexed lookup each.
            models.Index(
                fields=["name_key"], condition=~Q(name_key=""), name="cst_customer_name_key_idx"
            ),
            models.Index(
                fields=["tel_key"], condition=~Q(tel_key=""), name="cst_customer_tel_key_idx"
            ),
            models.Index(fields=["province", "city"], name="cst_customer_region_code_idx"),
            models.Index(fields=["city"], name="cst_customer_city_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("customers:customer-detail", args=[self.pk])

    def validate_constraints(self, exclude=None):
        """The USCC's uniqueness is the duplicate check's (查重, which names the customer it
        repeats: apps.customers.services); the formats are the field validators' (a clear
        message). The database constraints still guard them."""
        super().validate_constraints(exclude={*(exclude or ()), "uscc", "invoice_tax_no"})

    def save(self, *args, **kwargs):
        self.uscc = normalise_uscc(self.uscc)
        self.name_key = normalise_name(self.name)[:100]
        self.tel_key = normalise_phone(self.tel)[:50]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "tel"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key", "tel_key"}
        super().save(*args, **kwargs)

    @property
    def division_path(self) -> str:
        """省 / 市 / 区 as names (select_related the three), else the free-text region."""
        names = [d.name for d in (self.province, self.city, self.district) if d is not None]
        return " / ".join(names)


class CustomerOwnership(models.Model):
    """
    归属记录: one change of a customer's account manager by a transfer (issue 16). Written once,
    never changed: who owned the customer from when, who moved it and why.
    """

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="ownerships",
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("previous account manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("new account manager"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("transferred by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("transferred at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        db_table = "cst_customer_owner"
        ordering = ["-at", "-pk"]
        verbose_name = _("ownership record")
        verbose_name_plural = _("ownership records")
        constraints = [
            models.CheckConstraint(
                condition=Q(from_user__isnull=True) | ~Q(from_user=F("to_user")),
                name="cst_customer_owner_changes",
            ),
        ]
        indexes = [models.Index(fields=["customer", "-at"], name="cst_customer_owner_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_user_id} → {self.to_user_id}"


class Linkman(TimeStampedModel):
    class Sex(models.TextChoices):
        MALE = "男", _("Male")
        FEMALE = "女", _("Female")

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="linkmen",
        db_column="lkm_cust_id",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, db_column="lkm_name")
    sex = models.CharField(
        _("sex"), max_length=5, choices=Sex, default=Sex.MALE, db_column="lkm_sex"
    )
    position = models.CharField(_("position"), max_length=50, blank=True, db_column="lkm_postion")
    tel = models.CharField(
        _("office phone"), max_length=50, validators=[validate_phone], db_column="lkm_tel"
    )
    mobile = models.CharField(
        _("mobile"), max_length=50, blank=True, validators=[validate_phone], db_column="lkm_mobile"
    )
    memo = models.CharField(_("memo"), max_length=300, blank=True, db_column="lkm_memo")

    class Meta:
        db_table = "cst_linkman"
        ordering = ["pk"]
        verbose_name = _("linkman")
        verbose_name_plural = _("linkmen")

    def __str__(self) -> str:
        return self.name


class Activity(TimeStampedModel):
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="activities",
        db_column="atv_cust_id",
    )
    date = models.DateTimeField(_("time"), db_column="atv_date")
    place = models.CharField(_("place"), max_length=200, db_column="atv_place")
    title = models.CharField(_("summary"), max_length=500, db_column="atv_title")
    description = models.CharField(_("details"), max_length=2000, blank=True, db_column="atv_desc")
    remark = models.CharField(_("remark"), max_length=200, blank=True, db_column="atv_remark")

    class Meta:
        db_table = "cst_activity"
        ordering = ["-date", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["customer", "-date"], name="cst_activity_cust_date_idx")]

    def __str__(self) -> str:
        return self.title


class OrderQuerySet(models.QuerySet):
    def with_totals(self):
        """Each order's total, Σ count × unit price of its lines, computed in SQL."""
        return self.annotate(total=Sum(F("lines__count") * F("lines__price")))


class Order(TimeStampedModel):
    """An order of the sales system (read-only in the CRM); the id is the sales system's number."""

    class Status(models.TextChoices):
        UNPAID = "5", _("Not yet paid")
        PAID = "6", _("Paid")

    id = models.BigAutoField(_("order number"), primary_key=True, db_column="odr_id")
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_column="odr_cust_id",
    )
    date = models.DateTimeField(_("date"), db_column="odr_date")
    address = models.CharField(_("delivery address"), max_length=200, db_column="odr_addr")
    status = models.CharField(
        _("status"), max_length=1, choices=Status, default=Status.UNPAID, db_column="odr_status"
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        db_table = "orders"
        ordering = ["-date", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["5", "6"]), name="orders_status_valid"),
        ]
        indexes = [models.Index(fields=["customer", "-date"], name="orders_cust_date_idx")]

    def __str__(self) -> str:
        return str(self.pk)


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_column="odd_order_id",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="+",
        db_column="odd_prod_id",
    )
    count = models.PositiveIntegerField(_("count"), default=0, db_column="odd_count")
    unit = models.CharField(_("unit"), max_length=10, blank=True, db_column="odd_unit")
    price = models.DecimalField(
        _("unit price (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        db_column="odd_price",
        validators=[MinValueValidator(0)],
    )

    class Meta:
        db_table = "orders_line"
        ordering = ["pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="orders_line_price_non_neg"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.pk}"

    @property
    def amount(self):
        return self.count * self.price


class CustomerNumberSequence(models.Model):
    """The last customer number issued per day (SPEC §7: "KH" + yyyyMMdd + daily sequence)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField()

    class Meta:
        db_table = "cst_customer_number_seq"

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"
