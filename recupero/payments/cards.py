"""Card payments from the debtor's page, through the card-provider seam (`payments/providers/`).

`card_payment_start` (the debtor's act: `debtor.self_service`) opens a checkout for the amount due today — taken
from the law position, never from the form — and returns where to send the payer. `card_payment_confirm` is the
provider's word (its webhook, or the fake's test form): when the provider says paid, the payment is recorded by
`payment_record` with method card, as the agency's system actor (the provider confirmed it, not the debtor), at
most once per checkout.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils.timezone import now

from recupero.cases.models import Case
from recupero.cases.services import timeline_append
from recupero.core.clock import today
from recupero.core.domain.roles import DEBTOR_SELF_SERVICE
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, check, require_case, service, system_actor
from recupero.core.services import audit_record
from recupero.law.errors import LawError
from recupero.law.money import format_eur
from recupero.ledger.domain.accounts import total_due
from recupero.ledger.position import case_position
from recupero.ledger.selectors import case_balances
from recupero.payments.domain.methods import Method
from recupero.payments.models import CardPayment
from recupero.payments.providers.base import Checkout
from recupero.payments.providers.registry import card_provider
from recupero.payments.services import payment_record


def amount_due_today(case: Case) -> Decimal:
    """What the case page shows as due today: the law position's total, else the books' (the same rule)."""
    try:
        return case_position(case=case, today=today()).total_due
    except LawError:
        return total_due(case_balances(case=case))


@service(DEBTOR_SELF_SERVICE)
def card_payment_start(
    *, tenant: Tenant, actor: User, case: Case, return_url: Callable[[int], str]
) -> tuple[CardPayment, str]:
    """Open a card checkout for the whole amount due today; returns the attempt and the provider's page."""
    require_case(actor, DEBTOR_SELF_SERVICE, case)
    amount = amount_due_today(case)
    if amount <= 0:
        raise DomainError("payments.nothing_due")
    provider = card_provider()
    with transaction.atomic():
        card = CardPayment.objects.create(
            tenant=tenant, case=case, amount=amount, provider=provider.name, started_at=now()
        )
        timeline_append(
            tenant=tenant, actor=actor, case=case, kind="payment.card_started",
            summary=f"Pagamento con carta di {format_eur(amount)} avviato dalla pagina personale",
            data={"card_payment": card.pk},
        )  # fmt: skip
        audit_record(
            tenant=tenant, actor=actor, action="payment.card_start", obj=card, details={"amount": amount}
        )
    checkout = Checkout(f"card:{card.pk}", amount, f"Pratica {case.code}", return_url(card.pk))
    result = provider.start(checkout)
    if not result.ok:
        CardPayment.objects.filter(pk=card.pk).update(
            status=CardPayment.Status.FAILED, error=result.error[:300]
        )
        raise DomainError("payments.card_unavailable")
    CardPayment.objects.filter(pk=card.pk).update(session_id=result.session_id)
    card.session_id = result.session_id
    return card, result.redirect_url


def card_payment_confirm(*, card: CardPayment) -> CardPayment:
    """Ask the provider about the attempt and, when paid, record the payment (method card) once."""
    with transaction.atomic():
        card = CardPayment.objects.select_for_update().select_related("case").get(pk=card.pk)
        if card.status != CardPayment.Status.STARTED:
            return card  # already settled: a webhook delivered twice records nothing more
        result = card_provider().confirm(card.session_id, card.amount)
        tenant = Tenant.objects.get(pk=card.tenant_id)
        if not result.paid:
            card.status, card.error, card.completed_at = CardPayment.Status.FAILED, result.error[:300], now()
            card.save(update_fields=["status", "error", "completed_at"])
            return card
        payment = payment_record(
            tenant=tenant, actor=system_actor(tenant, "pagamento con carta"), case=card.case,
            amount=result.amount, value_date=today(), method=Method.CARD.value,
            reference=f"carta {result.transaction_id}",
        )  # fmt: skip
        card.status, card.payment, card.completed_at = CardPayment.Status.PAID, payment, now()
        card.transaction_id = result.transaction_id
        card.save(update_fields=["status", "payment", "completed_at", "transaction_id"])
    return card


def card_payment_get(*, tenant: Tenant, actor: User, card_id: int) -> CardPayment:
    """One card payment of a case the actor reaches (the debtor: their own), or not found."""
    check(actor, "cases.view", tenant)
    found = (
        CardPayment.objects.filter(tenant=tenant, pk=card_id)
        .filter(case_q(actor, "case__"))
        .select_related("case", "payment")
        .first()
    )
    if found is None:
        raise DomainError("auth.not_found")
    return found
