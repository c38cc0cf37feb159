"""
rpt_row churns: a replaced snapshot of a million customers leaves a million dead rows. Vacuum
it after 1 % of dead rows (not the default 20 %), besides the nightly VACUUM of the refresh.
"""

from django.db import migrations

from crm.migration_operations import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_rows_without_fk_check")]

    operations = [
        PostgresOnlySQL(
            "ALTER TABLE rpt_row SET (autovacuum_vacuum_scale_factor = 0.01, "
            "autovacuum_vacuum_threshold = 10000, autovacuum_analyze_scale_factor = 0.02)",
            "ALTER TABLE rpt_row RESET (autovacuum_vacuum_scale_factor, "
            "autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor)",
        ),
    ]
