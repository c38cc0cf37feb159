"""
Indexes for the lists at a million customers (issue 8): pg_trgm and GIN trigram indexes for
the "contains" searches on customer name and number, and (value, id) indexes for the sorts on
level and region. PostgreSQL only: the embedded SQLite fallback skips them (small data).

The trigram indexes are on UPPER(column::text) because that is what Django's `icontains`
compares on PostgreSQL (UPPER(col::text) LIKE UPPER('%…%')), so the planner can use them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from crm.migration_operations import postgres_indexes

INDEXES = {
    "cst_customer_name_trgm": "cst_customer USING gin (UPPER(cust_name::text) gin_trgm_ops)",
    "cst_customer_no_trgm": "cst_customer USING gin (UPPER(cust_no::text) gin_trgm_ops)",
    "cst_customer_level_id_idx": "cst_customer (cust_level, id)",
    "cst_customer_region_id_idx": "cst_customer (cust_region, id)",
}


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_churn_scan_run_no_constraint")]

    operations = [
        TrigramExtension(),
        *postgres_indexes("cst_customer", INDEXES),
    ]
