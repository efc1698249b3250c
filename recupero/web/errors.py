"""DomainError -> an Italian error page with the status from core.errors (the one place that maps codes)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django_htmx.middleware import HtmxDetails

from recupero.core.errors import DomainError, http_status
from recupero.core.models import Tenant, User

View = Callable[..., HttpResponse]


class AuthedRequest(HttpRequest):
    """A request behind `backoffice_view`: the user is logged in and belongs to an agency."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


def tenant_of(request: AuthedRequest) -> Tenant:
    tenant = request.user.tenant
    assert tenant is not None  # backoffice_view refuses users without an agency
    return tenant


def error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = http_status(exc)
    # Not found and forbidden look alike to a user who may not know the object exists; the code helps support.
    template = {404: "404.html", 403: "403.html"}.get(status, "web/error.html")
    return render(request, template, {"message": exc.message, "code": exc.code}, status=status)


def backoffice_view(view: View) -> View:
    """Login required, and a DomainError raised by a selector or service becomes its error page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "tenant_id", None) is None and request.user.is_authenticated:
            # e.g. a superuser made with createsuperuser: no agency, so no business data to show.
            return render(
                request,
                "403.html",
                {
                    "message": gettext("Il suo utente non è associato ad alcuna agenzia."),
                    "code": "tenant.mismatch",
                },
                status=403,
            )
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return error_response(request, exc)

    return login_required(wrapper)
