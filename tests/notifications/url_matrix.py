"""
URL matrix entries of the notifications app (tests/rbac/test_url_matrix.py). Rename this file
to url_matrix.py once crm/urls.py includes apps.notifications.urls: the matrix test merges every
tests/<package>/url_matrix.py.
"""

from tests.rbac.url_matrix import ADMIN, AM, ANON, EX, LOGIN, SM, only

EVERYONE = only(ADMIN, SM, AM, EX)
POST_ONLY = {ANON: LOGIN, ADMIN: 405, SM: 405, AM: 405, EX: 405}

EXPECTED = {
    "notifications:notification-list": EVERYONE,
    "notifications:notification-read": POST_ONLY,
    "notifications:notification-read-all": POST_ONLY,
}

SAMPLES = {
    ("notifications:notification-read", "pk"): lambda: _notification_pk(),
}


def _notification_pk():
    from apps.notifications.models import Notification
    from tests.factories import UserFactory

    return Notification.objects.create(recipient=UserFactory(), title="sample").pk
