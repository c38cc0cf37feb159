"""
The client's network address, for login throttling (django-axes) and the security log.

Behind the load balancer every request comes from the proxy, and the client is named in the
X-Forwarded-For header that it appends to (nginx's $proxy_add_x_forwarded_for). Anyone can send
that header, so it is read only when the request itself comes from a proxy in TRUSTED_PROXIES
(addresses or networks), and then from the right: the first hop that is not a trusted proxy is
the client. What a client wrote into the header itself sits further left and is never reached.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request) -> str | None:
    """The address of whoever sent `request`: REMOTE_ADDR, or the client a trusted proxy names."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(_parse(remote), networks):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _parse(hop.strip())
        if address is None:
            return remote  # a trusted proxy passed on something unreadable: go no further
        if not _is_trusted(address, networks):
            return str(address)
    return remote


@lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error


def _parse(text: str | None) -> Address | None:
    try:
        return ipaddress.ip_address(text or "")
    except ValueError:
        return None


def _is_trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)
