from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_defaults_after_migrate(sender, **kwargs):
    """Built-in rights and roles are reference data, present whenever the schema is."""
    from apps.rbac.services import rbac_sync_defaults

    rbac_sync_defaults()


class RbacConfig(AppConfig):
    name = "apps.rbac"
    label = "rbac"
    verbose_name = _("Permissions")

    def ready(self) -> None:
        from apps.rbac import security_log  # noqa: F401  (connects the security loggers)

        post_migrate.connect(sync_defaults_after_migrate, sender=self)
