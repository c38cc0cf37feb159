"""
Two-character searches of the chance and plan lists (issue 8), such as a customer name "智泰":
they have no trigram, so the trigram indexes (0004) cannot serve them and 200,000 chances were
read whole. A GIN index on the bigrams of each searched column answers them (crm.text_search;
crm_bigrams() is created by customers 0008). PostgreSQL only (skipped on SQLite).
"""

from django.db import migrations

from crm.migration_operations import postgres_indexes

SEARCHED = {"cust_name": "chc_cust_name", "title": "chc_title", "linkman": "chc_linkman"}
INDEXES = {
    f"sal_chance_{name}_bigram": f"sal_chance USING gin (crm_bigrams(UPPER({column}::text)))"
    for name, column in SEARCHED.items()
}


class Migration(migrations.Migration):
    dependencies = [
        ("marketing", "0005_plan_list_indexes"),
        ("customers", "0008_customer_name_bigrams"),  # crm_bigrams()
    ]

    operations = postgres_indexes("sal_chance", INDEXES)
