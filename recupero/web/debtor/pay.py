"""Paying from the debtor's page: the EPC QR code of the bank transfer, and a card through the provider seam."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recupero.cases.selectors import case_get
from recupero.core.errors import DomainError
from recupero.payments.cards import card_payment_confirm, card_payment_get, card_payment_start
from recupero.payments.domain.epc import EpcError, Transfer, epc_payload, epc_svg
from recupero.payments.providers.registry import card_provider
from recupero.web.debtor.page_data import Payment
from recupero.web.debtor.session import debtor_required


def epc_qr_svg(payment: Payment) -> str:
    """The inline SVG of the transfer's EPC QR code ("" when it cannot carry it: no IBAN, nothing due)."""
    if not payment.iban or payment.amount <= 0:
        return ""
    try:
        payload = epc_payload(Transfer(payment.beneficiary, payment.iban, payment.amount, payment.reference))
    except EpcError:
        return ""
    return epc_svg(payload, title=_("Codice QR per pagare con bonifico dall'app della banca"))


@require_POST
@debtor_required
def card_start(request: HttpRequest, case_id: int) -> HttpResponse:
    access = request.debtor  # type: ignore[attr-defined]
    tenant = access.link.tenant
    try:
        case = case_get(tenant=tenant, actor=access.actor, case_id=case_id)
        _card, url = card_payment_start(
            tenant=tenant,
            actor=access.actor,
            case=case,
            return_url=lambda pk: request.build_absolute_uri(reverse("debtor:card", args=[case_id, pk])),
        )
    except DomainError as exc:
        if exc.code == "auth.not_found":
            raise Http404 from exc
        return render(request, "web/debtor/card.html", {"error": exc.message, "case": None, "access": access})
    return redirect(url)


@debtor_required
def card(request: HttpRequest, case_id: int, card_id: int) -> HttpResponse:
    """The card payment's page: the fake provider's test form while started, the receipt once paid."""
    access = request.debtor  # type: ignore[attr-defined]
    tenant = access.link.tenant
    try:
        attempt = card_payment_get(tenant=tenant, actor=access.actor, card_id=card_id)
    except DomainError as exc:
        raise Http404 from exc
    if attempt.case_id != case_id:
        raise Http404
    test_form = card_provider().hosts_test_form and attempt.provider == card_provider().name
    if request.method == "POST" and test_form:
        card_payment_confirm(card=attempt)
        return redirect("debtor:card", case_id=case_id, card_id=card_id)
    context = {
        "attempt": attempt,
        "case": attempt.case,
        "agency": tenant,
        "access": access,
        "test_form": test_form,
    }
    return render(request, "web/debtor/card.html", context)
