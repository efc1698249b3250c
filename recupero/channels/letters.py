"""Fill the letter contract (`documents.data.LetterData`) from the database — a read, like a selector.

Amounts and the interest statement come from `ledger.position.case_position` (the law engine), so the letter
always says what the case page says. The agency's name in the envelope window is made neutral (LEGAL.md §4:
no "recupero crediti" on the envelope): words the renderer would refuse are dropped from the tenant's name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from recupero.cases.models import Case
from recupero.cases.selectors import case_claims
from recupero.channels.access_links import access_url
from recupero.channels.agreement_texts import TEMPLATE as SUMMARY_TEMPLATE
from recupero.channels.agreement_texts import summary_letter_parts
from recupero.channels.dispute_texts import TEMPLATE as DISPUTE_TEMPLATE
from recupero.channels.dispute_texts import dispute_reply_parts
from recupero.channels.documents.data import (
    Agency,
    Amounts,
    Claim,
    Creditor,
    LetterData,
    PaymentInfo,
    PriorContact,
    ProspettoRow,
    Recipient,
)
from recupero.channels.documents.formatting import licence_parts
from recupero.channels.documents.render import WINDOW_FORBIDDEN
from recupero.channels.domain.errors import LetterError
from recupero.channels.domain.states import CommKind, CommStatus
from recupero.channels.models import Communication
from recupero.channels.payee import payee_account
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.models import Tenant
from recupero.ledger.position import case_position
from recupero.payments.domain.rf import creditor_reference, printable

PAYMENT_TERM_DAYS = 15
ZERO = Decimal("0.00")


def neutral_sender(name: str) -> str:
    """The tenant's legal name without the words that would reveal a debt ("Recupero Crediti Alfa S.r.l." →
    "Alfa S.r.l."); never empty."""
    words = [w for w in name.split() if not WINDOW_FORBIDDEN.search(w)]
    return " ".join(words) or "Ufficio corrispondenza"


def agency_of(tenant: Tenant) -> Agency:
    lines = tuple(p.strip() for p in tenant.address.split(",") if p.strip())
    # The tenant's licence field is free text ("Licenza art. 115 TULPS n. 2187/2019 rilasciata dalla Questura
    # di Milano"): the letter prints its own words around the number, so only the number and the authority.
    number, authority = licence_parts(tenant.licence)
    return Agency(
        name=tenant.name,
        address_lines=lines,
        window_sender=neutral_sender(tenant.name),
        licence_number=number,
        licence_authority=authority,
        phone=tenant.phone,
        pec=tenant.pec,
    )


def _creditor(case: Case) -> Creditor:
    c = case.creditor
    logo = None
    if c.logo and c.logo.name.endswith(".svg"):
        try:
            with c.logo.open("rb") as fh:
                logo = fh.read().decode("utf-8")
        except OSError:
            logo = None
    return Creditor(
        name=c.name,
        vat_number=c.vat_number,
        primary_color=c.primary_colour or "#1f3a5f",
        logo_svg=logo,
        signatory_name=c.signature,
        phone=c.contact_phone,
        email=c.contact_email,
    )


def _recipient(case: Case, comm: Communication) -> Recipient:
    debtor = case.debtor
    contact = comm.contact
    is_company = debtor.kind != "person"
    name = debtor.display_name if is_company else f"{debtor.first_name} {debtor.last_name}".strip()
    address = contact.value if contact else comm.address
    if comm.kind == CommKind.PEC:
        # A letter sent by PEC is addressed to the PEC box: no street, no CAP line (never an empty "()").
        return Recipient(
            name=name,
            address_lines=(f"PEC: {address}",),
            postal_code="",
            municipality="",
            province="",
            salutation="" if is_company else f"Gentile {name},",
            is_company=is_company,
        )
    return Recipient(
        name=name,
        address_lines=(address,),
        postal_code=contact.cap if contact else "",
        municipality=contact.municipality if contact else "",
        province=contact.province if contact else "",
        country=(contact.country if contact else debtor.country) or "",
        salutation="" if is_company else f"Gentile {name},",
        is_company=is_company,
    )


def _it_decimal(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", ".").rstrip("%").strip())


def _it_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def _prospetto(rows: list[dict[str, str]]) -> list[ProspettoRow]:
    """The law engine's statement rows are already formatted in Italian; read them back into values."""
    return [
        ProspettoRow(
            start=_it_date(r["dal"]),
            end=_it_date(r["al"]),
            days=int(r["giorni"]),
            rate=_it_decimal(r["tasso"]),
            amount=_it_decimal(r["interessi"]),
            base=_it_decimal(r["capitale"]),
        )
        for r in rows
    ]


# A reminder counts as sent once it left us (sent) or its receipt came back; one that failed, bounced, was
# returned, or is still queued or half-sent (rendered) never reached the debtor as far as we can prove.
SENT_STATES = (
    CommStatus.SENT,
    CommStatus.ACCEPTED,
    CommStatus.DELIVERED,
    CommStatus.HELD,
)


def prior_contacts(comm: Communication, *, before: dt.date) -> tuple[PriorContact, ...]:
    """The reminders actually sent on the case before this letter, on or before `before` (Italian dates)."""
    rows = (
        Communication.objects.filter(
            tenant_id=comm.tenant_id, case_id=comm.case_id, status__in=SENT_STATES, sent_at__isnull=False
        )
        .exclude(pk=comm.pk)
        .order_by("sent_at", "id")
        .values_list("sent_at", "kind")
    )
    sent = ((timezone.localdate(at), kind) for at, kind in rows)
    return tuple(PriorContact(on, kind) for on, kind in sent if on <= before)


def _interest_note(commercial: bool, until: dt.date | None) -> str:
    note = "tasso BCE + 8 punti, D.Lgs. 231/2002" if commercial else "tasso legale, art. 1284 c.c."
    return f"{note}, calcolati fino al {until:%d/%m/%Y}" if until else note


def _template_parts(comm: Communication) -> dict[str, Any]:
    """What a template adds to the common letter: the agreement's schedule and offer, the dispute's outcome."""
    if comm.template == SUMMARY_TEMPLATE:
        return summary_letter_parts(comm)
    if comm.template == DISPUTE_TEMPLATE:
        return dispute_reply_parts(comm)
    return {}


def letter_data(comm: Communication, *, letter_date: dt.date, place: str = "Milano") -> LetterData:
    """The letter of `comm` as of `letter_date`: claims, amounts and statement from the case's position."""
    case = comm.case
    position = case_position(case=case, today=letter_date)
    claims = case_claims(case=case)
    principal = sum((c.amount for c in claims), ZERO)
    # The letter derives its total as principal + interest + €40 + costs − payments: the "payments" line is
    # what makes it equal the position's total due (payments imputed to interest are already out of `interest`).
    payments = (
        principal + position.interest + position.flat_compensation + position.costs - position.total_due
    )
    prospetto = [row for cp in position.claims for row in _prospetto(cp.rows)]
    tenant = comm.tenant
    iban, beneficiary = payee_account(case, tenant)  # the mandate says whom the debtor pays
    if not iban:
        # Never print a letter the debtor cannot pay: no IBAN, no letter (the communication fails, visibly).
        raise LetterError(
            "letter.no_iban", gettext_lazy("Manca l'IBAN del committente o dell'agenzia per il pagamento.")
        )
    return LetterData(
        case_code=case.code,
        place=place,
        letter_date=letter_date,
        creditor=_creditor(case),
        agency=agency_of(tenant),
        recipient=_recipient(case, comm),
        claims=tuple(
            Claim(c.invoice_number, c.issued_on, c.due_on or c.issued_on, c.amount, c.description)
            for c in claims
        ),
        amounts=Amounts(
            interest=position.interest,
            interest_note=_interest_note(case.commercial, position.until if position.rate_warning else None),
            flat_compensation=position.flat_compensation,
            costs=position.costs,
            payments_received=max(payments, ZERO),
            interest_until=position.until if position.rate_warning else None,
            rate_warning=position.rate_warning,
        ),
        prospetto=tuple(prospetto),
        payment=PaymentInfo(
            iban=iban,
            beneficiary=beneficiary,
            deadline=letter_date + dt.timedelta(days=PAYMENT_TERM_DAYS),
            rf_reference=printable(creditor_reference(case.code)),
            online_url=access_url(comm),  # the debtor's personal page (channels.access_links)
        ),
        registered=comm.kind == CommKind.REGISTERED,
        prior_contacts=prior_contacts(comm, before=letter_date),
        **_template_parts(comm),
    )
