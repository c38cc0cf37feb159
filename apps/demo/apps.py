from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Reference data and the demo data generator; the one app that depends on every app."""

    name = "apps.demo"
    label = "demo"
    verbose_name = _("Demo data")
