"""The client's address, believing X-Forwarded-For only from trusted reverse proxies.

Behind a reverse proxy every request comes from the proxy's address, so a lockout keyed
on it would lock everybody out at once; but a header believed from anyone lets an
attacker choose the address a lockout is counted for. DANGVIEN_TRUSTED_PROXIES names the
proxies (addresses or networks) whose X-Forwarded-For is read, from the right, skipping
proxies, so the first address not a proxy is the client.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.DANGVIEN_TRUSTED_PROXIES)))


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """Địa chỉ máy của người dùng (REMOTE_ADDR, hoặc X-Forwarded-For qua proxy tin cậy)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not settings.DANGVIEN_TRUSTED_PROXIES or not _is_proxy(remote):
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _valid(hop)
        if address is None:
            return remote  # a forged or broken header: keep the proxy's own address
        if not _is_proxy(address):
            return address
    return remote
