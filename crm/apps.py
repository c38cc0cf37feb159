from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """The project package as an app, for its template tags (crm.templatetags)."""

    name = "crm"
    verbose_name = _("CRM")
