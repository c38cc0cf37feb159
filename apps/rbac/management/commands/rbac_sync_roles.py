from django.core.management.base import BaseCommand

from apps.rbac.services import rbac_sync_defaults


class Command(BaseCommand):
    help = "Write the built-in rights tree and roles (idempotent; also runs after migrate)."

    def handle(self, *args, **options):
        result = rbac_sync_defaults()
        self.stdout.write(
            f"rights added: {result['new_rights']}, roles added: {result['new_roles']}"
        )
