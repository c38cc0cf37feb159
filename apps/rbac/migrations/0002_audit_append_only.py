"""The audit trail is append-only: PostgreSQL refuses UPDATE and DELETE on sys_audit_event."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION sys_audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'sys_audit_event is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sys_audit_event_no_update_delete
    BEFORE UPDATE OR DELETE ON sys_audit_event
    FOR EACH ROW EXECUTE FUNCTION sys_audit_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS sys_audit_event_no_update_delete ON sys_audit_event;
DROP FUNCTION IF EXISTS sys_audit_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("rbac", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
