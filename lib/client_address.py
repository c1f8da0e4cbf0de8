"""The address a request came from, seen through CAP's own proxies.

Each trusted proxy in front of CAP (the load balancer that ends TLS, say) appends the
address it was reached from to X-Forwarded-For. With TRUSTED_PROXY_COUNT proxies, the
client's address is the entry that many places from the right: the entries further left
were written by the client or by proxies we do not run, so anyone could have put anything
there. django-axes reads it through AXES_CLIENT_IP_CALLABLE, and failed sign-ins record it.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        # The request did not come through all our proxies (or one is misconfigured): the
        # connection's own address is the only one we know to be true.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
