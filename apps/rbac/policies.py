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
from django.db import connections
from django.db.models import F, Lookup, Model, Q, QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, remove_perm


class _EqualsAny(Lookup):
    """`lhs = ANY(rhs)` (PostgreSQL): rhs an array, such as ARRAY(SELECT …)."""

    lookup_name = "crm_equals_any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


class Policy:
    """
    Permission decisions for one model. `owner_field` names the user field (a path such as
    "customer__manager" is fine) that makes a row the user's own, or a tuple of them (any one
    makes the row his); a dict gives one per action, and actions missing from it have no row
    rule.
    """

    def __init__(
        self,
        model_label: str,
        *,
        owner_field: str | tuple[str, ...] | dict[str, str | tuple[str, ...]] | None = None,
    ):
        self.model_label = model_label
        self._owner_field = owner_field

    @cached_property
    def model(self) -> type[Model]:
        # Resolved lazily so that this module never imports the apps it rules over.
        return apps.get_model(self.model_label)

    def owner_fields(self, action: str) -> tuple[str, ...]:
        """The paths to a user any one of which makes a row his own; () when no row rule."""
        rule = self._owner_field
        if isinstance(rule, dict):
            rule = rule.get(action)
        if rule is None:
            return ()
        return (rule,) if isinstance(rule, str) else tuple(rule)

    def has_row_rule(self, action: str) -> bool:
        return bool(self.owner_fields(action))

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
        fields = self.owner_fields(action)
        return not fields or any(_owner_id(obj, path) == user.pk for path in fields)

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
        fields = self.owner_fields(action)
        if by_role and not fields:
            return qs
        rows = self.shared_rows(user, action, qs)
        if by_role:
            for owner_field in fields:
                rows |= self.own_rows(user, owner_field, qs)
        return qs.filter(rows)

    def own_rows(self, user, owner_field: str, qs: QuerySet) -> Q:
        """
        The user's own rows. An owner reached through a foreign key ("customer__manager") is,
        on PostgreSQL, `customer_id = ANY(ARRAY(SELECT id FROM customers WHERE manager = …))`:
        the foreign key's index finds them, where a join would read both tables whole.
        """
        first, _, rest = owner_field.partition("__")
        if not rest or connections[qs.db].vendor != "postgresql":
            return Q(**{owner_field: user})
        from django.contrib.postgres.expressions import ArraySubquery

        related = self.model._meta.get_field(first).related_model
        owned = related._base_manager.filter(**{rest: user}).order_by().values("pk")
        return Q(_EqualsAny(F(first), ArraySubquery(owned)))

    def shared_rows(self, user, action: str, qs: QuerySet) -> Q:
        """
        The rows shared with `user` (or his groups) for `action`. On PostgreSQL as
        `pk = ANY(ARRAY(SELECT …))`: with the owner condition PostgreSQL then reads the rows
        through the indexes (a BitmapOr) instead of testing a subquery on every row of a
        million-row table.
        """
        granted = self.granted_pks(user, action)
        if connections[qs.db].vendor != "postgresql":
            return Q(pk__in=granted)
        from django.contrib.postgres.expressions import ArraySubquery

        return Q(_EqualsAny(F("pk"), ArraySubquery(granted)))

    def granted_pks(self, user, action: str) -> QuerySet:
        """The pks of the rows shared with `user` (or his groups) for `action`: a subquery."""
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import BigIntegerField
        from django.db.models.functions import Cast
        from guardian.models import GroupObjectPermission, UserObjectPermission

        rule = {
            "permission__content_type": ContentType.objects.get_for_model(self.model),
            "permission__codename": f"{action}_{self.model._meta.model_name}",
        }
        as_pk = Cast("object_pk", BigIntegerField())
        by_user = UserObjectPermission.objects.filter(user=user, **rule)
        by_group = GroupObjectPermission.objects.filter(group__user=user, **rule)
        return (
            by_user.annotate(obj=as_pk)
            .values("obj")
            .union(by_group.annotate(obj=as_pk).values("obj"), all=True)
            .order_by()
        )


def _owner_id(obj: Model, path: str):
    """The id of the user at `path` ("customer__manager") from `obj`, without loading him."""
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")


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

# service: the assignee handles his tickets (SPEC §3.4); an account manager sees the tickets he
# created, those assigned to him and those of his customers (查看所有服务 sees every one)
service_ticket_policy = Policy(
    "service.ServiceTicket",
    owner_field={
        "view": ("created_by", "assignee", "customer__manager"),
        "handle": "assignee",
        "feedback": "created_by",
    },
)

# reports: company-wide, no row rule
report_policy = Policy("reports.Report")
dashboard_policy = Policy("reports.Dashboard")  # reports.view_dashboard

# imports: a batch belongs to whoever uploaded it; each row obeys its model's policy, action
# "import" (e.g. customers.import_linkman: the linkmen of one's own customers)
import_batch_policy = Policy("imports.ImportBatch", owner_field="created_by")
order_policy = Policy("customers.Order", owner_field="customer__manager")
