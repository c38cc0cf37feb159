"""
(customer, status) on the services (issue 8): a stage list filtered by customer name finds the
matching customers first (their name indexes), then each one's services in that stage from this
index alone, instead of hashing every service of the stage. PostgreSQL only (skipped on SQLite).
"""

from django.db import migrations

from crm.migration_operations import postgres_indexes


class Migration(migrations.Migration):
    dependencies = [("service", "0003_list_search_indexes")]

    operations = postgres_indexes(
        "cst_service", {"cst_service_cust_status_idx": "cst_service (svr_cust_id, svr_status)"}
    )
