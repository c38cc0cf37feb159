"""
The only module that decides permissions (STYLE §2.6). One Policy instance per model.

Decision order, written once:
1. An inactive or anonymous user gets nothing; a superuser gets everything.
2. The role right `<app>.<action>_all_<model>` allows the action on every row.
3. The role right `<app>.<action>_<model>` allows the feature; on rows it allows the ones the
   user owns (the policy's owner field) -- or every row for models without an owner.
4. A guardian grant of `<app>.<action>_<model>` on one row allows that row (explicit sharing).

Views scope their querysets with `scope()`, so a row the user may not see is a 404; services
call `require()` on the locked row, which is the authoritative check.
"""

from functools import cached_property

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm


class Policy:
    """
    Permission decisions for one model. `owner_field` names the user field (a path such as
    "customer__manager" is fine) that makes a row the user's own; a dict gives one per action,
    and actions missing from it have no row rule.
    """

    def __init__(self, model_label: str, *, owner_field: str | dict[str, str] | None = None):
        self.model_label = model_label
        self._owner_field = owner_field

    @cached_property
    def model(self) -> type[Model]:
        # Resolved lazily so that this module never imports the apps it rules over.
        return apps.get_model(self.model_label)

    def owner_field(self, action: str) -> str | None:
        if isinstance(self._owner_field, dict):
            return self._owner_field.get(action)
        return self._owner_field

    def permission(self, action: str) -> str:
        meta = self.model._meta
        return f"{meta.app_label}.{action}_{meta.model_name}"

    def permission_all(self, action: str) -> str:
        meta = self.model._meta
        return f"{meta.app_label}.{action}_all_{meta.model_name}"

    def can(self, user, action: str, obj: Model | None = None) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser or user.has_perm(self.permission_all(action)):
            return True
        by_role = user.has_perm(self.permission(action))
        if obj is None:
            return by_role
        if by_role and self.owns(user, action, obj):
            return True
        return ObjectPermissionChecker(user).has_perm(f"{action}_{obj._meta.model_name}", obj)

    def require(self, user, action: str, obj: Model | None = None) -> None:
        if not self.can(user, action, obj):
            raise PermissionDenied

    def allowed(self, user, actions, obj: Model | None = None) -> dict[str, bool]:
        """What templates need to know, computed once in the view: {action: bool}."""
        return {action: self.can(user, action, obj) for action in actions}

    def owns(self, user, action: str, obj: Model) -> bool:
        owner_field = self.owner_field(action)
        if owner_field is None:
            return True
        *path, last = owner_field.split("__")
        for part in path:
            obj = getattr(obj, part)
        return getattr(obj, f"{last}_id") == user.pk

    def allowed_ids(self, user, action: str, qs: QuerySet) -> set:
        """The pks of `qs` (e.g. one page of a list) on which `action` is allowed: one query."""
        return set(self.scope(user, action, qs).values_list("pk", flat=True))

    def grant(self, user, action: str, obj: Model) -> None:
        """Share one row explicitly; call from a service, in the transaction that decides it."""
        assign_perm(self.permission(action), user, obj)

    def revoke(self, user, action: str, obj: Model) -> None:
        remove_perm(self.permission(action), user, obj)

    def scope(self, user, action: str, qs: QuerySet | None = None) -> QuerySet:
        """The rows of `qs` on which `user` may perform `action`."""
        qs = self.model._default_manager.all() if qs is None else qs
        if user is None or not user.is_authenticated or not user.is_active:
            return qs.none()
        if user.is_superuser or user.has_perm(self.permission_all(action)):
            return qs
        by_role = user.has_perm(self.permission(action))
        owner_field = self.owner_field(action)
        if by_role and owner_field is None:
            return qs
        granted = get_objects_for_user(
            user,
            self.permission(action),
            klass=self.model._default_manager.all(),
            accept_global_perms=False,
            with_superuser=False,
        ).values("pk")
        own = Q(**{owner_field: user}) if by_role else Q(pk__in=[])
        return qs.filter(own | Q(pk__in=granted))


# rbac
user_policy = Policy("rbac.User")
role_policy = Policy("rbac.Role")
audit_policy = Policy("rbac.AuditEvent")

# basedata: no row rules
dict_item_policy = Policy("basedata.DictItem")
product_policy = Policy("basedata.Product")
storage_policy = Policy("basedata.Storage")

# customers: an account manager acts on the customers he manages (SPEC §4); linkmen,
# activities and orders are visible with their customer, written by his manager
customer_policy = Policy("customers.Customer", owner_field="manager")
linkman_policy = Policy("customers.Linkman", owner_field="customer__manager")
activity_policy = Policy("customers.Activity", owner_field="customer__manager")
churn_policy = Policy("customers.Churn", owner_field="customer__manager")
churn_scan_policy = Policy("customers.ChurnScanRun")

# marketing: the creator edits and deletes his chance, the assignee develops it (SPEC §3.1)
sales_chance_policy = Policy(
    "marketing.SalesChance",
    owner_field={"change": "created_by", "delete": "created_by", "develop": "assignee"},
)
sales_plan_policy = Policy("marketing.SalesPlan", owner_field="chance__assignee")

# service: the assignee handles his tickets (SPEC §3.4)
service_ticket_policy = Policy(
    "service.ServiceTicket",
    owner_field={"handle": "assignee", "feedback": "created_by"},
)

# reports: company-wide, no row rule
report_policy = Policy("reports.Report")
dashboard_policy = Policy("reports.Dashboard")  # reports.view_dashboard

# imports: a batch belongs to whoever uploaded it; each row obeys its model's policy, action
# "import" (e.g. customers.import_linkman: the linkmen of one's own customers)
import_batch_policy = Policy("imports.ImportBatch", owner_field="created_by")
order_policy = Policy("customers.Order", owner_field="customer__manager")
