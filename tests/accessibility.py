"""
The accessibility audit's tools: the pages each principal opens, axe-core in the browser and the
Nu HTML checker over the server's HTML. Both tools come from the npm registry (package.json,
devDependencies); the checker runs on Java.

The pages are those of the URL matrix (tests/*/url_matrix.py) that answer a principal with a
whole HTML document, so a later module's pages are audited as soon as its matrix names them.
Each principal signs in as the demo user of his role (seed_demo), so lists, badges, overdue rows
and charts are on the pages.
"""

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.demo.generator import MIN_CUSTOMERS
from tests.rbac.test_url_matrix import EXPECTED, sample_kwargs, served_urls
from tests.rbac.url_matrix import ADMIN, AM, ANON, EX, SM, only

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
VNU = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# The demo user of each principal: his own customers, chances and tickets fill the lists.
DEMO_LOGIN = {ANON: None, ADMIN: "admin", SM: "manager", AM: "am1", EX: "exec"}

# WCAG 2.0, 2.1 and 2.2 at levels A and AA; what fails the audit is serious or critical.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = ["serious", "critical"]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = [code for code, _ in settings.LANGUAGES]

# axe-core's WCAG rules, then what axe leaves to a person and the product promises: a badge says
# its status in words, a row coloured for its status (.table-warning…) carries such a badge, a
# chart has alt text, every table has header cells, and where a page has several tables each is
# named (a caption).
AXE_RUN = """async ([tags, impacts]) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  const found = result.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
  const own = (id, help, nodes) => nodes.length && found.push({
    id, impact: "serious", help, nodes: nodes.slice(0, 3).map(n => n.outerHTML.slice(0, 160)),
  });
  const named = el => (el.textContent.trim() || el.getAttribute("aria-label") || "") !== "";
  const tables = [...document.querySelectorAll("main table")];
  own("badge-text", "A badge says its status in words",
      [...document.querySelectorAll(".badge")].filter(b => !named(b)));
  own("row-status-text", "A row coloured for its status carries a badge that says it",
      [...document.querySelectorAll("tr[class*='table-']")]
        .filter(row => !row.querySelector(".badge")));
  own("chart-alt", "A chart says in words what it shows (alt text)",
      [...document.querySelectorAll("figure img")].filter(img => !img.alt.trim()));
  own("table-headers", "A table has header cells",
      tables.filter(t => !t.querySelector("th")));
  own("table-caption", "Where a page has several tables, each has a caption",
      tables.length > 1 ? tables.filter(t => !t.caption && !t.getAttribute("aria-label")
                                          && !t.getAttribute("aria-labelledby")) : []);
  return found;
}"""


def demo_data() -> None:
    """The demo data set, small: every state of every workflow, a few rows per list."""
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", customers=MIN_CUSTOMERS, stdout=quiet)


# Django admin pages the product leads to (from the dictionary's list) that the URL matrix does
# not sample: the system admin opens them.
ADMIN_PAGES = {
    name: only(ADMIN, denied=302, anon=302)
    for name in (
        "admin:basedata_dictitem_add",
        "admin:basedata_dictitem_change",
        "admin:basedata_dictitem_history",
    )
}
ANSWERS = {**EXPECTED, **ADMIN_PAGES}


@dataclass
class Page:
    name: str
    url: str
    html: bytes  # as the server sent it to the client that found the page
    status: int = 200


def sample_urls() -> dict[str, str]:
    """{url name: path} with the matrix's sample arguments (made once, shared by every role)."""
    from apps.basedata.models import DictItem

    urls = {
        name: reverse(name, kwargs=sample_kwargs(name, arguments))
        for name, arguments in sorted(served_urls().items())
    }
    item = DictItem.objects.order_by("pk").first()
    for name in ADMIN_PAGES:
        urls[name] = reverse(name, args=[item.pk] if not name.endswith("_add") else [])
    return urls


def is_document(response, status: int = 200) -> bool:
    """A whole HTML page (not an htmx fragment, a file or a redirect)."""
    return (
        response.status_code == status
        and "text/html" in response.get("Content-Type", "")
        and response.content.lstrip()[:15].lower() == b"<!doctype html>"
    )


def html_pages(principal: str, client: Client, urls: dict[str, str]) -> list[Page]:
    """The URLs the matrix opens to `principal` that answer `client` with an HTML page, and the
    error pages he can meet: 403 (the first URL the matrix refuses him) and 404.

    The first is where a user starts: the home page, or the login page for anonymous.
    """
    pages = []
    for name in sorted(urls, key=lambda name: (name not in {"home", "login"}, name)):
        if ANSWERS[name][principal] != 200:
            continue
        response = client.get(urls[name])
        if is_document(response):
            pages.append(Page(name, urls[name], response.content))
    refused = [urls[name] for name in sorted(urls) if ANSWERS[name][principal] == 403]
    for status, url in ((403, refused[0] if refused else None), (404, "/no-such-page/")):
        response = client.get(url) if url else None
        if response and is_document(response, status):
            pages.append(Page(f"error-{status}", url, response.content, status))
    return pages


def login_client(principal: str, language: str | None = None) -> Client:
    """A test client signed in as the principal's demo user (anonymous: not signed in)."""
    from apps.rbac.models import User

    client = Client()
    if DEMO_LOGIN[principal] is not None:
        client.force_login(User.objects.get(username=DEMO_LOGIN[principal]))
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def new_context(browser, live_server_url: str, *, client: Client, language: str, width: str):
    """A browser context with the client's session, in `language`, at `width`.

    axe is added as an init script, which the browser runs outside the page's
    Content-Security-Policy: the policy stays on in the test, as users have it.
    """
    context = browser.new_context(
        viewport=WIDTHS[width], locale="en-US", reduced_motion="reduce", base_url=live_server_url
    )
    context.add_init_script(path=str(AXE))
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server_url}]
    if settings.SESSION_COOKIE_NAME in client.cookies:
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server_url}
        )
    context.add_cookies(cookies)
    return context


def open_phone_menu(page) -> bool:
    """Open the phone menu if the page has one; True when it is open."""
    toggle = page.locator("button[aria-controls=sidebar]")
    if not toggle.count() or not toggle.is_visible():
        return False
    toggle.click()
    page.locator("#sidebar.show").wait_for()
    return True


@dataclass(frozen=True)
class Variant:
    """One browser context's run: a language, a width, the pages and when the menu is opened."""

    language: str
    width: str
    every_page: bool = True  # False: the first page only (the home page, or the login page)
    menu_open_on_every_page: bool = False  # False: on the first page only (phone width)


@dataclass
class Audit:
    """The findings of axe-core and the page checks, per page and variant."""

    findings: list[str] = field(default_factory=list)
    runs: int = 0

    def check(self, page, where: str) -> None:
        self.runs += 1
        for violation in page.evaluate(AXE_RUN, [WCAG_TAGS, FAILING_IMPACTS]):
            nodes = "\n      ".join(violation["nodes"])
            self.findings.append(
                f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}\n"
                f"      {nodes}"
            )

    def run(self, browser, live_server_url, principal, pages, variant: Variant) -> None:
        client = login_client(principal)
        context = new_context(
            browser, live_server_url, client=client, language=variant.language, width=variant.width
        )
        page = context.new_page()
        for number, entry in enumerate(pages if variant.every_page else pages[:1]):
            where = f"{principal} {variant.language} {variant.width} {entry.name} {entry.url}"
            response = page.goto(entry.url)
            assert response.status == entry.status, where
            self.check(page, where)
            if (number == 0 or variant.menu_open_on_every_page) and open_phone_menu(page):
                self.check(page, f"{where} (menu open)")
        context.close()


def nu_errors(html_dir: Path) -> list[str]:
    """The Nu HTML checker's errors over every .html file in html_dir (one Java start)."""
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(html_dir)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(run.stderr or "{}").get("messages", [])
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f"  [{m.get('extract', '').strip()[:120]}]"
        for m in messages
    ]
