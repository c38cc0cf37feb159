"""Every URL × every principal answers as tests/rbac/url_matrix.py says (GET)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory
from tests.rbac.url_matrix import ANON, LOGIN, PRINCIPALS
from tests.url_matrices import merged

EXPECTED = merged("EXPECTED")
SAMPLES = merged("SAMPLES")

pytestmark = pytest.mark.django_db

# Django admin pages other than the sampled ones answer through the admin's own checks.
ADMIN_NAMESPACE_SAMPLED = {k for k in EXPECTED if k.startswith("admin:")}


def walk(patterns, namespace=""):
    """Yield (full name, argument names) of every named URL pattern the project serves."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", tuple(entry.pattern.converters)


def served_urls() -> dict[str, tuple]:
    urls = dict(walk(get_resolver().url_patterns))
    return {
        n: args
        for n, args in urls.items()
        if not n.startswith("admin:") or n in ADMIN_NAMESPACE_SAMPLED
    }


def served_url_names() -> set[str]:
    return set(served_urls())


def sample_kwargs(name: str, arguments: tuple) -> dict:
    kwargs = {}
    for argument in arguments:
        makers = [
            make
            for (prefix, arg), make in SAMPLES.items()
            if name.startswith(prefix) and arg == argument
        ]
        assert makers, f"no sample for argument {argument!r} of {name}: add one to a SAMPLES"
        kwargs[argument] = makers[0]()
    return kwargs


def test_every_served_url_is_in_the_matrix():
    missing = served_url_names() - set(EXPECTED)
    assert not missing, f"add these URL names to tests/rbac/url_matrix.py: {sorted(missing)}"


def test_matrix_names_no_url_that_is_not_served():
    assert not set(EXPECTED) - served_url_names()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_principal_gets_the_expected_answer_from_every_url(client, principal):
    if principal != ANON:
        client.force_login(UserFactory(role=principal))
    mismatches = []
    for name, arguments in sorted(served_urls().items()):
        url = reverse(name, kwargs=sample_kwargs(name, arguments))
        response = client.get(url)
        expected = EXPECTED[name][principal]
        if expected == LOGIN:
            ok = response.status_code == 302 and response.url.startswith(reverse("login"))
        else:
            ok = response.status_code == expected
        if not ok:
            mismatches.append(f"{name} {url}: expected {expected}, got {response.status_code}")
    assert not mismatches, "\n".join(mismatches)
