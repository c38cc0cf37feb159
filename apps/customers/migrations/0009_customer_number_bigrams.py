"""
Two-character searches of the customer number (issue 8), such as the service form's customer
picker, which looks for its text in the name or the number: the trigram index cannot serve a
pattern of two characters (it reads every entry of the index, 150 ms at a million customers),
so the number gets a GIN index on its bigrams too, like the name (0008, crm.text_search).
PostgreSQL only.
"""

from django.db import migrations

from crm.migration_operations import postgres_indexes


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_customer_name_bigrams")]

    operations = postgres_indexes(
        "cst_customer",
        {"cst_customer_no_bigram": "cst_customer USING gin (crm_bigrams(UPPER(cust_no::text)))"},
    )
