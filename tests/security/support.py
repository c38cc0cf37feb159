"""Helpers of the security tests: read a page's form, fingerprint the database, name answers."""

from html.parser import HTMLParser

from django.db import connection
from django.urls import reverse

LOGIN = "login"  # a 302 to the login page, as in tests/rbac/url_matrix.py


# Values put into the empty fields of a form, so that a create form would be valid.
FILLERS = {
    "date": "2026-01-15",
    "datetime-local": "2026-01-15T10:00",
    "number": "3",
    "email": "security@example.com",
    "tel": "13800000000",
    "text": "安全测试",
    "textarea": "安全测试",
    "password": "Security-Test-Passw0rd!",
}


# Text fields whose format is checked (SPEC §7), by name.
NAMED_FILLERS = {"zip": "100020", "website": "www.example.com.cn"}


def answer(response) -> int | str:
    """The status code, or LOGIN for a redirect to the login page."""
    if response.status_code == 302 and response.url.startswith(reverse("login")):
        return LOGIN
    return response.status_code


REFUSED = {LOGIN, 403, 404, 405}


class _FormReader(HTMLParser):
    """The fields of the page's main form (the one posting to the page itself) with values."""

    def __init__(self, own_path: str = ""):
        super().__init__(convert_charrefs=True)
        self.own_actions = {"", ".", own_path.split("?")[0]}
        self.fields: dict[str, list[str]] = {}
        self._in_main = False
        self._select: str | None = None
        self._options: list[str] = []
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            method = a.get("method", "get").lower()
            self._in_main = method == "post" and a.get("action", "") in self.own_actions
            return
        if tag == "option" and self._select:
            self._options.append(a.get("value", ""))
            if "selected" in a:
                self._add(self._select, a.get("value", ""))
            return
        if not self._in_main or "name" not in a or "disabled" in a:
            return
        name = a["name"]
        if tag == "input":
            self._input(name, a)
        elif tag == "textarea":
            self._textarea, self._text = name, ""
        elif tag == "select":
            self._select, self._options = name, []

    def _input(self, name, a):
        kind = a.get("type", "text").lower()
        if kind in ("submit", "button", "file", "reset", "image"):
            return
        if kind in ("checkbox", "radio"):
            if "checked" in a:
                self._add(name, a.get("value", "on"))
            return
        value = a.get("value", "")
        filler = NAMED_FILLERS.get(name) or FILLERS.get(kind, "")
        self._add(name, value if kind == "hidden" else value or filler)

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_main = False
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, self._text.strip() or FILLERS["textarea"])
            self._textarea = None
        elif tag == "select" and self._select:
            if not any(self.fields.get(self._select, [])):
                self.fields[self._select] = [next((o for o in self._options if o), "")]
            self._select = None


def form_payload(html: str, own_path: str = "") -> dict[str, list[str]]:
    """
    The data a user would submit with the page's own POST form (the one posting to the page
    itself, or to `own_path`), empty fields filled in.
    """
    reader = _FormReader(own_path)
    reader.feed(html)
    return reader.fields


def table_digests() -> dict[str, tuple]:
    """
    Rows inserted, updated and deleted so far in this transaction, per table (PostgreSQL's
    pg_stat_xact_user_tables): any write shows, even one that stores the same values again.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {row[0]: row[1:] for row in cursor.fetchall() if not _ignored(row[0])}


def _ignored(table: str) -> bool:
    return table == "django_session" or table.startswith("axes_")


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in after if before.get(t, (0, 0, 0)) != after[t])
