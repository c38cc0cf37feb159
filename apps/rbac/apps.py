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
        _register_hooks()


def _register_hooks() -> None:
    """协作 on the customer page; the short "why" on the 403/404 pages."""
    from apps.rbac import share_views, why_views
    from crm import hooks

    hooks.register(
        "customers.section", share_views.customer_section, key="partials/sharing.html", order=10
    )
    hooks.register("errors.explain", why_views.error_page_explanation)
