from django.urls import path

from apps.rbac.policies import dashboard_policy, report_policy
from apps.reports.registry import REPORTS
from apps.reports.views import ChartView, DashboardView, ReportView

app_name = "reports"


def _report(name: str, page=ReportView, policy=report_policy) -> list:
    """A report's page and its charts, guarded by the report's own right."""
    guard = {"report": name, "policy": policy, "action": REPORTS[name].action}
    prefix = "" if name == "dashboard" else f"{name}/"
    return [
        path(prefix, page.as_view(**guard), name=name),
        path(
            f"{prefix}charts/<int:pk>/<slug:chart>/",
            ChartView.as_view(**guard),
            name=f"{name}-chart",
        ),
    ]


urlpatterns = [
    *_report("dashboard", DashboardView, dashboard_policy),
    *_report("contribution"),
    *_report("composition"),
    *_report("service"),
    *_report("churn"),
]
