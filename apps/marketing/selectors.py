"""Reads of the marketing app; every list starts from the user's scope (SPEC §3.1, §4)."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from apps.marketing.models import SalesChance, SalesPlan
from apps.rbac.models import User
from apps.rbac.policies import sales_chance_policy, sales_plan_policy
from apps.rbac.roles import ACCOUNT_MANAGER
from apps.rbac.selectors import active_users_with_role

S = SalesChance.Status
# The development-plan list: chances being developed and the archived (won or lost) ones.
PLAN_STATUSES = [S.DEVELOPING, S.WON, S.LOST]


def chance_list(*, user) -> QuerySet[SalesChance]:
    """Unassigned chances (state 1) `user` may see, with their creator."""
    chances = SalesChance.objects.filter(status=S.UNASSIGNED).select_related("created_by")
    return sales_chance_policy.scope(user, "view", chances)


def plan_chance_list(*, user) -> QuerySet[SalesChance]:
    """
    Chances in development or archived (states 2, 3, 4) whose plans `user` may see: every one
    with the right to see all plans (sales manager), otherwise those assigned to him or to the
    users his data scope in marketing reaches (issue 16).
    """
    chances = SalesChance.objects.filter(status__in=PLAN_STATUSES)
    if not sales_plan_policy.can(user, "view"):
        return chances.none()
    if not sales_plan_policy.can(user, "view_all"):
        # The plan policy's row rule (the chance's assignee, as far as the user's data scope in
        # marketing reaches), applied to the chance itself.
        owners = sales_plan_policy.owner_ids(user, "view")
        if owners is not None:
            chances = chances.filter(assignee__in=owners)
    return chances.select_related("created_by", "assignee").annotate(plan_count=_plan_count())


def _plan_count() -> Coalesce:
    """The chance's number of plan items, counted per row shown (not a GROUP BY over every
    chance before the page is cut)."""
    plans = (
        SalesPlan.objects.filter(chance=OuterRef("pk"))
        .order_by()
        .values("chance")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(plans, output_field=IntegerField()), Value(0))


def chance_visible_list(*, user) -> QuerySet[SalesChance]:
    """Every chance `user` may open: unassigned ones from his chance list, others from his
    plan list."""
    unassigned = chance_list(user=user).values("pk")
    developed = plan_chance_list(user=user).values("pk")
    return SalesChance.objects.filter(pk__in=unassigned.union(developed)).select_related(
        "created_by", "assignee"
    )


def chance_get(*, user, pk: int) -> SalesChance:
    """One chance `user` may open; SalesChance.DoesNotExist otherwise (the view's 404)."""
    return chance_visible_list(user=user).get(pk=pk)


def plan_items(*, chance: SalesChance) -> QuerySet[SalesPlan]:
    """The plan items of a chance, in date order."""
    return SalesPlan.objects.filter(chance=chance).order_by("date", "pk")


def plan_item_list(*, user, action: str) -> QuerySet[SalesPlan]:
    """
    Plan items on which `user` may perform `action`: "change" (make plan) is the plan policy's
    decision, "develop" (record results) the chance policy's, i.e. the chance's assignee.
    """
    items = SalesPlan.objects.select_related("chance")
    if action == "develop":
        return items.filter(chance__in=sales_chance_policy.scope(user, action).values("pk"))
    return sales_plan_policy.scope(user, action, items)


def chance_to_execute_list(*, user) -> QuerySet[SalesChance]:
    """The development plans `user` may execute, win or terminate: his assigned chances."""
    return sales_chance_policy.scope(user, "develop", plan_chance_list(user=user))


def account_manager_choices() -> QuerySet[User]:
    """Users a chance may be assigned to: active users whose active role is account manager."""
    return active_users_with_role(ACCOUNT_MANAGER)


def chance_actions(*, user, chance: SalesChance) -> dict[str, bool]:
    """What `user` may do with one chance in its current state (the buttons of its page)."""
    unassigned, developing = chance.status == S.UNASSIGNED, chance.status == S.DEVELOPING
    return {
        "change": unassigned and sales_chance_policy.can(user, "change", chance),
        "delete": unassigned and sales_chance_policy.can(user, "delete", chance),
        "assign": unassigned and sales_chance_policy.can(user, "assign", chance),
        "plan": developing and sales_plan_policy.can(user, "change", SalesPlan(chance=chance)),
        "develop": developing and sales_chance_policy.can(user, "develop", chance),
    }


def chance_unassigned(user) -> QuerySet[SalesChance]:
    """Menu badge of the chance list: chances waiting for the user to assign them."""
    if not sales_chance_policy.can(user, "assign"):
        return SalesChance.objects.none()
    return SalesChance.objects.filter(status=S.UNASSIGNED)


def plan_developing(user) -> QuerySet[SalesChance]:
    """Menu badge of the plan list: chances the user is developing."""
    return SalesChance.objects.filter(status=S.DEVELOPING, assignee=user)
