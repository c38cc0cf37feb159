"""
A bounded mixed load on the CRM through its real pages and forms, and the checks that follow
a database fault: how each response looked, and whether the database holds only whole records.

Account managers browse and add linkmen and activities to their customers and close chances
as won (one transaction: chance → won, new customer, its linkman, three audit rows); sales
managers browse and create chances already assigned to the account manager, which the account
managers then win. Every write carries a unique name, so the database can be checked against
what each response said.
"""

import re
import threading
import time
from dataclasses import dataclass, field
from itertools import count

import psycopg

from tests.faults.pg_app import Browser, Response, form_inputs

PREFIX = "PGF"  # every record the load creates starts with it
DEVELOPING, WON = 2, 3


@dataclass
class Write:
    kind: str  # linkman | activity | chance | win
    key: str  # the unique name (or the chance id of a win)
    response: Response
    ok: bool


@dataclass
class Load:
    """Shared state of one run: every response, every write, the chances waiting to be won."""

    port: int
    tag: str  # in every name, so runs on the same database do not mix
    customers: list[int]  # the account manager's customers
    account_manager_id: int
    responses: list[Response] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    to_win: list[int] = field(default_factory=list)
    attempted_wins: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    serial: count = field(default_factory=count)

    def browser(self, session_key: str) -> Browser:
        # list.append is atomic: the threads share the log safely
        return Browser(self.port, cookies={"sessionid": session_key}, log=self.responses)

    def record(self, kind: str, key: str, response: Response, expected_location: str) -> None:
        ok = response.status == 302 and response.location == expected_location
        with self.lock:
            self.writes.append(Write(kind, key, response, ok))

    def name(self, kind: str) -> str:
        return f"{PREFIX}-{kind}-{self.tag}{next(self.serial)}"

    def next_chance(self) -> int | None:
        with self.lock:
            while self.to_win:
                chance_id = self.to_win.pop(0)
                if chance_id not in self.attempted_wins:
                    self.attempted_wins.add(chance_id)
                    return chance_id
        return None


def submit(browser: Browser, form_path: str, data: dict) -> Response | None:
    """GET the form, POST it back with its CSRF and one-time tokens; None if the GET failed."""
    page = browser.get(form_path)
    if page.status != 200:
        return None
    hidden = form_inputs(page.body).values
    tokens = {k: hidden[k] for k in ("csrfmiddlewaretoken", "submit_token") if k in hidden}
    return browser.post(form_path, {**tokens, **data})


def account_manager_loop(load: Load, browser: Browser, worker: int) -> None:
    customers = load.customers
    for step in count():
        if load.stop.is_set():
            return
        customer = customers[(worker + step) % len(customers)]
        browser.get("/")
        browser.get("/customers/")
        browser.get(f"/customers/{customer}/")
        if (worker + step) % 2 == 0:
            name = load.name("linkman")
            response = submit(
                browser,
                f"/customers/{customer}/linkmen/new/",
                {"name": name, "sex": "男", "position": "经理", "tel": "010-62345678"},
            )
            if response:
                load.record("linkman", name, response, f"/customers/{customer}/linkmen/")
        else:
            title = load.name("activity")
            response = submit(
                browser,
                f"/customers/{customer}/activities/new/",
                {"date": "2026-11-30T10:00", "place": "北京", "title": title},
            )
            if response:
                load.record("activity", title, response, f"/customers/{customer}/activities/")
        chance = load.next_chance()
        if chance is not None:
            page = browser.get(f"/marketing/plans/{chance}/execute/")
            if page.status == 200:
                token = form_inputs(page.body).values.get("csrfmiddlewaretoken", "")
                response = browser.post(
                    f"/marketing/chances/{chance}/win/", {"csrfmiddlewaretoken": token}
                )
                load.record("win", str(chance), response, "/marketing/plans/")
            else:  # not tried: it may be won later
                with load.lock:
                    load.attempted_wins.discard(chance)
                    load.to_win.append(chance)


def sales_manager_loop(load: Load, browser: Browser, worker: int) -> None:
    for step in count():
        if load.stop.is_set():
            return
        browser.get("/marketing/chances/")
        name = load.name("chance")
        response = submit(
            browser,
            "/marketing/chances/new/",
            {
                "source": "pgfault",
                "customer_name": name,
                "rate": "60",
                "title": f"{name} title",
                "linkman": f"{name}-contact",
                "tel": "13800000000",
                "description": "created under a database restart",
                "assignee": str(load.account_manager_id),
            },
        )
        if response:
            load.record("chance", name, response, "/marketing/plans/")
        browser.get("/customers/" if step % 2 else "/marketing/plans/")


def feed_chances(load: Load, database_url: str) -> None:
    """The chances the sales managers assigned, queued for the account managers to win."""
    while not load.stop.wait(0.5):
        try:
            with psycopg.connect(database_url, connect_timeout=2) as conn:
                rows = conn.execute(
                    "SELECT id FROM sal_chance WHERE chc_status = %s AND chc_cust_name LIKE %s "
                    "ORDER BY id",
                    [DEVELOPING, f"{PREFIX}-%"],
                ).fetchall()
        except psycopg.Error:
            continue  # the database is restarting
        with load.lock:
            queued = set(load.to_win)
            load.to_win.extend(
                r[0] for r in rows if r[0] not in load.attempted_wins and r[0] not in queued
            )


# What each response looked like ----------------------------------------------------------------

FRIENDLY_ERROR = {500: "500 · ", 503: "503 · "}  # the headings of templates/500.html, 503.html
# Django's debug page, or gunicorn's bare page when the project's error handler failed too
DEBUG_MARKERS = ("Traceback", "DEBUG = True", 'id="traceback"', "<title>Internal Server Error")


def is_success(response: Response) -> bool:
    if response.method == "GET":
        return response.status == 200
    return response.status == 302 and not response.location.startswith("/accounts/login/")


def is_clean_error(response: Response) -> bool:
    """The project's own error page: 503 (database unreachable) or the friendly 500 page."""
    heading = FRIENDLY_ERROR.get(response.status)
    return (
        heading is not None
        and heading in response.body
        and not any(marker in response.body for marker in DEBUG_MARKERS)
    )


def describe(response: Response, fault_start: float) -> str:
    """One line for a failure message; the start is counted from the start of the fault."""
    text = re.sub(r"\s+", " ", response.body)[:200]
    return (
        f"{response.started - fault_start:+.1f} s: {response.method} {response.path} → "
        f"{response.status or response.error} after {response.elapsed:.1f} s "
        f"{response.location} {text}"
    )


# What the database holds ---------------------------------------------------------------------

AUDITED = (
    "marketing.chance.create",
    "marketing.chance.assign",
    "marketing.chance.win",
    "customers.customer.create",
    "customers.linkman.create",
    "customers.activity.create",
)


@dataclass
class Rows:
    """The load's rows (names starting with PREFIX), grouped by name, and their audit rows."""

    chances: list[tuple]  # (id, customer name, contact, status, assignee)
    customers: dict[str, list[tuple]]  # name → [(id, name, manager)]
    linkmen: dict[str, list[tuple]]  # name → [(id, customer, name)]
    activities: dict[str, list[tuple]]  # title → [(id, title)]
    audit: dict[str, dict[str, list[dict]]]  # action → object id → [data]

    def audited(self, action: str, object_id) -> list[dict]:
        return self.audit[action].get(str(object_id), [])


def _grouped(rows, column: int) -> dict[str, list[tuple]]:
    result: dict[str, list[tuple]] = {}
    for row in rows:
        result.setdefault(row[column], []).append(row)
    return result


def read_rows(database_url: str) -> Rows:
    like = f"{PREFIX}-%"
    with psycopg.connect(database_url, connect_timeout=5) as conn:

        def select(query: str):
            return conn.execute(query, [like]).fetchall()

        audit: dict[str, dict[str, list[dict]]] = {action: {} for action in AUDITED}
        for action, object_id, data in conn.execute(
            "SELECT action, object_id, data FROM sys_audit_event WHERE action = ANY(%s)",
            [list(AUDITED)],
        ):
            audit[action].setdefault(object_id, []).append(data)
        return Rows(
            chances=select(
                "SELECT id, chc_cust_name, chc_linkman, chc_status, chc_due_id FROM sal_chance "
                "WHERE chc_cust_name LIKE %s"
            ),
            customers=_grouped(
                select(
                    "SELECT id, cust_name, cust_manager_id FROM cst_customer "
                    "WHERE cust_name LIKE %s"
                ),
                1,
            ),
            linkmen=_grouped(
                select("SELECT id, lkm_cust_id, lkm_name FROM cst_linkman WHERE lkm_name LIKE %s"),
                2,
            ),
            activities=_grouped(
                select("SELECT id, atv_title FROM cst_activity WHERE atv_title LIKE %s"), 1
            ),
            audit=audit,
        )


def chance_problems(rows: Rows) -> list[str]:
    """A chance is created and assigned at once; won means its customer, linkman and audit."""
    problems = []
    for chance_id, name, contact, status, assignee in rows.chances:
        if status not in (DEVELOPING, WON) or assignee is None:
            problems.append(f"chance {name} half created: status {status}, assignee {assignee}")
        for action in ("marketing.chance.create", "marketing.chance.assign"):
            if len(rows.audited(action, chance_id)) != 1:
                problems.append(f"chance {name}: {len(rows.audited(action, chance_id))} {action}")
        made, contacts = rows.customers.get(name, []), rows.linkmen.get(contact, [])
        if status != WON:
            if made or contacts or rows.audited("marketing.chance.win", chance_id):
                problems.append(f"chance {name} not won but has a customer, linkman or win audit")
        elif len(made) != 1:
            problems.append(f"won chance {name} has {len(made)} customers")
        else:
            problems += won_chance_problems(rows, chance_id, name, assignee, made[0], contacts)
    names = {chance[1] for chance in rows.chances}
    problems += [
        f"customer {n} without the chance it was won from" for n in rows.customers.keys() - names
    ]
    return problems


def won_chance_problems(rows: Rows, chance_id, name, assignee, customer, contacts) -> list[str]:
    customer_id, _, manager = customer
    problems = []
    if manager != assignee:
        problems.append(f"customer of chance {name} has manager {manager}, not {assignee}")
    if [c[1] for c in contacts] != [customer_id]:
        problems.append(f"won chance {name}: linkmen {contacts}, expected one of {customer_id}")
    elif len(rows.audited("customers.linkman.create", contacts[0][0])) != 1:
        problems.append(f"linkman of chance {name} lacks its audit row")
    wins = rows.audited("marketing.chance.win", chance_id)
    if [w.get("customer") for w in wins] != [customer_id]:
        problems.append(f"won chance {name}: win audit rows {wins}")
    created = rows.audited("customers.customer.create", customer_id)
    if [c.get("from_chance") for c in created] != [chance_id]:
        problems.append(f"customer of chance {name}: create audit rows {created}")
    return problems


def child_problems(rows: Rows) -> list[str]:
    """Each linkman and activity the load added: saved once, with its audit row."""
    problems = []
    for kind, index in (("linkman", rows.linkmen), ("activity", rows.activities)):
        for name, found in index.items():
            if not name.startswith(f"{PREFIX}-{kind}-"):
                continue  # a won chance's linkman: chance_problems checks it
            if len(found) != 1:
                problems.append(f"{kind} {name} saved {len(found)} times")
            for row in found:
                if len(rows.audited(f"customers.{kind}.create", row[0])) != 1:
                    problems.append(f"{kind} {name} lacks its audit row")
    return problems


def database_problems(database_url: str, writes: list[Write]) -> tuple[list[str], dict]:
    """Every inconsistency between the rows, their audit trail and the successful responses."""
    rows = read_rows(database_url)
    problems = chance_problems(rows) + child_problems(rows)
    present = {
        "linkman": set(rows.linkmen),
        "activity": set(rows.activities),
        "chance": {chance[1] for chance in rows.chances},
        "win": {str(chance[0]) for chance in rows.chances if chance[3] == WON},
    }
    problems += [
        f"{w.kind} {w.key} answered success but is not saved"
        for w in writes
        if w.ok and w.key not in present[w.kind]
    ]
    stats = {
        "chances": len(rows.chances),
        "won": len(present["win"]),
        "linkmen": sum(map(len, rows.linkmen.values())),
        "activities": sum(map(len, rows.activities.values())),
        # answered with an error page, yet whole in the database (e.g. the commit went
        # through and the session save after it failed): allowed, counted for the report
        "errored_writes_committed": sum(1 for w in writes if not w.ok and w.key in present[w.kind]),
    }
    return problems, stats


def run_load(
    load: Load, database_url: str, users: list, fault, timing: dict
) -> tuple[float, float]:
    """
    Run one thread per (session key, loop) of `users`: timing["before"] seconds, then `fault()`
    (timed), then at least timing["after"] seconds and until timing["settled_requests"] have
    started timing["settled_after"] seconds after the fault (at most twice as long).
    Returns (fault start, fault end) in time.monotonic().
    """
    threads = [
        threading.Thread(target=loop, args=(load, load.browser(key), i), daemon=True)
        for i, (key, loop) in enumerate(users)
    ]
    threads.append(threading.Thread(target=feed_chances, args=(load, database_url), daemon=True))
    for thread in threads:
        thread.start()
    try:
        time.sleep(timing["before"])
        began = time.monotonic()
        fault()
        ended = time.monotonic()
        settled_from = ended + timing["settled_after"]
        while time.monotonic() < ended + 2 * timing["after"]:
            settled = sum(1 for r in list(load.responses) if r.started >= settled_from)
            if (
                time.monotonic() >= ended + timing["after"]
                and settled >= timing["settled_requests"]
            ):
                break
            time.sleep(0.2)
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)  # a step is at most a few requests of 10 s each
    return began, ended
