"""
The only module that decides permissions (STYLE §2.6). One Policy instance per model.

Decision order, written once:
1. An inactive or anonymous user gets nothing; a superuser gets everything.
2. The role right `<app>.<action>_all_<model>` allows the action on every row.
3. The role right `<app>.<action>_<model>` allows the feature; on rows it allows the ones the
   user owns (the policy's owner field) -- or every row for models without an owner.
4. A guardian grant of `<app>.<action>_<model>` on one row allows that row (explicit sharing).

"Rows the user owns" reach as far as his role's data scope in the policy's module (issue 16):
his own, his and his subordinates' (by supervisor, transitively), his department's, his
department's and those below it, or all. Personal duties (the assignee handles his service,
develops his chance) stay his own whatever the scope.

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
    rule. `module` names the data scope that widens "own"; `personal` lists the actions it
    never widens.
    """

    def __init__(
        self,
        model_label: str,
        *,
        owner_field: str | tuple[str, ...] | dict[str, str | tuple[str, ...]] | None = None,
        module: str | None = None,
        personal: tuple[str, ...] = (),
    ):
        self.model_label = model_label
        self._owner_field = owner_field
        self.module = module
        self.personal = personal

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
        owners = self.owner_ids(user, action)
        if not fields or owners is None:
            return True
        return any(_owner_id(obj, path) in owners for path in fields)

    def owner_ids(self, user, action: str) -> list[int] | None:
        """The users whose rows count as `user`'s own for `action`; None for every row."""
        if self.module is None or action in self.personal:
            return [user.pk]
        return data_scope_owner_ids(user, self.module)

    def allowed_ids(self, user, action: str, rows: QuerySet | list) -> set:
        """
        The pks of `rows` (a QuerySet, or the pks of one page of a list) on which `action` is
        allowed: one query at most, none for a list of pks when the user's role decides for
        every row (or for none).
        """
        if isinstance(rows, QuerySet):
            return set(self.scope(user, action, rows).values_list("pk", flat=True))
        pks = list(rows)
        page = self.model._default_manager.filter(pk__in=pks)
        scoped = self.scope(user, action, page) if pks else page.none()
        if scoped is page:
            return set(pks)
        if scoped.query.is_empty():
            return set()
        return set(scoped.values_list("pk", flat=True))

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
            owners = self.owner_ids(user, action)
            if owners is None:
                return qs
            for owner_field in fields:
                rows |= self.own_rows(owners, owner_field, qs)
        return qs.filter(rows)

    def own_rows(self, owners: list[int], owner_field: str, qs: QuerySet) -> Q:
        """
        The rows whose owner is one of `owners`. An owner reached through a foreign key
        ("customer__manager") is, on PostgreSQL, `customer_id = ANY(ARRAY(SELECT id FROM
        customers WHERE manager IN (…)))`: the foreign key's index finds them, where a join
        would read both tables whole.
        """
        first, _, rest = owner_field.partition("__")
        if not rest or connections[qs.db].vendor != "postgresql":
            return Q(**{f"{owner_field}__in": owners})
        from django.contrib.postgres.expressions import ArraySubquery

        related = self.model._meta.get_field(first).related_model
        owned = related._base_manager.filter(**{f"{rest}__in": owners}).order_by().values("pk")
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


def data_scope_of(user, module: str) -> str:
    """The user's data scope in `module` ("own" unless his role says otherwise)."""
    from apps.rbac.backends import DATA_SCOPE_PREFIX

    prefix = f"{DATA_SCOPE_PREFIX}{module}."
    granted = [p.removeprefix(prefix) for p in user.get_all_permissions() if p.startswith(prefix)]
    return granted[0] if granted else "own"


def data_scope_owner_ids(user, module: str) -> list[int] | None:
    """
    The ids of the users whose rows `user` reaches in `module` (he is always one of them);
    None when his scope is every row. Computed once per module and request (the user object
    lives one request), so a changed scope or department counts from the next request on.
    """
    cache = user.__dict__.setdefault("_data_scope_owners", {})
    if module not in cache:
        cache[module] = _scope_owner_ids(user, data_scope_of(user, module))
    return cache[module]


def _scope_owner_ids(user, scope: str) -> list[int] | None:
    if scope == "all":
        return None
    if scope == "own" or (scope != "subordinates" and not user.department_id):
        return [user.pk]
    User = apps.get_model("rbac.User")
    if scope == "subordinates":
        return [user.pk, *subordinate_ids(user.pk)]
    if scope == "department":
        members = User.objects.filter(department=user.department_id)
    else:  # department_tree: his department and every one below it, one index range
        below = apps.get_model("rbac.Department").objects.filter(
            path__startswith=user.department.path
        )
        members = User.objects.filter(department__in=below.values("pk"))
    return sorted({user.pk, *members.values_list("pk", flat=True)})


def subordinate_ids(user_id: int) -> list[int]:
    """Every user below `user_id` by supervisor, however deep (one recursive query)."""
    User = apps.get_model("rbac.User")
    with connections[User.objects.db].cursor() as cursor:
        cursor.execute(SUBORDINATES_SQL, [user_id])
        return [row[0] for row in cursor.fetchall()]


# UNION (not UNION ALL) stops at a user seen already, so even a loop in the data ends.
SUBORDINATES_SQL = """
    WITH RECURSIVE below(id) AS (
        SELECT id FROM sys_user WHERE supervisor_id = %s
        UNION
        SELECT u.id FROM sys_user u JOIN below ON u.supervisor_id = below.id
    )
    SELECT id FROM below
"""


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
department_policy = Policy("rbac.Department")

# basedata: no row rules
dict_item_policy = Policy("basedata.DictItem")
product_policy = Policy("basedata.Product")
storage_policy = Policy("basedata.Storage")

# customers: an account manager acts on the customers he manages (SPEC §4); linkmen,
# activities and orders are visible with their customer, written by his manager
customer_policy = Policy("customers.Customer", owner_field="manager", module="customers")
linkman_policy = Policy("customers.Linkman", owner_field="customer__manager", module="customers")
activity_policy = Policy("customers.Activity", owner_field="customer__manager", module="customers")
churn_policy = Policy("customers.Churn", owner_field="customer__manager", module="customers")
churn_scan_policy = Policy("customers.ChurnScanRun")
tag_policy = Policy("customers.Tag")  # the admin keeps the tags; tagging is "change customer"

# marketing: the creator edits and deletes his chance, the assignee develops it (SPEC §3.1)
sales_chance_policy = Policy(
    "marketing.SalesChance",
    owner_field={"change": "created_by", "delete": "created_by", "develop": "assignee"},
    module="marketing",
    personal=("develop",),
)
sales_plan_policy = Policy(
    "marketing.SalesPlan", owner_field="chance__assignee", module="marketing"
)

# service: the assignee handles his tickets (SPEC §3.4); an account manager sees the tickets he
# created, those assigned to him and those of his customers (查看所有服务 sees every one)
service_ticket_policy = Policy(
    "service.ServiceTicket",
    owner_field={
        "view": ("created_by", "assignee", "customer__manager"),
        "handle": "assignee",
        "feedback": "created_by",
    },
    module="service",
    personal=("handle", "feedback"),
)

# reports: company-wide, no row rule
report_policy = Policy("reports.Report")
dashboard_policy = Policy("reports.Dashboard")  # reports.view_dashboard

# imports: a batch belongs to whoever uploaded it; each row obeys its model's policy, action
# "import" (e.g. customers.import_linkman: the linkmen of one's own customers)
import_batch_policy = Policy("imports.ImportBatch", owner_field="created_by")
order_policy = Policy("customers.Order", owner_field="customer__manager", module="customers")
