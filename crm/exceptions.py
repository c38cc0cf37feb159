"""Domain errors raised by services and turned into user messages by crm.views.DomainErrorMixin."""


class DomainError(Exception):
    """A business rule refused the action; the message is translated and shown to the user."""


class InvalidTransition(DomainError):
    """The record's current state does not allow the requested move."""


class ConcurrentUpdate(DomainError):
    """Someone else changed the record since the user loaded it."""
