"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser)."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls
# without this (microsoft/playwright-pytest#29).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def page(page, live_server):
    """Every request outside the live server fails the test: no CDN, no outside calls."""
    outside = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    page.route("**/*", guard)
    page.set_default_timeout(10_000)
    yield page
    assert not outside, f"the page asked for outside resources: {outside}"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser in China: the interface starts in Simplified Chinese."""
    return {**browser_context_args, "locale": "zh-CN"}
