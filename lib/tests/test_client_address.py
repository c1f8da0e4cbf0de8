"""The client's address behind CAP's own proxies: believed only as far as they vouch."""

import pytest
from django.test import RequestFactory

from lib.client_address import client_address


def request(forwarded: str | None = None, remote: str = "10.0.0.2"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_with_no_trusted_proxy_the_connections_address_is_used(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request("198.51.100.7")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        # The client wrote the first entry; our proxy appended the address it saw.
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        # Two proxies of ours: the second appended the first's address.
        (2, "203.0.113.9, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (1, "2001:db8::1", "2001:db8::1"),
        # Fewer entries than proxies, none, or nonsense: only the connection is certain.
        (2, "198.51.100.7", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, None, "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_behind_trusted_proxies_it_counts_from_the_right(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(request(forwarded)) == expected
