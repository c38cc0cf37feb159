"""
The churn digest (SPEC §8.1): after a scan, each account manager with new warnings gets one
in-app notification and one e-mail, not one per customer.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Count
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from apps.customers.models import Churn, ChurnScanRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    manager_id: int
    email: str
    title: str
    body: str
    link: str


def _digest(row: dict, *, months: int, link: str) -> Digest:
    count = row["count"]
    with translation.override(row["manager__language"] or settings.LANGUAGE_CODE):
        title = ngettext("%(count)d new churn warning", "%(count)d new churn warnings", count) % {
            "count": count
        }
        body = ngettext(
            "%(count)d of your customers has not ordered for %(months)d months. Open the "
            "churn list to postpone or confirm the warning.",
            "%(count)d of your customers have not ordered for %(months)d months. Open the "
            "churn list to postpone or confirm each warning.",
            count,
        ) % {"count": count, "months": months}
    return Digest(row["manager"], row["manager__email"], title, body, link)


def churn_digest_notify(*, run: ChurnScanRun) -> list[Digest]:
    """
    One notification per active manager with warnings from `run` (one aggregate query and one
    INSERT); the caller's transaction makes them part of the run.
    """
    from apps.notifications.services import Message, notifications_send

    rows = (
        Churn.objects.filter(scan_run=run, status=Churn.Status.WARNING, manager__is_active=True)
        .values("manager", "manager__email", "manager__language")
        .annotate(count=Count("pk"))
        .order_by("manager")
    )
    link = f"{reverse('customers:churn-list')}?status={Churn.Status.WARNING.value}"
    digests = [
        _digest(row, months=run.months or settings.CRM_CHURN_MONTHS, link=link) for row in rows
    ]
    notifications_send(messages=[Message(d.manager_id, d.title, d.body, d.link) for d in digests])
    return digests


def churn_digest_mail(digests: list[Digest]) -> int:
    """
    Send each digest by e-mail over one connection; returns how many were not sent. A mail
    server that is down or refuses is logged, never raised: the notifications are already
    stored, and the scan's work must not be undone for it.
    """
    base_url = getattr(settings, "CRM_BASE_URL", "")
    mails = [
        EmailMessage(d.title, f"{d.body}\n\n{base_url}{d.link}\n", to=[d.email])
        for d in digests
        if d.email
    ]
    if not mails:
        return 0
    try:
        with get_connection(fail_silently=False) as connection:
            sent = connection.send_messages(mails) or 0
    except Exception:
        logger.exception("churn digest: %d e-mails could not be sent", len(mails))
        return len(mails)
    return len(mails) - sent
