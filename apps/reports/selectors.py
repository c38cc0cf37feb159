"""
The reports' reads: SQL aggregates over the business tables (values().annotate(), never a loop
over rows in Python), the data version of a set of sources, and the stored snapshots.

Reports were company-wide (SPEC §4); since issue 16 each aggregate also takes `owners` (the
users whose rows count; None for every row) and `department` (a department id: its rows and
those of the departments below it), resolved by apps.reports.scope and applied in SQL.
"""

import datetime
import time
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, NullIf
from django.utils import timezone, translation

from apps.basedata.models import DictItem
from apps.customers.models import Churn, Customer, Order, OrderLine
from apps.rbac.models import Department
from apps.reports.models import DataChange, ReportRow, ReportSnapshot
from apps.reports.scope import owned
from apps.service.models import ServiceTicket

DELETED = Customer.Status.DELETED


def local_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    """[start, end) as aware datetimes at local midnight: index-friendly range filters."""
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=zone),
        datetime.datetime.combine(end, datetime.time(), tzinfo=zone),
    )


def year_bounds(year: int) -> tuple[datetime.datetime, ...]:
    return local_bounds(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))


# --- data version and snapshots ----------------------------------------------------------


def data_version(sources) -> str:
    """
    The version of the data behind `sources`: (count, max id) of their change rows. Any
    committed change adds a row (triggers of migration 0003), so the pair moves; one query.
    """
    if connection.vendor != "postgresql":
        # The embedded SQLite fallback has no change triggers: results live one minute.
        return f"minute:{int(time.time() // 60)}"
    stamp = DataChange.objects.filter(source__in=sorted(sources)).aggregate(
        n=Count("id"), last=Max("id")
    )
    return f"{stamp['n']}:{stamp['last'] or 0}"


def snapshot_get(*, key: str, version: str) -> ReportSnapshot | None:
    """The snapshot computed for exactly this data version, if any."""
    return (
        ReportSnapshot.objects.filter(key=key, data_version=version)
        .order_by("-computed_at", "-pk")
        .first()
    )


def snapshot_latest(*, key: str) -> ReportSnapshot | None:
    """The most recent snapshot of these filters, whatever its data version (shown as stale)."""
    return ReportSnapshot.objects.filter(key=key).order_by("-computed_at", "-pk").first()


def snapshot_rows(*, snapshot: ReportSnapshot, first: int, last: int) -> list[ReportRow]:
    """Rows ranked first..last of a snapshot: an index range scan, no OFFSET."""
    return list(snapshot.rows.filter(rank__gte=first, rank__lte=last).order_by("rank"))


def snapshot_all_rows(*, snapshot: ReportSnapshot):
    """Every row of a snapshot in rank order, streamed (for exports)."""
    return snapshot.rows.order_by("rank").iterator(chunk_size=2000)


# --- 客户贡献分析 contribution (SPEC §5.1) --------------------------------------------------


def order_years() -> list[int]:
    """The local years in which orders exist, newest first."""
    years = (
        Order.objects.annotate(year=ExtractYear("date"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return list(years)


def contribution_amounts(
    *, year: int | None = None, name: str = "", owners=None, department=None
) -> QuerySet:
    """
    Order amount per customer: Σ count × unit price of the lines of his orders dated in
    `year` (every year when None); customers whose name contains `name`; deleted customers
    left out. Rows: id, number, name, amount (unordered: the caller ranks them). Grouped by
    the customer's primary key, so his number and name come along without a second join.
    """
    # One filter() call: the annotation below sums over exactly these order and line joins.
    conditions = {"orders__lines__isnull": False}
    if year is not None:
        start, end = year_bounds(year)
        conditions.update(orders__date__gte=start, orders__date__lt=end)
    customers = Customer.objects.exclude(status=DELETED).filter(**conditions)
    if name:
        customers = customers.filter(name__icontains=name)
    customers = owned(customers, "manager", owners=owners, department=department)
    return (
        customers.values("id", "number", "name")
        .annotate(amount=Sum(F("orders__lines__count") * F("orders__lines__price")))
        .order_by()
    )


# --- 客户构成分析 composition (SPEC §5.2) ---------------------------------------------------

COMPOSITION_FIELDS = {
    "level": "level",
    "credit": "credit",
    "satisfaction": "satisfaction",
    "department": "manager__department",
}


def composition_counts(*, by: str, owners=None, department=None) -> dict[str, int]:
    """Customers that are not deleted, counted per value of level, credit or satisfaction, or
    per department of their account manager (the department's id)."""
    field = COMPOSITION_FIELDS[by]
    customers = owned(
        Customer.objects.exclude(status=DELETED), "manager", owners=owners, department=department
    )
    counts = customers.values(field).annotate(n=Count("pk")).order_by().values_list(field, "n")
    return {("" if value is None else str(value)): n for value, n in counts}


def departments_named(ids) -> list[tuple[str, str]]:
    """(id, label) of these departments in tree order, labels in the active language."""
    rows = Department.objects.filter(pk__in=[int(i) for i in ids if i]).order_by("path")
    return [(str(d.pk), d.label) for d in rows.only("pk", "name", "name_en")]


def dictionary(dict_type: str) -> list[tuple[str, str]]:
    """(value, label) of one dictionary type in dictionary order, labels in the active language."""
    return DictItem.objects.choices(dict_type)


# --- 客户服务分析 service (SPEC §5.3) -------------------------------------------------------


def _tickets(start, end, owners=None, department=None) -> QuerySet:
    tickets = owned(
        ServiceTicket.objects.all(), "customer__manager", owners=owners, department=department
    )
    if start is not None:
        tickets = tickets.filter(created_at__gte=start, created_at__lt=end)
    return tickets


def service_type_counts(*, start=None, end=None, owners=None, department=None) -> dict[str, int]:
    """Services (every state) created in [start, end), counted per service type."""
    counts = (
        _tickets(start, end, owners, department).values("type").annotate(n=Count("pk")).order_by()
    )
    return dict(counts.values_list("type", "n"))


def service_month_counts(*, year: int, owners=None, department=None) -> dict[int, int]:
    """Services created in each local month of `year`."""
    start, end = year_bounds(year)
    counts = (
        _tickets(start, end, owners, department)
        .annotate(month=ExtractMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(counts.values_list("month", "n"))


def service_years() -> list[int]:
    """From the first to the last year with a service, newest first (two index lookups)."""
    bounds = ServiceTicket.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    if bounds["first"] is None:
        return []
    first, last = (timezone.localtime(bounds[k]).year for k in ("first", "last"))
    return list(range(last, first - 1, -1))


# --- 客户流失分析 churn (SPEC §5.4) ---------------------------------------------------------


def churn_confirmed(
    *, customer: str = "", manager: str = "", owners=None, department=None
) -> QuerySet:
    """
    Confirmed churn records (status 3 only) with year, customer, manager, his department and
    reason; filters are "contains". The manager is the one recorded on the churn (at
    detection time); the department filter reads his department, the scope (`owners`) the
    customer's account manager, as the churn list does.
    """
    records = owned(
        Churn.objects.filter(status=Churn.Status.CONFIRMED), "customer__manager", owners=owners
    )
    records = owned(records, "manager", owners=None, department=department)
    if customer:
        records = records.filter(customer__name__icontains=customer)
    if manager:
        records = records.filter(
            Q(manager__full_name__icontains=manager) | Q(manager__username__icontains=manager)
        )
    return records.values(
        "id",
        "lost_date",
        "reason",
        year=ExtractYear("lost_date"),
        customer_name=F("customer__name"),
        manager_name=Coalesce(NullIf("manager__full_name", Value("")), "manager__username"),
        department_name=_department_label("manager__department"),
    ).order_by()


def _department_label(path: str):
    """The department's name in the active language (its Chinese one when no English)."""
    if (translation.get_language() or "").startswith("en"):
        return Coalesce(NullIf(f"{path}__name_en", Value("")), f"{path}__name")
    return F(f"{path}__name")


def count_by(rows: QuerySet, field: str) -> list[tuple]:
    """(value, count) of an aggregate over `rows`, biggest count first."""
    counts = rows.values(field).annotate(n=Count("pk")).order_by("-n", field)
    return list(counts.values_list(field, "n"))


# --- dashboard -----------------------------------------------------------------------------


def revenue_by_month(
    *, first_year: int, last_year: int, owners=None
) -> dict[tuple[int, int], Decimal]:
    """Σ count × unit price of order lines per (year, month), local time, every customer."""
    start, _ = year_bounds(first_year)
    _, end = year_bounds(last_year)
    lines = owned(
        OrderLine.objects.all(), "order__customer__manager", owners=owners, department=None
    )
    sums = (
        lines.filter(order__date__gte=start, order__date__lt=end)
        .annotate(year=ExtractYear("order__date"), month=ExtractMonth("order__date"))
        .values("year", "month")
        .annotate(amount=Sum(F("count") * F("price")))
        .order_by()
    )
    return {(row["year"], row["month"]): row["amount"] or Decimal(0) for row in sums}


def open_churn_count(*, owners=None) -> int:
    """Churn warnings still waiting for a decision (warning or postponed)."""
    records = owned(Churn.objects.all(), "customer__manager", owners=owners, department=None)
    return records.filter(status__in=Churn.OPEN_STATUSES).count()


def service_status_counts(*, owners=None) -> dict[str, int]:
    """Services per state (one GROUP BY)."""
    tickets = owned(
        ServiceTicket.objects.all(), "customer__manager", owners=owners, department=None
    )
    counts = tickets.values("status").annotate(n=Count("pk")).order_by()
    return dict(counts.values_list("status", "n"))
