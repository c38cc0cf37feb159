"""
PostgreSQL restarted under load (issue #9, reliability C). The CRM runs as in production
(gunicorn with the launcher's command, DEBUG off, persistent connections with health checks)
against its own PostgreSQL 15 cluster, which the test stops (a clean `fast` shutdown) for two
seconds, or crashes (`immediate`: WAL recovery at the start that follows), while eight users
browse and write through the real forms. The shared server on 5432 is never touched.
"""

import json
import time

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import DatabaseError, OperationalError

from crm.views import bad_request
from tests.faults.pg_app import Gunicorn, manage, server_env
from tests.faults.pg_cluster import PrivatePostgres, pg_available
from tests.faults.pg_load import (
    PREFIX,
    Load,
    account_manager_loop,
    database_problems,
    describe,
    is_clean_error,
    is_success,
    run_load,
    sales_manager_loop,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.timeout(120),
    pytest.mark.skipif(not pg_available(), reason="PostgreSQL 15 server binaries are missing"),
]

ACCOUNT_MANAGERS, SALES_MANAGERS = 5, 3  # eight users at once, each in a thread
PREPARED_CHANCES = 30  # in development, ready to be won
# Seconds of load before and after the restart; every request started `settled_after` seconds
# after PostgreSQL is back must succeed, and the load goes on until there are enough of them.
TIMING = {"before": 5.0, "after": 9.0, "settled_after": 3.0, "settled_requests": 30}


@pytest.fixture(scope="module")
def crm():
    """A private cluster, a migrated database with two users' sessions, gunicorn on it."""
    started = time.monotonic()
    with PrivatePostgres() as pg:
        pg.create_database("crm")
        env = server_env(pg.url("crm"))
        cluster_ready = time.monotonic()
        # gunicorn's workers boot (no database needed) while the database is prepared
        with Gunicorn(env, pg.root / "gunicorn.log") as web:
            output = manage(
                env,
                "shell",
                "-c",
                "from tests.faults.pg_prepare import main; "
                f"main({ACCOUNT_MANAGERS}, {SALES_MANAGERS}, {PREPARED_CHANCES}, {PREFIX!r})",
            )
            prepared = json.loads(output.strip().splitlines()[-1])
            pg.checkpoint()
            prepared_at = time.monotonic()
            web.wait_ready(timeout=60)
            sessions = prepared["sessions"]
            users = [(key, account_manager_loop) for key in sessions["am1"]]
            users += [(key, sales_manager_loop) for key in sessions["manager"]]
            print(
                f"\n[setup] cluster {cluster_ready - started:.1f} s, migrate and prepare "
                f"{prepared_at - cluster_ready:.1f} s, gunicorn ready "
                f"{time.monotonic() - prepared_at:.1f} s later"
            )
            yield pg, web, prepared, users
            stopping = time.monotonic()
        print(f"\n[teardown] gunicorn {time.monotonic() - stopping:.1f} s")


def gunicorn_log(web) -> str:
    return web.log_path.read_text(errors="replace")[-4000:]


@pytest.mark.parametrize(
    ("mode", "down"),
    [
        # a clean shutdown, then 2 s without a database: every request in that window fails
        ("fast", 2.0),
        # a crash (SIGQUIT to every backend) and at once the start with WAL recovery
        ("immediate", 0.0),
    ],
)
def test_requests_fail_cleanly_during_a_postgresql_restart_and_all_succeed_after_it(
    crm, mode, down
):
    pg, web, prepared, users = crm
    workers = web.worker_pids()
    postmaster = pg.postmaster_pid()
    load = Load(
        port=web.port,
        tag=mode,
        customers=prepared["customers"],
        account_manager_id=prepared["account_manager"],
    )

    began, ended = run_load(load, pg.url("crm"), users, lambda: pg.restart(mode, down), TIMING)

    responses = list(load.responses)
    assert pg.postmaster_pid() != postmaster, "PostgreSQL was not restarted"
    during = [r for r in responses if r.started <= ended and r.started + r.elapsed >= began]
    assert during, "no request was in flight while PostgreSQL restarted"
    if down:  # the outage was felt: the requests made while it lasted got the 503 page
        assert any(r.status == 503 for r in during), "no request noticed the outage"

    # Every answer is a success or the project's own error page: no hang, no bare error.
    bad = [r for r in responses if not (is_success(r) or is_clean_error(r))]
    assert not bad, "\n".join(describe(r, began) for r in bad[:10]) + "\n" + gunicorn_log(web)

    # Back to normal within seconds: the connection health checks replace dead connections.
    settled = [r for r in responses if r.started >= ended + TIMING["settled_after"]]
    assert len(settled) >= TIMING["settled_requests"], f"only {len(settled)} after the restart"
    failed_after = [r for r in settled if not is_success(r)]
    assert not failed_after, "\n".join(describe(r, began) for r in failed_after[:10])

    # A write either went through (redirect to its list) or failed with an error page, never
    # redirected elsewhere (e.g. refused as already submitted or in the wrong state).
    misrouted = [w for w in load.writes if w.response.status == 302 and not w.ok]
    assert not misrouted, "\n".join(describe(w.response, began) for w in misrouted[:10])

    # No half-written record, and every write that answered success is saved.
    problems, stats = database_problems(pg.url("crm"), load.writes)
    assert not problems, "\n".join(problems[:20])
    succeeded = dict.fromkeys(("linkman", "activity", "chance", "win"), 0)
    for write in load.writes:
        succeeded[write.kind] += write.ok
    assert all(succeeded.values()), f"the load did not write every kind of record: {succeeded}"

    # The web server survived with all its workers.
    assert web.process.poll() is None
    assert len(web.worker_pids()) == len(workers), gunicorn_log(web)

    errors = [r for r in responses if not is_success(r)]
    recovery = max((r.started + r.elapsed for r in errors), default=ended) - ended
    print(  # shown with -s: the figures of the report
        f"\n[{mode}] {len(responses)} requests, {len(errors)} clean errors "
        f"({sorted({r.status for r in errors})}), pg_ctl took {ended - began:.2f} s, last error "
        f"{recovery:+.2f} s after it, slowest answer {max(r.elapsed for r in responses):.2f} s; "
        f"writes ok {succeeded}; db {stats}; workers {sorted(workers)} → "
        f"{sorted(web.worker_pids())}; at {time.strftime('%H:%M:%S')}"
    )


def session_lost(cause: Exception) -> SessionInterrupted:
    """What SessionMiddleware raises when saving the session fails with `cause`."""
    try:
        try:
            try:
                raise cause
            except DatabaseError:
                raise UpdateError  # noqa: B904 -- as django.contrib.sessions.backends.db does
        except UpdateError:
            raise SessionInterrupted("The request's session was deleted")  # noqa: B904
    except SessionInterrupted as error:
        return error


def test_a_session_that_could_not_be_saved_because_the_database_is_down_is_a_503(rf):
    response = bad_request(rf.get("/"), session_lost(OperationalError("connection refused")))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "503 · " in response.content.decode()


def test_a_session_deleted_by_a_concurrent_logout_stays_a_400(rf):
    response = bad_request(rf.get("/"), session_lost(DatabaseError("no rows updated")))

    assert response.status_code == 400
