"""Writes of notifications: other apps notify users through notifications_send()."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from apps.notifications.models import Notification
from crm.locking import locked


@dataclass(frozen=True)
class Message:
    recipient_id: int
    title: str
    body: str = ""
    link: str = ""


def notifications_send(*, messages: list[Message]) -> list[Notification]:
    """Store one notification per message in one INSERT; call it in the caller's transaction."""
    rows = [
        Notification(recipient_id=m.recipient_id, title=m.title[:200], body=m.body, link=m.link)
        for m in messages
    ]
    return Notification.objects.bulk_create(rows, batch_size=1000)


@transaction.atomic
def notification_mark_read(*, actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read (reading twice keeps the first time)."""
    notification = locked(Notification, pk=notification_id)
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    return Notification.objects.unread().filter(recipient=actor).update(read_at=timezone.now())
