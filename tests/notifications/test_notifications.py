"""The inbox: the bell's count, the list of one's own notifications, marking them read."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.notifications.context_processors import unread_count
from apps.notifications.models import Notification
from apps.notifications.services import Message, notifications_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def inbox() -> str:
    return reverse("notifications:notification-list")


@pytest.fixture
def me(client, account_manager):
    client.force_login(account_manager)
    return account_manager


def notify(user, title="hello", link=""):
    return Notification.objects.create(recipient=user, title=title, link=link)


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_sending_many_notifications_is_one_insert():
    users = [UserFactory() for _ in range(5)]

    with CaptureQueriesContext(connection) as ctx:
        notifications_send(messages=[Message(u.pk, "t", "b", "/x/") for u in users])

    assert (len(ctx.captured_queries), Notification.objects.count()) == (1, 5)


def test_the_bell_count_is_counted_in_one_query_with_the_menu_badges(account_manager):
    notify(account_manager)
    notify(account_manager)
    read = notify(account_manager)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    notify(UserFactory())
    account_manager.get_all_permissions()  # read with the user on every request
    context = unread_count(request_of(account_manager))

    with CaptureQueriesContext(connection) as ctx:
        shown = str(context["notifications_unread"])  # as the template renders it

    assert (shown, len(ctx.captured_queries)) == ("2", 1)


def test_an_anonymous_visitor_gets_no_bell_and_no_query():
    from django.contrib.auth.models import AnonymousUser

    with CaptureQueriesContext(connection) as ctx:
        context = unread_count(request_of(AnonymousUser()))

    assert (context, len(ctx.captured_queries)) == ({}, 0)


def test_the_bell_shows_the_unread_count_and_links_to_the_inbox(account_manager):
    html = render_to_string(
        "notifications/_bell.html", {"user": account_manager, "notifications_unread": 3}
    )

    assert 'data-testid="notification-unread">3<' in html
    assert f'href="{inbox()}"' in html


def test_the_bell_shows_no_badge_when_everything_is_read(account_manager):
    html = render_to_string(
        "notifications/_bell.html", {"user": account_manager, "notifications_unread": 0}
    )

    assert "notification-unread" not in html


def test_the_inbox_lists_only_ones_own_notifications(client, me):
    mine = notify(me, "mine")
    notify(UserFactory(), "someone else's")

    response = client.get(inbox())

    assert list(response.context["object_list"]) == [mine]


def test_marking_one_read_records_the_time(client, me):
    notification = notify(me)

    response = client.post(reverse("notifications:notification-read", args=[notification.pk]))

    notification.refresh_from_db()
    assert response.status_code == 302
    assert notification.read_at is not None


def test_open_marks_read_and_follows_the_link(client, me):
    notification = notify(me, link="/customers/churn/?status=1")

    response = client.post(
        reverse("notifications:notification-read", args=[notification.pk]), {"open": "1"}
    )

    assert response.url == "/customers/churn/?status=1"


def test_a_link_to_another_site_is_not_followed(client, me):
    notification = notify(me, link="https://evil.example/")

    response = client.post(
        reverse("notifications:notification-read", args=[notification.pk]), {"open": "1"}
    )

    assert response.url == inbox()


def test_someone_elses_notification_is_a_404_and_stays_unread(client, me):
    other = notify(UserFactory())

    response = client.post(reverse("notifications:notification-read", args=[other.pk]))

    other.refresh_from_db()
    assert (response.status_code, other.read_at) == (404, None)


def test_mark_all_read_touches_only_ones_own(client, me):
    notify(me)
    notify(me)
    other = notify(UserFactory())

    client.post(reverse("notifications:notification-read-all"))

    other.refresh_from_db()
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert other.read_at is None


@pytest.mark.parametrize("name", ["notification-read-all"])
def test_the_actions_refuse_get(client, me, name):
    assert client.get(reverse(f"notifications:{name}")).status_code == 405
