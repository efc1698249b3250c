"""The door of the debtor's page: the personal link, its second factor, the lock, the way out.

Thin: `cases.access` decides (token, state, verdict, audit, timeline); these views render its answers.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recupero.cases.access import access_link_by_token, access_open, access_policy, access_verify
from recupero.cases.domain.access import LinkState, Verdict, attempts_left, tax_code_tail
from recupero.cases.models import AccessLink
from recupero.channels.access_codes import access_code_contacts, access_code_send, mask
from recupero.core.errors import DomainError, http_status, message_for
from recupero.core.middleware import client_ip
from recupero.core.models import Tenant
from recupero.web.debtor.session import session_end, session_start

_CLOSED = {
    Verdict.LOCKED: ("web/debtor/locked.html", 423),
    Verdict.THROTTLED: ("web/debtor/locked.html", 429),
    Verdict.CLOSED: ("web/debtor/closed.html", 410),
}
_STATE_VERDICT = {
    LinkState.LOCKED: Verdict.LOCKED,
    LinkState.EXPIRED: Verdict.CLOSED,
    LinkState.REVOKED: Verdict.CLOSED,
}


def _context(link: AccessLink, **extra: Any) -> dict[str, Any]:
    debtor = link.case.debtor
    contacts = access_code_contacts(link=link)
    for point in contacts:
        point.masked = mask(point)  # type: ignore[attr-defined]
    return {
        "contacts": contacts,
        "link": link,
        "case": link.case,
        "agency": Tenant.objects.get(pk=link.tenant_id),
        "has_tax_code": bool(tax_code_tail(debtor.tax_code, debtor.vat_number)),
        "company": bool(debtor.vat_number and not debtor.tax_code),
        **extra,
    }


def _refused(request: HttpRequest, link: AccessLink, verdict: Verdict) -> HttpResponse:
    template, status = _CLOSED[verdict]
    return render(request, template, _context(link, verdict=verdict.value), status=status)


def link_open(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the question (the end of the codice fiscale, or a code sent by SMS/e-mail). POST: the answer."""
    link = access_link_by_token(token)
    if link is None:
        return render(request, "web/debtor/invalid.html", status=404)
    if request.method != "POST":
        state = access_open(link=link, ip=client_ip(request))
        if state in _STATE_VERDICT:
            return _refused(request, link, _STATE_VERDICT[state])
        return render(request, "web/debtor/open.html", _context(link, token=token))
    factor = "otp" if request.POST.get("factor") == "otp" else "tax_code"
    verdict, _principal = access_verify(
        link=link, ip=client_ip(request), answer=request.POST.get("answer", ""), factor=factor
    )
    if verdict == Verdict.OPEN:
        session_start(request, link)
        return redirect("debtor:case", case_id=link.case_id)
    if verdict in _CLOSED:
        return _refused(request, link, verdict)
    link.refresh_from_db(fields=["failed_attempts"])
    error = message_for("access.wrong", left=attempts_left(link.failed_attempts, access_policy()))
    context = _context(link, token=token, error=error, factor=factor)
    return render(request, "web/debtor/open.html", context, status=422)


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    session_end(request)
    return render(request, "web/debtor/expired.html", {"left": True})


@require_POST
def code_send(request: HttpRequest, token: str) -> HttpResponse:
    """Send a one-time code to a verified mobile or e-mail of the debtor, then ask for it."""
    link = access_link_by_token(token)
    if link is None:
        return render(request, "web/debtor/invalid.html", status=404)
    try:
        point = access_code_send(link=link, contact_id=int(request.POST.get("contact") or 0))
    except (DomainError, ValueError) as exc:
        error = exc.message if isinstance(exc, DomainError) else message_for("access.no_contact")
        status = http_status(exc) if isinstance(exc, DomainError) else 422
        if isinstance(exc, DomainError) and exc.code in ("access.locked", "access.closed"):
            return _refused(request, link, Verdict.LOCKED if exc.code == "access.locked" else Verdict.CLOSED)
        return render(
            request, "web/debtor/open.html", _context(link, token=token, error=error), status=status
        )
    notice = _("Le abbiamo inviato un codice a %(to)s: lo inserisca qui sotto.") % {"to": mask(point)}
    context = _context(link, token=token, notice=notice, otp_sent=True)
    return render(request, "web/debtor/open.html", context)
