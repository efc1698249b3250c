"""The second step of the login, enforced on every request, and the client address for login throttling."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from recupero.core.accounts import otp_device_of, otp_needed
from recupero.core.errors import DomainError, error_payload, http_status
from recupero.core.middleware import client_ip  # noqa: F401  (the address lockouts and audit rows count; kept here for views)

# Cached per session: whether this login needs the second step (a query per request otherwise).
OTP_NEEDED_KEY = "recupero_otp_needed"


class TwoFactorMiddleware:
    """A user who must prove a second factor reaches nothing but the second step (or its enrolment) and the
    logout until they have: pages redirect there, htmx requests are told to, the API answers 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def _open_paths(self) -> frozenset[str]:
        names = ("login", "logout", "otp_verify", "otp_enrol")
        return frozenset(reverse(name) for name in names)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            not user.is_authenticated
            or user.is_verified()  # type: ignore[union-attr,attr-defined]
            or request.path in self._open_paths
            or request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
        ):
            return self.get_response(request)
        needed = request.session.get(OTP_NEEDED_KEY)
        if needed is None:
            needed = request.session[OTP_NEEDED_KEY] = otp_needed(user)  # type: ignore[arg-type]
        if not needed:
            return self.get_response(request)
        return self._second_step(request)

    def _second_step(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            exc = DomainError("auth.otp_required")
            return JsonResponse(error_payload(exc), status=http_status(exc))
        step = "otp_verify" if otp_device_of(request.user) else "otp_enrol"  # type: ignore[arg-type]
        url = f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url  # htmx would otherwise swap the whole page into a fragment
            return response
        return redirect(url)


def lockout_response(
    request: HttpRequest, original_response: object = None, credentials: object = None
) -> HttpResponse:
    """Axes' answer to a locked-out login: an Italian page saying for how long (429, as axes answers)."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "web/lockout.html", {"minutes": minutes}, status=429)
