"""Security events to the `crm.security` log: logins, failures, logouts. Never secrets."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from crm.client_address import client_address

logger = logging.getLogger("crm.security")


def _client(request) -> str:
    return (client_address(request) or "-") if request is not None else "-"


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    logger.info("login success user=%s ip=%s", user.username, _client(request))


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs):
    logger.warning(
        "login failure user=%s ip=%s", credentials.get("username", "-"), _client(request)
    )


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    logger.info("logout user=%s ip=%s", getattr(user, "username", "-"), _client(request))
