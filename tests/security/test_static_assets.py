"""
Static scans: no asset is loaded from the internet (templates, our CSS and JS, and the page as
served), and no template carries markup the Content-Security-Policy would block (inline
scripts, inline styles, event-handler attributes, javascript: URLs).
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIRS = [BASE_DIR / "templates", *BASE_DIR.glob("apps/*/templates")]
OWN_STATIC = BASE_DIR / "static"

# An outside URL where a browser would fetch it: src/href of asset tags, CSS url() / @import,
# JS import/fetch. Links in comments or licence headers are not fetched.
ASSET_URL = re.compile(
    r"""(?:\bsrc\s*=|<link\b[^>]*\bhref\s*=|url\(|@import|\bimport\s*\(|\bfetch\s*\()"""
    r"""\s*['"]?\s*(?:https?:)?//""",
    re.IGNORECASE,
)
CSP_BLOCKED = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "inline style block": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event-handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
    "htmx inline handler": re.compile(r"\s(data-)?hx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def templates():
    for directory in TEMPLATE_DIRS:
        yield from directory.rglob("*.html")


def test_no_template_or_own_static_file_loads_an_asset_from_the_internet():
    offenders = []
    for path in [*templates(), *OWN_STATIC.rglob("*.css"), *OWN_STATIC.rglob("*.js")]:
        for match in ASSET_URL.finditer(path.read_text(errors="replace")):
            offenders.append(f"{path.relative_to(BASE_DIR)}: {match.group(0)}")
    assert not offenders, offenders


def test_the_scan_would_catch_a_cdn_link():
    for sample in [
        '<script src="https://cdn.jsdelivr.net/npm/htmx.org"></script>',
        '<link rel="stylesheet" href="//cdn.example.com/b.css">',
        "@import url(https://fonts.googleapis.com/css);",
    ]:
        assert ASSET_URL.search(sample), sample


@pytest.mark.django_db
def test_the_served_page_names_no_outside_asset(client):
    client.force_login(UserFactory(role="sales_manager"))
    html = client.get(reverse("customers:customer-list")).content.decode()

    assert not ASSET_URL.search(html)


def test_no_template_holds_markup_the_csp_blocks():
    offenders = []
    for path in templates():
        text = path.read_text()
        for label, pattern in CSP_BLOCKED.items():
            for match in pattern.finditer(text):
                if label == "inline script" and "nonce" in match.group(0):
                    continue  # allowed by the policy's nonce
                offenders.append(f"{path.relative_to(BASE_DIR)}: {label}: {match.group(0)}")
    assert not offenders, "\n".join(offenders)
