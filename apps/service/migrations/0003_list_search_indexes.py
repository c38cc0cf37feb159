"""
Indexes of the service lists at 500,000 services (issue 8): a GIN trigram index for the
"contains" filter on the summary (the customer filter uses the customers' trigram index), and
(status, created_at, id) for the lists of one state sorted by creation. PostgreSQL only
(skipped on SQLite).
"""

from django.db import migrations

from crm.migration_operations import postgres_indexes

INDEXES = {
    "cst_service_title_trgm": "cst_service USING gin (UPPER(svr_title::text) gin_trgm_ops)",
    "cst_service_status_created_idx": "cst_service (svr_status, created_at, id)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0002_service_round"),
        ("customers", "0007_list_search_indexes"),  # pg_trgm
    ]

    operations = [
        *postgres_indexes("cst_service", INDEXES),
    ]
