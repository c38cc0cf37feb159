"""
The only module that decides permissions (STYLE §2.6). One Policy instance per model.

Decision order, written once (`_decide`, which both `can()` and `explain()` run):
1. An inactive or anonymous user gets nothing; a superuser gets everything.
2. The role right `<app>.<action>_all_<model>` allows the action on every row.
3. The role right `<app>.<action>_<model>` allows the feature; on rows it allows the ones the
   user owns (the policy's owner field) -- or every row for models without an owner.
4. A share (协作, apps.rbac.models.RecordShare) of the row, or of the record it hangs from,
   allows the row: a read share the reading actions, a write share also the policy's
   `share_writes`. A share counts while its date has not passed (the same condition in SQL
   and here), so an expired share stops working by itself. A share widens rows, not features:
   the role still needs the right of step 3.

"Rows the user owns" reach as far as his role's data scope in the policy's module (issue 16):
his own, his and his subordinates' (by supervisor, transitively), his department's, his
department's and those below it, or all. Personal duties (the assignee handles his service,
develops his chance) stay his own whatever the scope.

Views scope their querysets with `scope()`, so a row the user may not see is a 404; services
call `require()` on the locked row, which is the authoritative check. `explain()` says the
same decision in sentences (the admin's "why" page and the 403/404 pages).
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import F, Lookup, Model, Q, QuerySet

from crm.memo import Memo

READ_ACTIONS = ("view",)  # what any share allows
ARRAY_OWNERS = 4  # own_rows: up to this many owners, their rows' ids as an array

# The owners a user's data scope reaches, per access version (data_scope_owner_ids).
_owners_memo = Memo("rbac.scope_owners", size=4096)


class _EqualsAny(Lookup):
    """`lhs = ANY(rhs)` (PostgreSQL): rhs an array, such as ARRAY(SELECT …)."""

    lookup_name = "crm_equals_any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


@dataclass
class Explanation:
    """A decision and its reasons, as sentences in the active language."""

    allowed: bool
    reasons: list[str] = field(default_factory=list)


class Policy:
    """
    Permission decisions for one model. `owner_field` names the user field (a path such as
    "customer__manager" is fine) that makes a row the user's own, or a tuple of them (any one
    makes the row his); a dict gives one per action, and actions missing from it have no row
    rule. `module` names the data scope that widens "own"; `personal` lists the actions it
    never widens. `shareable`: its rows can be shared (协作); `share_via` instead names the
    foreign key of the shared record a row hangs from (a linkman follows its customer);
    `share_writes` lists the actions a write share allows besides reading (never delete).
    """

    def __init__(
        self,
        model_label: str,
        *,
        owner_field: str | tuple[str, ...] | dict[str, str | tuple[str, ...]] | None = None,
        module: str | None = None,
        personal: tuple[str, ...] = (),
        shareable: bool = False,
        share_via: str | None = None,
        share_writes: tuple[str, ...] = (),
    ):
        self.model_label = model_label
        self._owner_field = owner_field
        self.module = module
        self.personal = personal
        self.shareable = shareable
        self.share_via = share_via
        self.share_writes = share_writes

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
        return self._decide(user, action, obj, None)

    def explain(self, user, action: str, obj: Model | None = None) -> Explanation:
        """The decision of `can()` with its reasons: the same code path, told as it runs."""
        from apps.rbac import why

        told = why.Teller(self, user, action, obj)
        allowed = self._decide(user, action, obj, told)
        if obj is None and allowed:
            told.list_scope()
        told.finish(allowed)
        return Explanation(allowed, told.sentences)

    def _decide(self, user, action: str, obj, told) -> bool:
        """The one decision; `told` (an apps.rbac.why.Teller, or None) hears each step."""
        if user is None or not user.is_authenticated or not user.is_active:
            told and told.inactive()
            return False
        if user.is_superuser:
            told and told.superuser()
            return True
        if user.has_perm(self.permission_all(action)):
            told and told.all_right()
            return True
        by_role = user.has_perm(self.permission(action))
        told and told.feature_right(by_role)
        if obj is None or not by_role:
            return by_role
        fields = self.owner_fields(action)
        if not fields:
            told and told.no_row_rule()
            return True
        owners = self.owner_ids(user, action)
        told and told.scope(owners)
        if owners is None:
            return True
        owned = [path for path in fields if _owner_id(obj, path) in owners]
        told and told.owners(fields, owned)
        if owned:
            return True
        shared = self.shared(user, action, obj)
        told and told.share(shared)
        return shared

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
        decided = self.allowed_rows(user, action, rows)
        return decided if isinstance(decided, set) else set(decided.values_list("pk", flat=True))

    def allowed_rows(self, user, action: str, pks) -> set | QuerySet:
        """allowed_ids of a page's pks: the set when no query is needed, else the scoped
        QuerySet of the page to read (crm.lists reads those of every action in one query)."""
        pks = list(pks)
        page = self.model._default_manager.filter(pk__in=pks)
        scoped = self.scope(user, action, page) if pks else page.none()
        if scoped is page:
            return set(pks)
        if scoped.query.is_empty():
            return set()
        return scoped

    def scope(self, user, action: str, qs: QuerySet | None = None) -> QuerySet:
        """The rows of `qs` on which `user` may perform `action`."""
        qs = self.model._default_manager.all() if qs is None else qs
        if user is None or not user.is_authenticated or not user.is_active:
            return qs.none()
        if user.is_superuser or user.has_perm(self.permission_all(action)):
            return qs
        if not user.has_perm(self.permission(action)):
            return qs.none()
        fields = self.owner_fields(action)
        if not fields:
            return qs
        owners = self.owner_ids(user, action)
        if owners is None:
            return qs
        rows = Q()
        for owner_field in fields:
            rows |= self.own_rows(owners, owner_field, qs)
        shared = self.shared_rows(user, action, qs)
        return qs.filter(rows | shared if shared is not None else rows)

    def own_rows(self, owners: list[int], owner_field: str, qs: QuerySet) -> Q:
        """
        The rows whose owner is one of `owners`. An owner reached through a foreign key
        ("customer__manager") is, on PostgreSQL, `customer_id = ANY(ARRAY(SELECT id FROM
        customers WHERE manager IN (…)))`: the foreign key's index finds them, where a join
        would read both tables whole. That holds for a few owners; a department's owners have
        hundreds of thousands of rows, whose ids the array would gather first (0.4 s for a
        department head's churn badge at 1M customers): past ARRAY_OWNERS owners a join lets
        PostgreSQL choose (82 ms there), as it does for a direct owner field.
        """
        first, _, rest = owner_field.partition("__")
        if not rest or connections[qs.db].vendor != "postgresql" or len(owners) > ARRAY_OWNERS:
            return Q(**{f"{owner_field}__in": owners})
        from django.contrib.postgres.expressions import ArraySubquery

        related = self.model._meta.get_field(first).related_model
        owned = related._base_manager.filter(**{f"{rest}__in": owners}).order_by().values("pk")
        return Q(_EqualsAny(F(first), ArraySubquery(owned)))

    # -- sharing (协作) --------------------------------------------------------------------

    @cached_property
    def shared_model(self) -> type[Model] | None:
        """The model whose shares count for this one's rows (itself, or via `share_via`)."""
        if self.shareable:
            return self.model
        if self.share_via:
            return self.model._meta.get_field(self.share_via).related_model
        return None

    def share_accesses(self, action: str) -> tuple[str, ...]:
        """The kinds of share that allow `action`: any for reading, write for share_writes."""
        if self.shared_model is None:
            return ()
        if action in READ_ACTIONS:
            return ("read", "write")
        return ("write",) if action in self.share_writes else ()

    def share_kinds(self) -> tuple[str, ...]:
        """The kinds of share that mean something here: write only where a write share allows
        more than reading (a ticket is handled by its assignee, whatever its shares)."""
        return ("read", "write") if self.share_writes else ("read",)

    def share_target_id(self, obj: Model):
        """The pk of the record whose share counts for `obj`."""
        if self.shareable:
            return obj.pk
        return getattr(obj, self.model._meta.get_field(self.share_via).attname)

    def shares(self, user):
        """The active shares with `user` of the records this policy's rows follow."""
        from django.contrib.contenttypes.models import ContentType

        from apps.rbac.models import RecordShare

        content_type = ContentType.objects.get_for_model(self.shared_model)
        return RecordShare.objects.active().filter(user=user, content_type=content_type)

    def share_of(self, user, obj: Model, *, any_state: bool = False):
        """The share of `obj` (or of its parent record) with `user`, active only by default."""
        if self.shared_model is None:
            return None
        from django.contrib.contenttypes.models import ContentType

        from apps.rbac.models import RecordShare

        shares = RecordShare.objects if any_state else RecordShare.objects.active()
        return (
            shares.filter(
                user=user,
                content_type=ContentType.objects.get_for_model(self.shared_model),
                object_id=self.share_target_id(obj),
            )
            .select_related("created_by")
            .first()
        )

    def can_share(self, user, obj: Model) -> bool:
        """
        Who may share `obj` or stop sharing it: the owner, as far as his data scope reaches
        (the owner rule of "change", else of "view"), or a user whose role covers every row.
        A share never passes on: a colleague it was shared with may not share it further.
        """
        if not self.shareable or user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser or any(
            user.has_perm(self.permission_all(action)) for action in ("view", "change")
        ):
            return True
        action = "change" if self.owner_fields("change") else "view"
        return (
            user.has_perm(self.permission("view"))
            and self.has_row_rule(action)
            and self.owns(user, action, obj)
        )

    def owner_ids_of(self, obj: Model) -> set[int]:
        """The users who own `obj` by the owner rule of "view" and "change"."""
        paths = {*self.owner_fields("view"), *self.owner_fields("change")}
        return {pk for pk in (_owner_id(obj, path) for path in paths) if pk is not None}

    def shared(self, user, action: str, obj: Model) -> bool:
        """Whether an active share allows `action` on `obj` (the same rule as shared_rows)."""
        accesses = self.share_accesses(action)
        if not accesses:
            return False
        share = self.share_of(user, obj)
        return share is not None and share.access in accesses

    def shared_rows(self, user, action: str, qs: QuerySet) -> Q | None:
        """
        The rows shared with `user` for `action` (None when no share can allow it). On
        PostgreSQL as `pk = ANY(ARRAY(SELECT …))`: with the owner condition PostgreSQL then
        reads the rows through the indexes (a BitmapOr) instead of testing a subquery on every
        row of a million-row table.
        """
        accesses = self.share_accesses(action)
        if not accesses:
            return None
        column = "pk" if self.shareable else self.share_via
        granted = self.shares(user).filter(access__in=accesses).order_by().values("object_id")
        if connections[qs.db].vendor != "postgresql":
            return Q(**{f"{column}__in": granted})
        from django.contrib.postgres.expressions import ArraySubquery

        return Q(_EqualsAny(F(column), ArraySubquery(granted)))


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
        cache[module] = _scope_owners(user, data_scope_of(user, module))
    return cache[module]


def _scope_owners(user, scope: str) -> list[int] | None:
    """_scope_owner_ids, kept per access version (it moves with any change of a user's
    department, supervisor or role, of a department or of a data scope: crm.memo)."""
    from apps.rbac.backends import access_version

    if scope in ("all", "own"):
        return _scope_owner_ids(user, scope)
    key = (user.pk, user.department_id, scope)
    return _owners_memo.get(
        key, lambda: _scope_owner_ids(user, scope), version=access_version(user)
    )


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
# activities and orders are visible with their customer, written by his manager; a customer
# shared with a colleague is shared with everything hanging from it
customer_policy = Policy(
    "customers.Customer",
    owner_field="manager",
    module="customers",
    shareable=True,
    share_writes=("change",),
)
linkman_policy = Policy(
    "customers.Linkman",
    owner_field="customer__manager",
    module="customers",
    share_via="customer",
    share_writes=("change",),
)
activity_policy = Policy(
    "customers.Activity",
    owner_field="customer__manager",
    module="customers",
    share_via="customer",
    share_writes=("change",),
)
churn_policy = Policy(
    "customers.Churn", owner_field="customer__manager", module="customers", share_via="customer"
)
churn_scan_policy = Policy("customers.ChurnScanRun")
tag_policy = Policy("customers.Tag")  # the admin keeps the tags; tagging is "change customer"

# marketing: the creator edits and deletes his chance, the assignee develops it (SPEC §3.1)
sales_chance_policy = Policy(
    "marketing.SalesChance",
    owner_field={"change": "created_by", "delete": "created_by", "develop": "assignee"},
    module="marketing",
    personal=("develop",),
    shareable=True,
    share_writes=("change",),
)
sales_plan_policy = Policy(
    "marketing.SalesPlan",
    owner_field="chance__assignee",
    module="marketing",
    share_via="chance",
    share_writes=("change",),
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
    shareable=True,
)

# reports: company-wide, no row rule
report_policy = Policy("reports.Report")
dashboard_policy = Policy("reports.Dashboard")  # reports.view_dashboard

# imports: a batch belongs to whoever uploaded it; each row obeys its model's policy, action
# "import" (e.g. customers.import_linkman: the linkmen of one's own customers)
import_batch_policy = Policy("imports.ImportBatch", owner_field="created_by")
order_policy = Policy(
    "customers.Order", owner_field="customer__manager", module="customers", share_via="customer"
)

# 协作: the records an owner may share, by the short name the pages and URLs use
SHAREABLE: dict[str, Policy] = {
    "customer": customer_policy,
    "chance": sales_chance_policy,
    "ticket": service_ticket_policy,
}


def sharing_policy(obj: Model) -> Policy | None:
    """The policy of a shareable record, None for any other."""
    return next((p for p in SHAREABLE.values() if isinstance(obj, p.model)), None)
