"""Fixtures of the import tests: uploads kept in a temporary media root, jobs run in-process."""

import pytest

from apps.demo.reference import reference_data_load


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads, error workbooks and export files go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def reference(db):
    """The dictionary (regions, levels, stars …), products and stock of SPEC §6."""
    reference_data_load()


@pytest.fixture(autouse=True)
def english(client):
    """Messages and headers in English, whatever the default language (zh-hans) says: in the
    services the tests call, and in the pages the test client asks for."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
