"""The import pages' rows of the URL matrix, checked on their own (tests/rbac walks them all)."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.imports.url_matrix import EXPECTED
from tests.rbac.test_url_matrix import sample_kwargs, served_urls
from tests.rbac.url_matrix import ANON, LOGIN, PRINCIPALS

pytestmark = pytest.mark.django_db


def test_every_import_url_is_in_the_matrix():
    served = {name for name in served_urls() if name.startswith("imports:")}
    assert served == set(EXPECTED)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_principal_gets_the_expected_answer_from_the_import_urls(client, principal):
    if principal != ANON:
        client.force_login(UserFactory(role=principal))
    mismatches = []
    for name, arguments in sorted(served_urls().items()):
        if not name.startswith("imports:"):
            continue
        response = client.get(reverse(name, kwargs=sample_kwargs(name, arguments)))
        expected = EXPECTED[name][principal]
        if expected == LOGIN:
            ok = response.status_code == 302 and response.url.startswith(reverse("login"))
        else:
            ok = response.status_code == expected
        if not ok:
            mismatches.append(f"{name}: expected {expected}, got {response.status_code}")
    assert not mismatches, "\n".join(mismatches)
