import csv
import io
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from apps.rbac.models import AuditEvent, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Long-enough-pass-42"


def new_user_form(**overrides):
    role = Role.objects.get(code="account_manager")
    return {
        "username": "zhang",
        "full_name": "张三",
        "email": "",
        "role": role.pk,
        "is_active": "on",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "submit_token": uuid.uuid4(),
        **overrides,
    }


def test_admin_creates_a_user_who_can_then_log_in(client_as, client):
    admin_client = client_as("admin")

    response = admin_client.post(reverse("rbac:user-create"), new_user_form())

    assert response.status_code == 302
    assert User.objects.get(username="zhang").role.code == "account_manager"
    assert User.objects.get(username="zhang").check_password(GOOD_PASSWORD)


def test_mismatched_passwords_show_an_error_and_create_nothing(client_as):
    response = client_as("admin").post(
        reverse("rbac:user-create"), new_user_form(password2="something-else-42")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(username="zhang").exists()


def test_a_weak_password_is_refused_with_a_translated_message(client_as):
    response = client_as("admin").post(
        reverse("rbac:user-create"),
        new_user_form(password1="12345678", password2="12345678"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert not User.objects.filter(username="zhang").exists()
    assert "密码" in response.content.decode()


@pytest.mark.parametrize("role", ["sales_manager", "account_manager", "executive"])
def test_other_roles_get_403_on_post_and_nothing_changes(client_as, role):
    target = UserFactory(role="account_manager")
    client = client_as(role)

    created = client.post(reverse("rbac:user-create"), new_user_form())
    disabled = client.post(reverse("rbac:user-set-active", args=[target.pk]), {"active": "0"})

    assert (created.status_code, disabled.status_code) == (403, 403)
    assert not User.objects.filter(username="zhang").exists()
    target.refresh_from_db()
    assert target.is_active
    assert not AuditEvent.objects.exists()


def test_the_form_ignores_fields_the_admin_may_not_set(client_as):
    client_as("admin").post(reverse("rbac:user-create"), new_user_form(is_superuser="on"))

    assert User.objects.get(username="zhang").is_superuser is False


def test_an_admin_cannot_disable_himself_and_is_told_why(client_as):
    client = client_as("admin")
    UserFactory(role="admin")

    response = client.post(
        reverse("rbac:user-set-active", args=[client.user.pk]), {"active": "0"}, follow=True
    )

    client.user.refresh_from_db()
    assert client.user.is_active
    assert (
        "disable your own account" in response.content.decode()
        or "停用" in response.content.decode()
        or "禁用" in response.content.decode()
    )


def test_a_disabled_user_is_signed_out_at_his_next_request(client, client_as):
    admin_client = client_as("admin")
    victim = UserFactory(role="account_manager")
    from django.test import Client

    victim_client = Client()
    victim_client.force_login(victim)
    assert victim_client.get(reverse("home")).status_code == 200

    admin_client.post(reverse("rbac:user-set-active", args=[victim.pk]), {"active": "0"})

    assert victim_client.get(reverse("home")).status_code == 302


def test_role_rights_form_grants_pages_with_their_folders(client_as):
    role = Role.objects.create(name="客服", name_en="Support")

    client_as("admin").post(reverse("rbac:role-rights", args=[role.pk]), {"rights": ["L0303"]})

    assert set(role.rights.values_list("code", flat=True)) == {"L03", "L0303"}


def test_audit_page_finds_events_by_record(client_as):
    client = client_as("admin")
    client.post(reverse("rbac:user-create"), new_user_form())

    response = client.get(reverse("rbac:audit-list"), {"record": "张三"})

    events = list(response.context["object_list"])
    assert [e.action for e in events] == ["rbac.user.create"]


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_is_paused_after_repeated_failures_then_refuses_the_right_password(client):
    UserFactory(username="li", role="account_manager", password=GOOD_PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "li", "wrong-password")

    response = login(client, "li", GOOD_PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_unknown_user_and_wrong_password_get_the_same_answer(client):
    UserFactory(username="li", role="account_manager", password=GOOD_PASSWORD)

    unknown = login(client, "nobody", "wrong-password")
    wrong = login(client, "li", "wrong-password")

    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].errors == wrong.context["form"].errors


def test_a_disabled_user_cannot_log_in(client):
    UserFactory(username="li", role="account_manager", password=GOOD_PASSWORD, is_active=False)

    response = login(client, "li", GOOD_PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_gives_a_new_session_and_restores_the_users_language(client):
    UserFactory(username="li", role="account_manager", password=GOOD_PASSWORD, language="en")
    client.get(reverse("login"))
    before = client.cookies.get(settings.SESSION_COOKIE_NAME)

    response = login(client, "li", GOOD_PASSWORD)

    assert response.status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != (before.value if before else "")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_switching_language_is_remembered_on_the_user(client_as):
    client = client_as("executive")

    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    client.user.refresh_from_db()
    assert client.user.language == "en"
    assert "Welcome" in client.get(reverse("home")).content.decode()


def test_logout_ends_the_session(client_as):
    client = client_as("executive")

    client.post(reverse("logout"))

    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "页面不存在"), ("en", "Page not found")]
)
def test_friendly_404_in_both_languages(client_as, language, text):
    response = client_as("executive").get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    assert text in response.content.decode()


def test_user_list_makes_the_same_number_of_queries_for_more_rows(
    client_as, django_assert_max_num_queries
):
    client = client_as("admin")
    UserFactory.create_batch(3, role="account_manager")
    client.get(reverse("rbac:user-list"))  # warm up
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("rbac:user-list"))
    count = len(few.captured_queries)
    UserFactory.create_batch(20, role="account_manager")
    client.get(reverse("rbac:user-list"))  # new users move the access version: warm up again

    with django_assert_max_num_queries(count):
        client.get(reverse("rbac:user-list"))


def test_every_page_carries_the_security_headers(client_as):
    response = client_as("admin").get(reverse("rbac:user-list"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_user_list_exports_the_current_filter_with_formulas_neutralised(client_as):
    client = client_as("admin")
    UserFactory(username="formula", full_name="=HYPERLINK(1)", role="account_manager")
    UserFactory(username="other", role="account_manager")

    response = client.get(reverse("rbac:user-list"), {"username": "formula", "export": "csv"})

    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in body
    assert "other" not in body


def test_user_list_htmx_request_gets_only_the_results(client_as):
    response = client_as("admin").get(reverse("rbac:user-list"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html


def test_user_list_ignores_an_unknown_sort_key(client_as):
    response = client_as("admin").get(reverse("rbac:user-list"), {"sort": "password"})

    assert response.status_code == 200


def test_menu_shows_a_registered_count_next_to_its_page(client_as):
    from crm import hooks

    hooks.register("menu.badge", lambda user: 3, key="L0601")
    try:
        response = client_as("admin").get(reverse("home"))
    finally:
        hooks.unregister("menu.badge", key="L0601")

    assert 'data-testid="badge-L0601">3<' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "label"), [("zh-hans", "客户经理"), ("en", "Account manager")]
)
def test_the_user_export_names_the_role_in_the_page_language(client_as, language, label):
    role = UserFactory(username="exported", role="account_manager").role
    role.name, role.name_en = "客户经理", "Account manager"
    role.save()

    response = client_as("admin").get(
        reverse("rbac:user-list"),
        {"username": "exported", "export": "csv"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (rows[1][0], rows[1][2]) == ("exported", label)


def test_the_user_list_and_its_export_name_each_users_department_and_supervisor(client_as):
    from apps.rbac.models import Department

    sales = Department.objects.add_root({"name": "销售部", "name_en": "Sales"})
    lead = UserFactory(username="lead", role="account_manager", department=sales)
    UserFactory(username="member", role="account_manager", department=sales, supervisor=lead)
    client = client_as("admin")

    page = client.get(reverse("rbac:user-list"), {"username": "member"})
    export = client.get(reverse("rbac:user-list"), {"username": "member", "export": "csv"})

    assert "销售部" in page.content.decode()
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert (rows[1][0], rows[1][3], rows[1][4]) == ("member", "销售部", "lead")


def test_a_supervisor_loop_in_the_user_form_is_refused_on_the_form(client_as):
    from apps.rbac.models import User

    lead = UserFactory(username="lead", role="account_manager")
    member = UserFactory(username="member", role="account_manager", supervisor=lead)
    client = client_as("admin")

    response = client.post(
        reverse("rbac:user-update", args=[lead.pk]),
        {"username": "lead", "role": lead.role_id, "supervisor": member.pk, "is_active": "on"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 200
    assert "这会形成循环" in response.content.decode()
    assert User.objects.get(pk=lead.pk).supervisor is None
