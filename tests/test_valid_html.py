"""
Every page of the URL matrix, as each principal that may open it and in both languages, is valid
HTML: the Nu HTML checker (vnu-jar, from the npm registry) finds no error. All pages are checked
in one run of the checker.
"""

import tempfile
from pathlib import Path

import pytest

from tests.accessibility import (
    DEMO_LOGIN,
    LANGUAGES,
    demo_data,
    html_pages,
    login_client,
    nu_errors,
    sample_urls,
)

pytestmark = pytest.mark.django_db


def test_every_page_in_both_languages_is_valid_html():
    demo_data()
    urls = sample_urls()
    with tempfile.TemporaryDirectory() as folder:
        saved = 0
        for principal in DEMO_LOGIN:
            for language in LANGUAGES:
                client = login_client(principal, language)
                for page in html_pages(principal, client, urls):
                    name = f"{principal}-{language}-{page.name.replace(':', '_')}.html"
                    (Path(folder) / name).write_bytes(page.html)
                    saved += 1
        errors = nu_errors(Path(folder))
    assert saved > 50, f"only {saved} pages"
    assert not errors, "\n".join(errors)
