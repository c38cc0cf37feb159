"""
Indexes of the development-plan list at 200,000 chances (issue 8): its default sort (newest
assignment first) over the chances in development or archived, for everyone and for one
assignee. Partial: unassigned chances (no assignment date) are not in that list. PostgreSQL
only (skipped on SQLite).
"""

from django.db import migrations

from crm.migration_operations import postgres_indexes

PLAN_STATES = "chc_status IN (2, 3, 4)"
INDEXES = {
    "sal_chance_plan_assigned_idx": f"sal_chance (chc_due_date, id) WHERE {PLAN_STATES}",
    "sal_chance_plan_assignee_idx": (
        f"sal_chance (chc_due_id, chc_due_date, id) WHERE {PLAN_STATES}"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("marketing", "0004_list_search_indexes")]

    operations = [
        *postgres_indexes("sal_chance", INDEXES),
    ]
