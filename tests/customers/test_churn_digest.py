"""The digest after a scan: one notification and one e-mail per manager with new warnings."""

import logging
import socket

import pytest
from django.core import mail

from apps.customers.services import churn_scan
from apps.notifications.models import Notification
from tests.customers.churn_factories import ChurnFactory, months_ago, old_customer, order
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def dormant_customers(manager, count):
    for _ in range(count):
        order(old_customer(manager=manager), months_ago(8))


@pytest.fixture
def managers():
    """Two managers with new warnings (2 and 1), one whose customer already has a warning."""
    first, second, quiet = (UserFactory(role="account_manager") for _ in range(3))
    dormant_customers(first, 2)
    dormant_customers(second, 1)
    ChurnFactory(customer=old_customer(manager=quiet))
    return first, second, quiet


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_each_manager_with_new_warnings_gets_one_notification(managers):
    first, second, _quiet = managers

    churn_scan()

    counts = dict(Notification.objects.values_list("recipient", "title"))
    assert set(counts) == {first.pk, second.pk}
    assert counts[first.pk].startswith("2")
    assert Notification.objects.get(recipient=second).link == "/customers/churn/?status=1"


def test_each_manager_with_new_warnings_gets_one_e_mail(managers):
    first, second, _quiet = managers

    churn_scan()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    assert "/customers/churn/?status=1" in mail.outbox[0].body


def test_the_digest_speaks_the_managers_language():
    manager = UserFactory(role="account_manager", language="en")
    dormant_customers(manager, 3)

    churn_scan()

    assert Notification.objects.get().title == "3 new churn warnings"


def test_a_manager_without_an_e_mail_address_is_notified_in_the_app_only():
    dormant_customers(UserFactory(role="account_manager", email=""), 1)

    churn_scan()

    assert (Notification.objects.count(), len(mail.outbox)) == (1, 0)


def test_a_disabled_manager_is_not_notified():
    dormant_customers(UserFactory(role="account_manager", is_active=False), 1)

    run = churn_scan()

    assert (run.warned, run.notified, Notification.objects.count()) == (1, 0, 0)


def test_a_second_scan_sends_no_second_digest(managers):
    churn_scan()

    churn_scan()

    assert (Notification.objects.count(), len(mail.outbox)) == (2, 2)


def test_a_mail_server_that_is_down_loses_no_notification_and_fails_no_scan(
    managers, settings, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    with caplog.at_level(logging.ERROR, logger="apps.customers.services.churn_digest"):
        run = churn_scan()

    run.refresh_from_db()
    assert (run.is_done, run.warned, run.notified, run.mail_failed) == (True, 3, 2, 2)
    assert Notification.objects.count() == 2
    assert "could not be sent" in caplog.text
