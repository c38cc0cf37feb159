"""The one helper every state transition goes through (STYLE §2.5)."""

from django.utils.translation import gettext as _

from crm.exceptions import InvalidTransition


def transition(obj, *, to) -> str:
    """Move obj.status to `to` if its model's TRANSITIONS allow it; return the old status."""
    allowed = type(obj).TRANSITIONS.get(obj.status, set())
    if to not in allowed:
        status_field = type(obj)._meta.get_field("status")
        labels = dict(status_field.flatchoices)
        raise InvalidTransition(
            _("This record is “%(current)s”; it cannot become “%(target)s”.")
            % {"current": labels.get(obj.status, obj.status), "target": labels.get(to, to)}
        )
    old, obj.status = obj.status, to
    return old
