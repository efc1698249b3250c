"""Account pages: the login's second step (TOTP), enrolling an authenticator, and "Sicurezza" (second factor,
password, language). Thin: parse the form, call one service of `recupero.core.accounts`, render."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from recupero.core import accounts
from recupero.core.domain.security import two_factor_required
from recupero.core.errors import DomainError
from recupero.core.models import User
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.web.security import OTP_NEEDED_KEY


def _next(request: HttpRequest) -> str:
    """Where to go after the step: the page first asked for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if safe else reverse("backoffice:home")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user, next_url = _user(request), _next(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(next_url)
    if accounts.otp_device_of(user) is None:
        if not two_factor_required(user.role):  # its authenticator was removed (e.g. by the administrator)
            request.session[OTP_NEEDED_KEY] = False
            return redirect(next_url)
        return redirect(f"{reverse('otp_enrol')}?{urlencode({'next': next_url})}")
    error = ""
    if request.method == "POST":
        try:
            device = accounts.otp_check(user=user, code=request.POST.get("code", ""))
        except DomainError as exc:
            error = exc.message
        else:
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "web/account/otp_verify.html", {"next": next_url, "error": error})


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    user, next_url = _user(request), _next(request)
    if accounts.otp_device_of(user) is not None and not user.is_verified():  # type: ignore[attr-defined]
        # The password alone must never replace the authenticator that protects it.
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': next_url})}")
    if user.tenant is None:
        return render(
            request,
            "403.html",
            {"message": gettext("Utente senza agenzia."), "code": "tenant.mismatch"},
            status=403,
        )
    device = accounts.otp_enrolment_start(tenant=user.tenant, actor=user)
    error = ""
    if request.method == "POST":
        try:
            accounts.otp_enrolment_confirm(
                tenant=user.tenant, actor=user, device=device, code=request.POST.get("code", "")
            )
        except DomainError as exc:
            error = exc.message
        else:
            otp_login(request, device)
            request.session[OTP_NEEDED_KEY] = True
            messages.success(request, gettext("Verifica in due passaggi attiva."))
            return redirect(next_url)
    context = {
        "next": next_url,
        "error": error,
        "required": two_factor_required(user.role),
        "secret": accounts.otp_secret(device),
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, border=2),
    }
    return render(request, "web/account/otp_enrol.html", context)


@backoffice_view
def security(request: AuthedRequest) -> HttpResponse:
    user = request.user
    context = {"device": accounts.otp_device_of(user), "required": two_factor_required(user.role)}
    return render(request, "web/account/security.html", context)


@require_POST
@backoffice_view
def otp_remove(request: AuthedRequest) -> HttpResponse:
    accounts.otp_device_remove(tenant=tenant_of(request), actor=request.user)
    request.session[OTP_NEEDED_KEY] = False
    messages.success(request, gettext("Verifica in due passaggi disattivata."))
    return redirect("account_security")


@require_POST
@backoffice_view
def language(request: AuthedRequest) -> HttpResponse:
    """The user's interface language, kept on the user (and in the cookie the sign-in page reads)."""
    chosen = request.POST.get("language", "")
    try:
        accounts.language_set(tenant=tenant_of(request), actor=request.user, language=chosen)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("account_security")
    translation.activate(chosen or settings.LANGUAGE_CODE)
    messages.success(request, gettext("Lingua aggiornata."))
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = redirect(back if back and safe else "account_security")
    if chosen:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax", secure=request.is_secure())
    return response


@require_POST
@backoffice_view
def password(request: AuthedRequest) -> HttpResponse:
    new, repeat = request.POST.get("new", ""), request.POST.get("repeat", "")
    if new != repeat:
        messages.error(request, gettext("Le due nuove password non coincidono."))
        return redirect("account_security")
    try:
        accounts.password_change(
            tenant=tenant_of(request), actor=request.user, current=request.POST.get("current", ""), new=new
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("account_security")
    update_session_auth_hash(request, request.user)  # this session stays; the others end
    messages.success(request, gettext("Password cambiata."))
    return redirect("account_security")
