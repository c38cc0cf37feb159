"""Who may open the report pages and their charts (SPEC §4: sales manager and executive)."""

from tests.rbac.url_matrix import EX, SM, only

REPORTS = ["dashboard", "contribution", "composition", "service", "churn"]

EXPECTED = {
    **{f"reports:{name}": only(SM, EX) for name in REPORTS},
    **{f"reports:{name}-chart": only(SM, EX) for name in REPORTS},
}


def _snapshot_pk(report: str):
    def make():
        from apps.reports.models import ReportSnapshot

        return ReportSnapshot.objects.create(
            key=f"sample-{report}",
            report=report,
            language="zh-hans",
            data_version="0:0",
            charts={"main": "<svg xmlns='http://www.w3.org/2000/svg'/>"},
            payload={"charts": {"main": {"type": "bar", "title": "t", "labels": [], "values": []}}},
        ).pk

    return make


SAMPLES = {
    **{(f"reports:{name}-chart", "pk"): _snapshot_pk(name) for name in REPORTS},
    ("reports:", "chart"): lambda: "main",
}
