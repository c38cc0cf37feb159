"""List filters of the user administration and the audit page (run on scoped querysets)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.rbac.models import AuditEvent, Department, Role, User
from crm.forms import BootstrapFilterSet


class ActiveStateFilterSet(BootstrapFilterSet):
    """Active or disabled rows (users, departments)."""

    is_active = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("1", _("Active")), ("0", _("Disabled"))],
        method="filter_active",
        empty_label=_("All"),
    )

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")


class UserFilter(ActiveStateFilterSet):
    username = django_filters.CharFilter(label=_("Username"), method="filter_name")
    role = django_filters.ModelChoiceFilter(label=_("Role"), queryset=Role.objects.all())

    class Meta:
        model = User
        fields = ["username", "role", "is_active"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))


class DepartmentFilter(ActiveStateFilterSet):
    name = django_filters.CharFilter(label=_("Department"), method="filter_name")

    class Meta:
        model = Department
        fields = ["name", "is_active"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value))


class AuditEventFilter(BootstrapFilterSet):
    record = django_filters.CharFilter(label=_("Record"), method="filter_record")
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="icontains")
    actor = django_filters.CharFilter(label=_("Actor"), method="filter_actor")
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="created_at", lookup_expr="date__gte"
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="created_at", lookup_expr="date__lte"
    )

    class Meta:
        model = AuditEvent
        fields = ["record", "action", "actor", "date_from", "date_to"]

    def filter_record(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value) | Q(object_id=value))

    def filter_actor(self, queryset, name, value):
        return queryset.filter(
            Q(actor__username__icontains=value) | Q(actor__full_name__icontains=value)
        )
