from django.core.management.base import BaseCommand

from apps.demo.reference import reference_data_load


class Command(BaseCommand):
    help = (
        "Load the data dictionary, products and stock of fixtures/reference/ "
        "(idempotent: rows are matched on their natural keys)."
    )

    def handle(self, *args, **options):
        result = reference_data_load()
        self.stdout.write(
            f"dictionary: {result.dictionary}; products: {result.products}; stock: {result.stock}"
        )
