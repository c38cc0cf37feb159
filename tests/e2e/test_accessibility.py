"""
WCAG 2.2 AA, checked by axe-core in Chromium: every page of the URL matrix, as each principal that
may open it, has no serious or critical violation of a WCAG 2.0/2.1/2.2 A or AA rule, nor of the
page checks in tests/accessibility.py (badges and coloured rows in words, table headers,
captions). The default run covers every page at desktop width (Chinese) and at phone width
(English), and the phone menu open on the first page in both languages; the exhaustive run
(`slow`) covers every page in both languages at both widths with the phone menu open and closed.
"""

import time

import pytest
from playwright.sync_api import expect

from tests.accessibility import (
    DEMO_LOGIN,
    LANGUAGES,
    Audit,
    Variant,
    demo_data,
    html_pages,
    login_client,
    new_context,
    sample_urls,
)
from tests.rbac.url_matrix import ADMIN, AM, ANON

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEFAULT = [
    Variant("zh-hans", "desktop"),
    Variant("en", "phone"),
    Variant("zh-hans", "phone", every_page=False),
]
EXHAUSTIVE = [
    *(Variant(language, "desktop") for language in LANGUAGES),
    *(Variant(language, "phone", menu_open_on_every_page=True) for language in LANGUAGES),
]


def audit(browser, live_server, principal, variants) -> None:
    started = time.monotonic()
    demo_data()
    pages = html_pages(principal, login_client(principal), sample_urls())
    assert pages, f"{principal} opens no page"
    result = Audit()
    for variant in variants:
        result.run(browser, live_server.url, principal, pages, variant)
    print(
        f"\n{principal}: {len(pages)} pages, {result.runs} axe runs, "
        f"{time.monotonic() - started:.0f} s"
    )
    assert not result.findings, "\n".join(result.findings)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("principal", list(DEMO_LOGIN))
def test_every_page_meets_wcag_2_2_aa(browser, live_server, principal):
    audit(browser, live_server, principal, DEFAULT)


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("principal", list(DEMO_LOGIN))
def test_every_page_meets_wcag_2_2_aa_in_every_language_width_and_menu_state(
    browser, live_server, principal
):
    audit(browser, live_server, principal, EXHAUSTIVE)


@pytest.mark.parametrize("principal", [ADMIN, AM])
def test_the_skip_link_is_the_first_focus_stop_and_moves_focus_to_the_content(
    browser, live_server, principal
):
    demo_data()
    context = new_context(
        browser, live_server.url, client=login_client(principal), language="en", width="desktop"
    )
    page = context.new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to main content")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is in the content, past the header and the menu
    assert page.evaluate("document.activeElement.closest('main') !== null")
    context.close()


def test_the_login_page_starts_in_the_form_and_has_the_skip_link_first(browser, live_server):
    context = new_context(
        browser, live_server.url, client=login_client(ANON), language="en", width="desktop"
    )
    page = context.new_page()
    page.goto("/")
    expect(page.locator("#id_username")).to_be_focused()
    first = page.locator("a[href], button, input:not([type=hidden]), select, textarea").first
    expect(first).to_have_text("Skip to main content")
    context.close()


# The focused control's ring: outline style and width, and its contrast with the background
# around the control (the ring is drawn outside it), by WCAG's relative luminance.
FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rgb = color => (color.match(/[\\d.]+/g) || []).map(Number);
  const channel = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  let around = [255, 255, 255];
  for (let up = el.parentElement; up; up = up.parentElement) {
    const c = rgb(getComputedStyle(up).backgroundColor);
    if (c.length === 3 || c[3] === 1) { around = c.slice(0, 3); break; }
  }
  const ring = luminance(rgb(style.outlineColor));
  const [light, dark] = [ring, luminance(around)].sort((a, b) => b - a);
  return {
    control: el === document.body ? null : el.outerHTML.slice(0, 140),
    style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    ratio: (light + 0.05) / (dark + 0.05),
  };
}"""

FOCUS_PAGES = [
    (AM, "home"),
    (AM, "customers:customer-list"),
    (AM, "service:ticket-create"),
    (ADMIN, "rbac:role-rights"),
]


@pytest.mark.parametrize(("principal", "name"), FOCUS_PAGES)
def test_every_control_shows_a_focus_ring_of_3_to_1(browser, live_server, principal, name):
    demo_data()
    context = new_context(
        browser, live_server.url, client=login_client(principal), language="en", width="desktop"
    )
    page = context.new_page()
    page.goto(sample_urls()[name])
    seen, faint = 0, []
    for _ in range(120):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring["control"] is None:
            break
        seen += 1
        if ring["style"] == "none" or ring["width"] < 2 or ring["ratio"] < 3:
            faint.append(
                f"{ring['control']}: {ring['style']} {ring['width']}px {ring['ratio']:.2f}:1"
            )
    context.close()
    assert seen > 5, f"only {seen} focus stops on {name}"
    assert not faint, "\n".join(faint)
