"""
Tags and administrative divisions move the access version (apps.rbac.models.version) like the
dictionary does: their choices are kept per version in the customer list's filters and the
customer page (apps.customers.selectors.customers: tag_choices, division_choices).
"""

from django.db import migrations

from crm.migration_operations import PostgresOnlySQL

TABLES = ("cst_tag", "cst_division")


def _create(table: str) -> str:
    return (
        f"CREATE TRIGGER sys_access_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION sys_access_bump();"
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER sys_access_{table};"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0017_taxpayer_number_validator"),
        ("rbac", "0006_access_version"),
    ]

    operations = [
        PostgresOnlySQL(_create(table), f"DROP TRIGGER IF EXISTS sys_access_{table} ON {table};")
        for table in TABLES
    ]
