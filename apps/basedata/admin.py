"""The data dictionary is edited here by the system admin (SPEC §3.5), through the services;
products and stock belong to the sales system and are read-only."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.basedata.models import DictItem, Product, Storage
from apps.basedata.services import dict_item_delete, dict_item_save
from apps.rbac.admin import ReadOnlyAdmin
from crm.exceptions import DomainError


@admin.display(description=gettext_lazy("ID"), ordering="pk")
def row_id(obj) -> int:
    """The first column of the lists, with a translated header ("pk" would read "Pk")."""
    return obj.pk


class DatalistInput(forms.TextInput):
    """A text input that suggests the existing values (the dictionary types)."""

    def __init__(self, options, attrs=None):
        super().__init__(attrs)
        self.options = options

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{name}-options"
        html = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">', ((o,) for o in self.options()))
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)


class DictItemForm(forms.ModelForm):
    class Meta:
        model = DictItem
        fields = ["type", "item", "item_en", "value", "is_editable", "sort_order"]
        widgets = {
            "type": DatalistInput(
                lambda: DictItem.objects.order_by("type").values_list("type", flat=True).distinct()
            )
        }


@admin.register(DictItem)
class DictItemAdmin(admin.ModelAdmin):
    form = DictItemForm
    list_display = [row_id, "type", "item", "item_en", "value", "is_editable", "sort_order"]
    list_filter = ["type", "is_editable"]
    search_fields = ["type", "item", "item_en", "value"]
    actions = ["delete_unused"]

    def get_fields(self, request, obj=None):
        fields = ["type", "item", "item_en", "value", "sort_order"]
        # Locking is decided when an item is created; a locked item stays locked.
        return [*fields, "is_editable"] if obj is None else fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would bypass the rules below
        return actions

    # Locked items are system codes (levels, star scales, states): shown, never changed.
    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        dict_item_save(actor=request.user, item=obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)

    def delete_view(self, request, object_id, extra_context=None):
        """Refuse up front, with the reason, instead of after the confirmation page."""
        if request.method == "POST":
            try:
                dict_item_delete(actor=request.user, item_id=int(object_id))
            except DomainError as error:
                messages.error(request, str(error))
                return HttpResponseRedirect(
                    reverse("admin:basedata_dictitem_change", args=[object_id])
                )
            messages.success(request, _("Deleted."))
            return HttpResponseRedirect(reverse("admin:basedata_dictitem_changelist"))
        return super().delete_view(request, object_id, extra_context)

    @admin.action(
        description=gettext_lazy("Delete the selected items no record uses"), permissions=["delete"]
    )
    def delete_unused(self, request, queryset):
        for item in queryset:
            try:
                dict_item_delete(actor=request.user, item_id=item.pk)
            except DomainError as error:
                messages.error(request, str(error))


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = [row_id, "name", "model", "batch", "unit", "price", "memo"]
    search_fields = ["name", "model", "batch"]


@admin.register(Storage)
class StorageAdmin(ReadOnlyAdmin):
    list_display = [row_id, "product", "warehouse", "ware", "count", "memo"]
    list_select_related = ["product"]
    search_fields = ["product__name", "warehouse"]
