"""The reports read other apps' data; this app only declares who may see which report."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """No table: a holder for the report permissions that sys_right refers to."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("report")
        permissions = [
            ("view_dashboard", _("Can see the executive dashboard")),
            ("view_contribution_report", _("Can see the customer contribution report")),
            ("view_composition_report", _("Can see the customer composition report")),
            ("view_service_report", _("Can see the service analysis report")),
            ("view_churn_report", _("Can see the churn analysis report")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
