"""
The dictionary moves the access version (apps.rbac.models.version) like the rights do: its
choices are kept per version in every filter and form (apps.basedata.models.DictItemQuerySet).
"""

from django.db import migrations

from crm.migration_operations import PostgresOnlySQL

CREATE = """
CREATE TRIGGER sys_access_bas_dict AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON bas_dict
    FOR EACH STATEMENT EXECUTE FUNCTION sys_access_bump();
ALTER TABLE bas_dict ENABLE ALWAYS TRIGGER sys_access_bas_dict;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("basedata", "0001_initial"),
        ("rbac", "0006_access_version"),
    ]

    operations = [
        PostgresOnlySQL(CREATE, "DROP TRIGGER IF EXISTS sys_access_bas_dict ON bas_dict;"),
    ]
