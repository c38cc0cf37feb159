"""Domain errors raised by services and turned into user messages by crm.views.DomainErrorMixin."""

from django.http import Http404


class DomainError(Exception):
    """A business rule refused the action; the message is translated and shown to the user."""


class InvalidTransition(DomainError):
    """The record's current state does not allow the requested move."""


class ConcurrentUpdate(DomainError):
    """Someone else changed the record since the user loaded it, or at the same moment."""


class RecordGone(DomainError, Http404):
    """
    The record was deleted while the user was on it (crm.locking.locked). A view that shows
    domain errors shows its message; anywhere else it is a 404 whose page says so.
    """
