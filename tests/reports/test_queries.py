"""A report page makes a fixed number of queries, however big the data behind it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.reports.services import snapshot_compute
from tests.reports.factories import ChurnFactory, CustomerFactory, local, order_with_lines
from tests.service.factories import ServiceTicketFactory

pytestmark = pytest.mark.django_db


def grow(n: int) -> None:
    """n more customers, each with an order, a service and a confirmed churn record."""
    for index in range(n):
        customer = CustomerFactory(level=1 + index % 5)
        order_with_lines(customer, local(2024, 1 + index % 12, 3), (1 + index, "10"))
        ServiceTicketFactory(customer=customer, created_at=local(2024, 2, 1))
        ChurnFactory(customer=customer)


def queries(client, url) -> int:
    client.get(url)  # new rows (the factories' users) move the access version: warm up
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


PARAMS = {
    "contribution": {"year": None, "name": ""},
    "composition": {"by": "level"},
    "service": {"year": None, "date_from": None, "date_to": None},
    "churn": {"customer": "", "manager": ""},
}


@pytest.mark.parametrize("report", list(PARAMS))
def test_a_report_page_served_from_its_snapshot_makes_the_same_queries_for_10_and_30_rows(
    dictionaries, client_as, report
):
    client = client_as("executive")
    counts = []
    for size in (10, 20):  # 10 rows, then 30
        grow(size)
        snapshot_compute(report=report, params=PARAMS[report], language="zh-hans")
        snapshot_compute(report="order-years", params={}, language="")
        counts.append(queries(client, reverse(f"reports:{report}")))
    assert counts[0] == counts[1]
    # session, user, rights, menu (5 with the session save) + data version, snapshot, rows
    # (+ the same two for the year filter's choices) + the department filter's choices
    assert counts[0] <= 15  # 14 for the page, 1 for the notification bell
