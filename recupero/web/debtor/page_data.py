"""What the debtor's page shows, read through the same scoped selectors and the same law position as the
back-office case page (`web/backoffice/pages.case_page`): the amount due today is the one figure both show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from recupero.cases.domain.states import CaseStatus
from recupero.cases.models import Case, Claim
from recupero.cases.selectors import case_claims, case_get, cases_visible
from recupero.channels.models import Communication
from recupero.channels.payee import payee_account
from recupero.channels.selectors import case_communications
from recupero.core.clock import today
from recupero.core.models import Tenant, User
from recupero.law.errors import LawError
from recupero.ledger.domain.accounts import total_due
from recupero.ledger.position import CasePosition, case_position
from recupero.ledger.selectors import case_balances
from recupero.payments.domain.rf import creditor_reference

SENT_STATUSES = ("sent", "accepted", "delivered", "held", "returned")


def status_text(status: str) -> str:
    """The state of the case in plain words, for the debtor (not the back-office label)."""
    texts = {
        CaseStatus.NEW: _("Il credito ci è stato affidato dal creditore: può pagarlo o contattarci."),
        CaseStatus.WORKING: _("Stiamo gestendo il recupero di questo credito: può pagarlo o contattarci."),
        CaseStatus.PROMISE: _("Ha promesso un pagamento: la ringraziamo, attendiamo il versamento."),
        CaseStatus.PLAN: _("È attivo un piano di rientro: paghi le rate alle scadenze concordate."),
        CaseStatus.SETTLEMENT: _("È stato concordato un saldo a stralcio: paghi l'importo concordato."),
        CaseStatus.PAID: _("Il debito risulta pagato. Grazie."),
        CaseStatus.CLOSED: _("La pratica è chiusa."),
        CaseStatus.RETURNED: _(
            "La pratica è stata restituita al creditore: per informazioni si rivolga a lui."
        ),
        CaseStatus.LEGAL: _("La pratica è stata affidata a un legale: per pagare ci contatti."),
        CaseStatus.PRESCRIBED: _("Il credito risulta prescritto."),
        CaseStatus.DISPUTED: _("Ha contestato il debito: stiamo verificando, il recupero è sospeso."),
    }
    try:
        return str(texts[CaseStatus(status)])
    except (KeyError, ValueError):
        return ""


@dataclass(frozen=True)
class Payment:
    """How to pay by bank transfer: the account of the mandate's payee, the exact reference, the amount."""

    iban: str
    beneficiary: str
    reference: str  # the RF creditor reference the letters print (ISO 11649)
    remittance: str  # the causale to write: case code and RF
    amount: Decimal

    @property
    def iban_grouped(self) -> str:
        """The IBAN in groups of four, as the letters print it (to read it aloud or copy it)."""
        iban = self.iban.replace(" ", "")
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


@dataclass
class DebtorPage:
    case: Case
    agency: Tenant
    claims: list[Claim]
    position: CasePosition | None
    position_error: str
    book_total: Decimal
    letters: list[Communication]
    status_text: str
    payment: Payment
    today: dt.date
    other_cases: list[Case] = field(default_factory=list)

    @property
    def amount_due(self) -> Decimal:
        """The figure of the back-office case page's head: the law position's total, else the books'."""
        return self.position.total_due if self.position is not None else self.book_total


def debtor_case_page(*, tenant: Tenant, actor: User, case_id: int, day: dt.date | None = None) -> DebtorPage:
    case = case_get(tenant=tenant, actor=actor, case_id=case_id)  # scoped: this debtor, this creditor
    day = day or today()
    position, error = None, ""
    try:
        position = case_position(case=case, today=day)
    except LawError as exc:
        error = exc.message
    # The books' total only where the law position failed (the back-office page shows it then): two queries less.
    book = total_due(case_balances(case=case)) if position is None else position.total_due
    amount = book
    iban, beneficiary = payee_account(case, tenant)
    rf = creditor_reference(case.code)
    letters = [
        c
        for c in case_communications(tenant=tenant, actor=actor, case_id=case.pk)
        if c.status in SENT_STATUSES
    ]
    # The same debtor's other cases with the same creditor: the scope of the principal, nothing more.
    others = list(cases_visible(tenant=tenant, actor=actor).exclude(pk=case.pk).order_by("opened_on", "pk"))
    return DebtorPage(
        case=case,
        agency=tenant,
        # the position's claims are the case's, already read (`ledger.facts`): one query less
        claims=[c.claim for c in position.claims] if position is not None else case_claims(case=case),
        position=position,
        position_error=error,
        book_total=book,
        letters=letters,
        status_text=status_text(case.status),
        payment=Payment(iban, beneficiary, rf, f"{case.code} {rf}", amount),
        today=day,
        other_cases=others,
    )
