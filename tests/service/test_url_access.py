"""The service menu pages exist (who may open them: tests/service/url_matrix.py)."""

from tests.rbac import test_url_matrix as matrix

SERVICE_URLS = {n: a for n, a in matrix.served_urls().items() if n.startswith("service:")}


def test_the_five_menu_pages_of_the_rights_tree_are_served():
    assert {
        "service:ticket-create",
        "service:ticket-assign-list",
        "service:ticket-handle-list",
        "service:ticket-feedback-list",
        "service:ticket-archive-list",
    } <= set(SERVICE_URLS)
