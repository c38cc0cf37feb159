"""
GIN trigram indexes for the "contains" filters of the chance and plan lists (customer name,
summary, linkman) at 200,000 chances (issue 8). PostgreSQL only (skipped on SQLite); on
UPPER(column::text), what Django's `icontains` compares on PostgreSQL.
"""

from django.db import migrations

from crm.migration_operations import postgres_indexes

INDEXES = {
    "sal_chance_cust_name_trgm": "sal_chance USING gin (UPPER(chc_cust_name::text) gin_trgm_ops)",
    "sal_chance_title_trgm": "sal_chance USING gin (UPPER(chc_title::text) gin_trgm_ops)",
    "sal_chance_linkman_trgm": "sal_chance USING gin (UPPER(chc_linkman::text) gin_trgm_ops)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("marketing", "0003_chance_assignment_constraints"),
        ("customers", "0007_list_search_indexes"),  # pg_trgm
    ]

    operations = [
        *postgres_indexes("sal_chance", INDEXES),
    ]
