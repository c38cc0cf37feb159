"""Checks run on every URL the project serves, through the URL matrix's walker."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.rbac.test_url_matrix import sample_kwargs, served_urls

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def every_url():
    return [
        (name, reverse(name, kwargs=sample_kwargs(name, args)))
        for name, args in sorted(served_urls().items())
    ]


def test_every_page_carries_the_security_headers_and_a_csp():
    client = Client()
    client.force_login(UserFactory(is_superuser=True))
    missing = []
    for name, url in every_url():
        response = client.get(url)
        if response.status_code >= 500:
            missing.append(f"{name}: status {response.status_code}")
        for header, value in SECURITY_HEADERS.items():
            if response.get(header) != value:
                missing.append(f"{name}: {header}")
        is_page = response.status_code == 200 and "text/html" in response.get("Content-Type", "")
        if is_page and "default-src 'self'" not in response.get("Content-Security-Policy", ""):
            missing.append(f"{name}: Content-Security-Policy")
    assert not missing, missing


def test_every_post_without_a_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_superuser=True))
    accepted = []
    for name, url in every_url():
        response = client.post(url, {})
        if response.status_code != 403:
            accepted.append(f"{name}: {response.status_code}")
    assert not accepted, accepted
