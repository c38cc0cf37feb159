"""
Login and sessions beyond tests/rbac/test_views.py: the throttle lifts after its cool-off and
is keyed on (username, address); unknown users cost the same hashing as wrong passwords; every
login, failure, logout and refused access is logged, never with a password or session id;
session cookies and lifetimes; the production hasher and password rules.
"""

import json
import logging
import os
import secrets
import statistics
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import CustomerFactory, UserFactory
from tests.security.support import FILLERS, form_payload

pytestmark = pytest.mark.django_db

PASSWORD = "Long-enough-pass-42"
SECRET_WRONG = "Wrong-Secret-Value-77"


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def lock_out(client, username, address="10.0.0.1"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, username, SECRET_WRONG, address)


# Throttling ---------------------------------------------------------------------------------


def test_a_paused_login_works_again_after_the_cool_off(client):
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    lock_out(client, "li")
    assert login(client, "li", PASSWORD).status_code == 429

    past = settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    for attempt in AccessAttempt.objects.all():  # the failures are now older than the cool-off
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)

    assert login(client, "li", PASSWORD).status_code == 302


def test_an_attacker_elsewhere_cannot_lock_a_colleague_out(client):
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    lock_out(Client(), "li", address="203.0.113.9")

    assert login(client, "li", PASSWORD, address="10.0.0.1").status_code == 302


# Behind the load balancer: the proxy's X-Forwarded-For names the client, from it alone -------

PROXY = "172.28.0.10"  # docker-compose.yml: lb's address, web's TRUSTED_PROXIES


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def login_via(client, username, password, *, forwarded_for: str, address: str = PROXY):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def fail_via(username, times: int, *, forwarded_for: str, address: str = PROXY):
    for _ in range(times):
        login_via(Client(), username, SECRET_WRONG, forwarded_for=forwarded_for, address=address)


def test_through_the_proxy_failures_of_one_client_do_not_lock_the_user_out_for_another(
    client, behind_proxy
):
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    fail_via("li", settings.AXES_FAILURE_LIMIT, forwarded_for="198.51.100.7")

    assert login_via(Client(), "li", PASSWORD, forwarded_for="198.51.100.7").status_code == 429
    assert login_via(client, "li", PASSWORD, forwarded_for="198.51.100.8").status_code == 302


def test_through_the_proxy_two_clients_are_counted_separately(client, behind_proxy):
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    almost = settings.AXES_FAILURE_LIMIT - 1
    fail_via("li", almost, forwarded_for="198.51.100.7")
    fail_via("li", almost, forwarded_for="198.51.100.8")

    assert sorted(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [
        ("198.51.100.7", almost),
        ("198.51.100.8", almost),
    ]
    assert login_via(client, "li", PASSWORD, forwarded_for="198.51.100.7").status_code == 302


def test_what_a_client_writes_into_x_forwarded_for_itself_is_ignored_behind_the_proxy(
    behind_proxy,
):
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    # The client sent a header of its own; the proxy appended the address it really came from.
    fail_via("li", settings.AXES_FAILURE_LIMIT, forwarded_for="192.0.2.1, 198.51.100.7")

    spoofed = "192.0.2.99, 198.51.100.7"
    assert login_via(Client(), "li", PASSWORD, forwarded_for=spoofed).status_code == 429


def test_a_direct_client_sending_x_forwarded_for_is_keyed_on_its_own_address(client, behind_proxy):
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    fail_via("li", settings.AXES_FAILURE_LIMIT, forwarded_for="198.51.100.7", address="203.0.113.9")

    other_claim = login_via(
        Client(), "li", PASSWORD, forwarded_for="198.51.100.8", address="203.0.113.9"
    )
    assert other_claim.status_code == 429  # a new X-Forwarded-For does not get it past the pause
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
    # and the address it named is not locked out
    assert login_via(client, "li", PASSWORD, forwarded_for="198.51.100.7").status_code == 302


def test_without_trusted_proxies_the_header_is_ignored_even_from_the_proxy(client):
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    fail_via("li", settings.AXES_FAILURE_LIMIT, forwarded_for="198.51.100.7")

    assert login_via(client, "li", PASSWORD, forwarded_for="198.51.100.8").status_code == 429


def test_the_cool_off_is_a_pause_not_a_permanent_lock():
    assert settings.AXES_COOLOFF_TIME is not None
    assert timedelta(0) < settings.AXES_COOLOFF_TIME <= timedelta(hours=1)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


# The same answer and cost for unknown users and wrong passwords -----------------------------


class CountingHasher(PBKDF2PasswordHasher):
    """PBKDF2 at a cost big enough to time, counting how often a password is hashed."""

    algorithm = "pbkdf2_counting"
    iterations = 60_000
    calls = 0

    def encode(self, password, salt, iterations=None):
        CountingHasher.calls += 1
        return super().encode(password, salt, iterations)


def test_an_unknown_user_costs_the_same_password_hashing_as_a_wrong_password(client, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    timings = {"unknown": [], "wrong": []}
    hashed = {}
    for round_ in range(4):
        for case, username in [("unknown", f"nobody{round_}"), ("wrong", "li")]:
            AccessAttempt.objects.all().delete()  # stay under the throttle
            CountingHasher.calls = 0
            started = time.perf_counter()
            response = login(client, username, SECRET_WRONG)
            timings[case].append(time.perf_counter() - started)
            hashed[case] = CountingHasher.calls
            assert response.status_code == 200

    assert hashed["unknown"] == hashed["wrong"] >= 1
    unknown, wrong = statistics.median(timings["unknown"]), statistics.median(timings["wrong"])
    assert 0.4 < unknown / wrong < 2.5, timings


# Security log -------------------------------------------------------------------------------


def logged(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "crm.security")


def test_every_login_success_failure_and_logout_is_logged_without_secrets(client, caplog):
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    caplog.set_level(logging.INFO, logger="crm.security")

    login(client, "li", SECRET_WRONG)
    login(client, "nobody", SECRET_WRONG)
    login(client, "li", PASSWORD)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))

    text = logged(caplog)
    assert "login failure user=li" in text
    assert "login failure user=nobody" in text
    assert "login success user=li" in text
    assert "logout user=li" in text
    for secret in [PASSWORD, SECRET_WRONG, session_id]:
        assert secret not in text
    assert PASSWORD not in caplog.text
    assert session_id not in caplog.text


@pytest.mark.parametrize(
    ("role", "url_name", "expected"),
    [
        ("executive", "customers:customer-list", 403),  # the role lacks the page
        ("account_manager", "rbac:user-list", 403),
        ("account_manager", "customers:customer-detail", 404),  # a colleague's customer
    ],
)
def test_every_refused_access_is_logged_with_who_and_where(
    client, caplog, role, url_name, expected
):
    user = UserFactory(role=role)
    client.force_login(user)
    caplog.set_level(logging.INFO, logger="crm.security")
    kwargs = {"pk": CustomerFactory().pk} if "detail" in url_name else {}
    url = reverse(url_name, kwargs=kwargs)

    assert client.get(url).status_code == expected

    text = logged(caplog)
    assert f"user={user.username}" in text
    assert url in text
    assert client.cookies[settings.SESSION_COOKIE_NAME].value not in caplog.text


def test_a_refused_csrf_post_is_logged(caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role="account_manager"))
    caplog.set_level(logging.INFO, logger="crm.security")

    assert client.post(reverse("marketing:chance-create"), {}).status_code == 403

    assert "csrf failure" in logged(caplog)


# Sessions -----------------------------------------------------------------------------------


def test_the_session_cookie_is_http_only_and_same_site(client):
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    login(client, "li", PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]

    assert cookie["httponly"]
    assert cookie["samesite"] in ("Lax", "Strict")


def test_sessions_expire_after_inactivity_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    # The age counts from the last request, give or take the touch interval.
    assert settings.CRM_SESSION_TOUCH_SECONDS <= 300


def test_a_request_moves_the_session_expiry_once_the_touch_interval_passed(client, settings):
    client.force_login(UserFactory(role="account_manager"))
    assert client.get(reverse("home")).status_code == 200  # the first page touches it
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)

    settings.CRM_SESSION_TOUCH_SECONDS = 3600  # not yet due: no write
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == soon

    settings.CRM_SESSION_TOUCH_SECONDS = 0  # due: the request saves it, a full age ahead
    assert client.get(reverse("home")).status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_expired_session_no_longer_signs_the_user_in(client):
    client.force_login(UserFactory(role="account_manager"))
    assert client.get(reverse("home")).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date="2000-01-01T00:00Z")

    assert client.get(reverse("home")).status_code == 302


def test_logout_deletes_the_session_on_the_server(client):
    UserFactory(username="li", role="account_manager", password=PASSWORD)
    login(client, "li", PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=key).exists()
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key  # a copied cookie is worth nothing
    assert stolen.get(reverse("home")).status_code == 302


def test_a_password_change_by_the_admin_ends_the_users_other_sessions(client):
    victim = UserFactory(role="account_manager", password=PASSWORD)
    client.force_login(victim)
    admin = Client()
    admin.force_login(UserFactory(role="admin"))
    url = reverse("rbac:user-password", args=[victim.pk])
    page = admin.get(url)
    assert page.status_code == 200

    assert admin.post(url, form_payload(page.content.decode(), url)).status_code == 302
    victim.refresh_from_db()
    assert victim.check_password(FILLERS["password"])

    assert client.get(reverse("home")).status_code == 302


# Production settings ------------------------------------------------------------------------


TEST_ONLY_VARIABLES = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "SECURE_HTTPS", "DEBUG"}
SHOW_SETTINGS = (
    "import json, crm.settings as s; print(json.dumps({k: getattr(s, k) for k in ["
    "'PASSWORD_HASHERS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SESSION_COOKIE_HTTPONLY', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS']}))"
)


def production_settings() -> dict:
    """crm.settings as production loads it (not crm.settings_test, which uses MD5)."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env.update(SECRET_KEY=secrets.token_urlsafe(64), DEBUG="false")
    result = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_hashes_passwords_with_pbkdf2_or_argon2_and_marks_cookies_secure():
    production = production_settings()

    assert production["PASSWORD_HASHERS"][0].rsplit(".", 1)[-1] in {
        "PBKDF2PasswordHasher",
        "Argon2PasswordHasher",
        "ScryptPasswordHasher",
    }
    assert "MD5" not in " ".join(production["PASSWORD_HASHERS"])
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000


@pytest.mark.parametrize(
    "password",
    ["short1!", "password123", "1234567890123", "12345678", "li-zhang-li", "qwertyuiop"],
)
def test_weak_passwords_are_refused(password):
    user = UserFactory.build(username="li-zhang-li", full_name="li zhang", email="li@example.com")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_passphrase_is_accepted():
    validate_password("correct horse battery staple " * 2)


# Headers on every kind of answer -----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "method", "url_name", "status"),
    [
        (None, "get", "home", 302),  # to the login page
        (None, "get", "login", 200),
        ("executive", "get", "customers:customer-list", 403),
        ("executive", "get", "jobs:job-list", 200),
        ("executive", "post", "home", 405),
        ("account_manager", "get", "customers:customer-detail", 404),
    ],
)
def test_error_and_redirect_answers_carry_the_security_headers_too(
    client, role, method, url_name, status
):
    if role:
        client.force_login(UserFactory(role=role))
    kwargs = {"pk": CustomerFactory().pk} if url_name.endswith("detail") else {}

    response = getattr(client, method)(reverse(url_name, kwargs=kwargs))

    assert response.status_code == status
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
