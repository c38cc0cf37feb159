"""
Two-character searches of the customer name (issue 8), such as "科技": they have no trigram,
so the trigram index cannot serve them. crm_bigrams() gives every two-character piece of a
text; a GIN index on the name's pieces answers `crm_bigrams(UPPER(name)) @> ARRAY['科技']`,
which says exactly "the name contains 科技" (crm.text_search). PostgreSQL only.
"""

from django.db import migrations

from crm.migration_operations import PostgresOnlySQL

# Every two-character piece of a text: what a two-character search (no trigram) is looked up
# by (crm.text_search). plpgsql: the fastest of the forms tried, when a plan calls it per row.
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION crm_bigrams(value text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE pieces text[] := '{}';
BEGIN
    FOR i IN 1 .. length(value) - 1 LOOP
        pieces := pieces || substr(value, i, 2);
    END LOOP;
    RETURN pieces;
END $$
"""


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_list_search_indexes")]

    operations = [
        PostgresOnlySQL(BIGRAMS_FUNCTION, "DROP FUNCTION IF EXISTS crm_bigrams(text)"),
        PostgresOnlySQL(
            "CREATE INDEX IF NOT EXISTS cst_customer_name_bigram ON cst_customer "
            "USING gin (crm_bigrams(UPPER(cust_name::text)))",
            "DROP INDEX IF EXISTS cst_customer_name_bigram",
        ),
        PostgresOnlySQL("ANALYZE cst_customer", migrations.RunSQL.noop),
    ]
