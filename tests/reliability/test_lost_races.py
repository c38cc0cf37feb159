"""
Which database error the user is told what (defects issue, item 3). A deadlock or a
serialization failure is a race someone lost, not an outage: the service runs again, and if it
keeps losing the user is asked to try again (a 409, or the message on his form). Only a
connection that failed shows the "database unavailable" page (503). The errors are PostgreSQL's
own: a real deadlock between two sessions, the SQLSTATE raised by the server, a connection the
server ends or refuses.
"""

import socket
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.customers.models import Customer, Linkman
from crm.exceptions import ConcurrentUpdate
from crm.locking import ATTEMPTS, atomic_retried, locked
from tests.customers.factories import LinkmanFactory
from tests.factories import CustomerFactory
from tests.reliability.parallel import WAIT, ZH, raw_connection, told, wait_for_lock_waiters
from tests.reliability.test_racing_deletes import AUDITED, linkman_form, zh

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def conflict_zh() -> str:
    return zh("Someone else changed this record at the same moment. Try again.")


def raising(errcode: str):
    """An audit call that fails with PostgreSQL's error `errcode`; `calls` counts them."""

    def audit(*args, **kwargs):
        audit.calls += 1
        with connection.cursor() as cursor:
            raise_it = f"RAISE EXCEPTION 'lost' USING ERRCODE = '{errcode}'"
            cursor.execute(f"DO $$ BEGIN {raise_it}; END $$")

    audit.calls = 0
    return audit


def browser(user) -> Client:
    """A signed-in browser that gets the error page a server error shows, as a user would."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("errcode", ["deadlock_detected", "serialization_failure"])
def test_a_lost_race_that_reaches_the_error_page_is_a_conflict_not_the_database_down(
    errcode, monkeypatch
):
    customer = CustomerFactory()
    monkeypatch.setattr(AUDITED, raising(errcode))

    response = browser(customer.manager).post(
        reverse("customers:customer-delete", args=[customer.pk]), **ZH
    )

    assert response.status_code == 409
    assert conflict_zh() in told(response)
    assert "Retry-After" not in response
    customer.refresh_from_db()
    assert customer.status == Customer.Status.NORMAL  # rolled back


@pytest.mark.parametrize("form", ["linkman delete", "linkman edit"])
def test_a_service_that_keeps_losing_a_deadlock_runs_again_then_tells_the_user(form, monkeypatch):
    linkman = LinkmanFactory()
    audit = raising("deadlock_detected")
    monkeypatch.setattr(AUDITED, audit)
    monkeypatch.setattr("apps.customers.services.customers.audit_record_changes", audit)
    client = browser(linkman.customer.manager)

    if form == "linkman delete":
        response = client.post(reverse("customers:linkman-delete", args=[linkman.pk]), **ZH)
        assert response.status_code == 409
    else:
        url = reverse("customers:linkman-update", args=[linkman.pk])
        response = client.post(url, linkman_form(linkman, position="总经理"), **ZH)
        assert response.status_code == 200  # the form again, with the message on it

    assert audit.calls == ATTEMPTS
    assert conflict_zh() in told(response)
    assert Linkman.objects.get(pk=linkman.pk).position == linkman.position


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens there once the socket is closed


def server_ends_the_connection(*args, **kwargs):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


def connection_refused(*args, **kwargs):
    settings = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": closed_port()}
    type(connections["default"])(settings).ensure_connection()  # a second, unshared wrapper


@pytest.mark.parametrize("failure", [server_ends_the_connection, connection_refused])
def test_a_failed_connection_is_the_database_unavailable_page(failure, monkeypatch):
    customer = CustomerFactory()
    monkeypatch.setattr(AUDITED, failure)

    response = browser(customer.manager).post(
        reverse("customers:customer-delete", args=[customer.pk]), **ZH
    )
    connection.close()  # the test's own connection, if it was the one ended

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    with translation.override("zh-hans"):
        assert _("Service unavailable") in response.content.decode()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.NORMAL


class Rival:
    """
    Another session that locks `second`, then `first`, once per turn, `rounds` turns at most:
    against a transaction that holds `first` and then asks for `second`, a deadlock. It waits
    long before it checks for deadlocks, so PostgreSQL aborts the other transaction, not this.
    """

    def __init__(self, first: int, second: int, rounds: int):
        self.first, self.second, self.left, self.stopped = first, second, rounds, False
        self.go, self.holding = threading.Semaphore(0), threading.Semaphore(0)
        self.thread = threading.Thread(target=self._run, args=(rounds,))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped = True
        self.go.release()  # a turn still awaited ends the rival
        self.thread.join(WAIT)

    def turn(self) -> None:
        """Called by the other transaction, holding `first`: the rival takes `second`, waits."""
        if self.left:
            self.left -= 1
            self.go.release()
            assert self.holding.acquire(timeout=WAIT)
            assert wait_for_lock_waiters(1) == 1  # the rival waits for `first`

    def _run(self, rounds: int):
        lock = "SELECT 1 FROM cst_customer WHERE id = %s FOR UPDATE"
        with raw_connection(autocommit=False) as conn:
            conn.execute("SET deadlock_timeout = '60s'")
            conn.commit()
            for _round in range(rounds):
                if not self.go.acquire(timeout=WAIT) or self.stopped:
                    return
                conn.execute(lock, [self.second])
                self.holding.release()
                conn.execute(lock, [self.first])
                conn.commit()


def lock_both(first: Customer, second: Customer, rival: Rival, attempts: list):
    @atomic_retried
    def service():
        attempts.append(len(attempts) + 1)
        locked(Customer, pk=first.pk)
        rival.turn()
        locked(Customer, pk=second.pk)
        Customer.objects.filter(pk=first.pk).update(name="锁定成功")

    return service


def test_a_service_that_lost_a_real_deadlock_runs_again_and_succeeds():
    first, second = CustomerFactory(), CustomerFactory()
    attempts = []

    with Rival(first.pk, second.pk, rounds=1) as rival:
        lock_both(first, second, rival, attempts)()

    assert attempts == [1, 2]
    first.refresh_from_db()
    assert first.name == "锁定成功"


def test_a_service_that_loses_every_deadlock_asks_the_user_to_try_again():
    first, second = CustomerFactory(), CustomerFactory()
    attempts = []

    with (
        Rival(first.pk, second.pk, rounds=ATTEMPTS) as rival,
        translation.override("zh-hans"),
        pytest.raises(ConcurrentUpdate) as refused,
    ):
        lock_both(first, second, rival, attempts)()

    assert attempts == list(range(1, ATTEMPTS + 1))
    assert str(refused.value) == conflict_zh()
    first.refresh_from_db()
    assert first.name != "锁定成功"
