from __future__ import annotations

import os
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers

from recupero.core.context import current_ip
from recupero.core.errors import DomainError, error_payload, http_status


def client_ip(request: HttpRequest) -> str | None:
    """The address login attempts are counted against. Behind a TLS-terminating proxy (DJANGO_BEHIND_PROXY=1)
    every request comes from the proxy: the address it appended last to X-Forwarded-For is the client's (the
    entries before it are whatever the client sent, so never trusted)."""
    if os.environ.get("DJANGO_BEHIND_PROXY", "0") == "1":
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Remember the client address (the proxy's X-Forwarded-For entry when behind one) for the audit log of every
    service write in this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class RequestBodyLimitMiddleware:
    """Refuse a request whose body is larger than UPLOAD_MAX_BYTES with 413, before anything reads it.

    DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files: without this, any client could make the server
    stream gigabytes into its temporary directory before a view looks at them. Django reads at most
    CONTENT_LENGTH bytes of a body (and none without it), so the declared length is the one to check. It sits
    before the CSRF and session middleware, which would read the form first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body for a length it cannot parse either
        limit = int(settings.UPLOAD_MAX_BYTES)
        if length > limit:
            return _too_large(request, limit)
        return self.get_response(request)


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    error = DomainError("request.too_large", limit_mb=limit // (1024 * 1024))
    status = http_status(error)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(error_payload(error), status=status)
    else:
        response = HttpResponse(error.message, status=status, content_type="text/plain; charset=utf-8")
    response["Connection"] = "close"  # the unread body must not be taken for the next request
    return response


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's (every request saves its session: the staff's idle limit slides, SESSION_SAVE_EVERY_REQUEST),
    except a request whose view keeps its own idle clock in the session and says so (`request.session_clocked`,
    the debtor's pages: `web.debtor.session`): it saves only what it changed — a page read writes no row."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(request, "session_clocked", False) and not request.session.modified:
            patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
