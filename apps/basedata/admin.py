"""The data dictionary is edited here by the system admin (SPEC §3.5); products and stock
belong to the sales system and are read-only."""

from django.contrib import admin

from apps.basedata.models import DictItem, Product, Storage
from apps.rbac.admin import ReadOnlyAdmin


@admin.register(DictItem)
class DictItemAdmin(admin.ModelAdmin):
    list_display = ["pk", "type", "item", "item_en", "value", "is_editable", "sort_order"]
    list_filter = ["type", "is_editable"]
    search_fields = ["type", "item", "item_en", "value"]
    fields = ["type", "item", "item_en", "value", "sort_order"]

    # Locked items are system codes (levels, star scales, states): shown, never changed.
    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["pk", "name", "model", "batch", "unit", "price", "memo"]
    search_fields = ["name", "model", "batch"]


@admin.register(Storage)
class StorageAdmin(ReadOnlyAdmin):
    list_display = ["pk", "product", "warehouse", "ware", "count", "memo"]
    list_select_related = ["product"]
    search_fields = ["product__name", "warehouse"]
