"""
Helpers of the reliability tests (RELIABILITY §2.2): N signed-in browsers whose requests start
together, each on its own thread and database connection, and a proof that they overlapped.

The proof: the first request through the locked section keeps its transaction open until the
other N-1 requests are seen in PostgreSQL waiting for a lock. Only then does it commit, so the
others decide on what it committed. Without the lock nobody waits; a second request gets
through the section and the test sees two winners.
"""

import functools
import html
import importlib
import threading
import time
from collections.abc import Callable

import psycopg
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client

PARTIES = 20
WAIT = 20  # seconds: the bound of every wait here
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def browsers(users, *, same_session: bool = False) -> list[Client]:
    """A signed-in test client per user; same_session: all share the first one's session."""
    clients = []
    for user in users:
        client = Client()
        if same_session and clients:
            session = clients[0].cookies[settings.SESSION_COOKIE_NAME].value
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        else:
            client.force_login(user)
        clients.append(client)
    return clients


def run_together(calls: list[Callable]) -> list:
    """Run each call on its own thread and connection, released at once; their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=WAIT)
            outcomes[index] = call()
        except Exception as error:  # the outcome under test, whatever it is
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 3 * WAIT
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0))
    assert not any(thread.is_alive() for thread in threads), "a request did not finish"
    return outcomes


def raw_connection(*, autocommit: bool = True) -> psycopg.Connection:
    """A connection of its own to the test database, outside Django."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        password=db["PASSWORD"] or None,
        autocommit=autocommit,
    )


def lock_waiters() -> int:
    """How many sessions of this test database wait for a lock right now."""
    with raw_connection() as watcher:
        return watcher.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()[0]


class LockHolder:
    """
    Wraps a function that runs inside the protected section (after the lock, before commit).
    Its first caller that gets through holds on until `waiters` sessions wait for a lock (at
    most WAIT seconds); `seen` is how many did, `passed` how many callers got through.
    """

    def __init__(self, waiters: int):
        self.waiters, self.passed, self.seen = waiters, 0, None
        self._mutex = threading.Lock()

    def wrap(self, function):
        @functools.wraps(function)
        def held(*args, **kwargs):
            result = function(*args, **kwargs)
            with self._mutex:
                self.passed += 1
                first = self.passed == 1
            if first:
                self.seen = self._wait()
            return result

        return held

    def _wait(self) -> int:
        return wait_for_lock_waiters(self.waiters)


def wait_for_lock_waiters(count: int) -> int:
    """Wait (at most WAIT seconds) until `count` sessions wait for a lock; how many were seen."""
    deadline, seen = time.monotonic() + WAIT, 0
    while time.monotonic() < deadline:
        seen = max(seen, lock_waiters())
        if seen >= count:
            break
        time.sleep(0.02)
    return seen


class Ahead:
    """
    Puts one request ahead of another that races it. The leader's call of a wrapped function
    (inside its locked section) lets the follower start, then holds the leader there until the
    follower waits for a lock: the follower meets the leader's locks, whatever they are, and
    the leader goes on while the follower waits. `seen` is how many waiters the leader saw.
    """

    def __init__(self):
        self.inside, self.leader, self.seen = threading.Event(), None, None

    def wrap(self, function):
        @functools.wraps(function)
        def held(*args, **kwargs):
            result = function(*args, **kwargs)
            if threading.current_thread() is self.leader and not self.inside.is_set():
                self.inside.set()
                self.seen = wait_for_lock_waiters(1)
            return result

        return held

    def lead(self, call: Callable) -> Callable:
        def leading():
            self.leader = threading.current_thread()
            return call()

        return leading

    def follow(self, call: Callable) -> Callable:
        def following():
            assert self.inside.wait(WAIT), "the leading request never reached its locked section"
            return call()

        return following


def told(response) -> str:
    """What the user reads after a request: the page's text and the flashed messages."""
    said = [str(message) for message in get_messages(response.wsgi_request)]
    return "\n".join([html.unescape(response.content.decode()), *said])


def fingerprint() -> dict[str, tuple[int, str]]:
    """{table: (rows, digest of its content)} of every table of the test database."""
    quote = connection.ops.quote_name
    result = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            # The name comes from the database's own catalogue, quoted: not input.
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
                f"FROM {quote(table)} t"
            )
            result[table] = cursor.fetchone()
    return result


# Not business data: a request may save its session (crm.middleware.SessionTouchMiddleware,
# the inactivity timeout); the reports' triggers log one row per statement that touched a source.
BOOKKEEPING = {"django_session", "rpt_data_change"}


def changes(before: dict, after: dict) -> dict[str, int]:
    """{table: rows added} of the tables whose content changed (0: rows changed in place)."""
    return {
        table: after[table][0] - before.get(table, (0, ""))[0]
        for table in after
        if after[table] != before.get(table) and table not in BOOKKEEPING
    }


def table(model) -> str:
    return model._meta.db_table


def resolve(dotted: str):
    """The object a dotted path names (what monkeypatch.setattr replaces)."""
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)
