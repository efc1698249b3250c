"""The address every audit row of a request records: the client's, also behind a TLS-terminating proxy."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from recupero.core.context import current_ip
from recupero.core.middleware import RequestContextMiddleware

CASES = [
    # (behind a proxy, REMOTE_ADDR, X-Forwarded-For, address recorded)
    ("0", "203.0.113.7", "", "203.0.113.7"),
    ("0", "10.0.0.2", "198.51.100.9", "10.0.0.2"),  # no proxy declared: a client-sent header is not believed
    ("1", "10.0.0.2", "198.51.100.9", "198.51.100.9"),
    ("1", "10.0.0.2", "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # only the proxy's own (last) entry counts
    ("1", "10.0.0.2", "", "10.0.0.2"),
]


@pytest.mark.parametrize(("proxy", "remote", "forwarded", "expected"), CASES)
def test_the_audit_address_is_the_clients(monkeypatch, proxy, remote, forwarded, expected):
    monkeypatch.setenv("DJANGO_BEHIND_PROXY", proxy)
    seen: list[str | None] = []

    def view(request):
        seen.append(current_ip.get())
        return HttpResponse("ok")

    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    RequestContextMiddleware(view)(request)
    assert seen == [expected]
    assert current_ip.get() is None
