"""The data contract of a letter: what the database fills in, what the Typst templates read.

Python side (built by the lead from the database; amounts `Decimal`, dates `date`):

    LetterData
      case_code            payment reference printed everywhere (causale) — e.g. "RC-2025-000123"
      place, letter_date   "Milano", date(2025, 3, 12)
      creditor: Creditor   name, address_lines, vat_number, primary_color "#RRGGBB", logo_svg (SVG text or None),
                           signatory_name, signatory_role, phone, email, website, service_name (e.g. "Servizio
                           Clienti")
      agency: Agency       name, address_lines, window_sender (neutral name shown in the envelope window: never
                           "recupero crediti", LEGAL.md §4), licence_number + licence_authority (art. 115 TULPS),
                           phone, email, pec, opening_hours, privacy_contact, privacy_url
      recipient: Recipient name, address_lines (street, c/o...), postal_code, municipality, province, country,
                           salutation ("Gentile Sig. Rossi,"; default "Gentile Cliente,"), is_company
      claims: [Claim]      number, issue_date, due_date, amount, description — the unpaid invoices (principal)
      amounts: Amounts     interest, interest_note ("tasso BCE + 8 punti, D.Lgs. 231/2002"), flat_compensation
                           (€40 per invoice, art. 6 D.Lgs. 231/2002; 0 if none), costs, costs_note,
                           payments_received; principal and total are derived (never typed in); rate_warning
                           (the position's sentence when a published rate is missing) and interest_until (the
                           day interest is computed to, then)
      prospetto: [ProspettoRow]  interest statement: start, end, days, rate (percent), amount, base
      payment: PaymentInfo iban, beneficiary, bank_name, deadline (payment term), pagopa_notice_code,
                           pagopa_creditor_code, online_url
      registered           True for raccomandata A/R (manifest + "Raccomandata A.R." mark in the window)
      prior_contacts: [PriorContact]  the reminders actually sent on the case before this letter (sent_on,
                           channel): the wording says "Nonostante i precedenti solleciti" only when there is one,
                           and names each ("lettera del 10/02/2025, SMS del 20/02/2025")
      demand_days          formal_demand: days from receipt to pay (default 15)
      bureau: BureauNotice bureau_notice: sic_name, sic_operator, sic_contacts, earliest_report_date
      supply: SupplyInfo   supply_suspension_notice: service, supply_address, point_code (POD/PDR), suspension_date,
                           power_reduction (reduce to 15% before suspension), sent_date (the payment term is
                           counted from it: ≥ 15 days, LEGAL.md §9)
      plan: PaymentPlan    payment_plan_confirmation: installments [Installment(number, due_date, amount)],
                           agreed_on, missed_installments_to_lapse; agreement_summary: the agreed schedule
                           (number 0 is the down payment)
      agreement: AgreementOffer  agreement_summary: kind_label, amount_due, total, terms (sentences), link (the
                           personal acceptance address), deadline, text_sha256
      dispute: DisputeReply dispute_reply: upheld, opened_on, reason_label, decision (the reasoned reply),
                           reduction, cancelled

`LetterData.to_dict()` (and `to_json()`) turns this into the template side: every amount is a preformatted Italian
string without the sign ("1.053,15"; the template prints " €"), every date "dd/MM/yyyy" (plus `letter_date_long`
"12 marzo 2025"), rates "10,15%", and the derived `principal`/`total`. The template never computes money.
Nothing empty is printed: an empty field drops its label or its clause (no "E-mail" line without an address, no
"()" after a window line without a province), and the licence is printed once whatever words the agency stored
around its number (`licence_parts`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from babel import Locale

from .formatting import format_amount, format_date_long, format_date_short, format_rate, licence_parts

ZERO = Decimal("0")


@dataclass(frozen=True)
class Creditor:
    """The client on whose behalf the letter is written (*committente*) and its branding."""

    name: str
    address_lines: tuple[str, ...] = ()
    vat_number: str = ""
    primary_color: str = "#1f3a5f"
    logo_svg: str | None = None
    signatory_name: str = ""
    signatory_role: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    service_name: str = "Servizio Clienti"


@dataclass(frozen=True)
class Agency:
    """The collection agency that writes (licence art. 115 TULPS)."""

    name: str
    address_lines: tuple[str, ...]
    licence_number: str
    licence_authority: str
    window_sender: str = ""  # neutral name for the envelope window; the agency name if empty
    phone: str = ""
    email: str = ""
    pec: str = ""
    opening_hours: str = ""
    privacy_contact: str = ""
    privacy_url: str = ""


def country_name(code: str) -> str:
    """The Italian name of an ISO 3166 country ("DE" → "Germania"); the code itself if unknown."""
    return str(Locale("it").territories.get(code.upper(), code))


@dataclass(frozen=True)
class Recipient:
    """The debtor's postal address, exactly as it must appear in the envelope window."""

    name: str
    address_lines: tuple[str, ...]
    postal_code: str
    municipality: str
    province: str
    country: str = "IT"
    salutation: str = ""
    is_company: bool = False

    def window_lines(self) -> list[str]:
        """Lines as Poste Italiane wants them: name, street, "CAP COMUNE (PR)". A part that is missing is left
        out with its punctuation (a PEC address has no CAP line at all). Abroad (international post): no
        Italian province, the postcode and town as the country writes them (stored before the town), and the
        country's name in capitals on the last line ("GERMANIA"); an unknown country ("") adds no line."""
        country = self.country.strip().upper()
        abroad = country not in ("IT", "")
        province = f"({self.province.upper()})" if self.province.strip() and not abroad else ""
        last = " ".join(
            p for p in (self.postal_code.strip(), self.municipality.strip().upper(), province) if p
        )
        lines = [line for line in (self.name, *self.address_lines, last) if line.strip()]
        return [*lines, country_name(country).upper()] if abroad else lines


@dataclass(frozen=True)
class Claim:
    """An unpaid document (invoice, bill) and its principal still due."""

    number: str
    issue_date: date
    due_date: date
    amount: Decimal
    description: str = ""


@dataclass(frozen=True)
class Amounts:
    """What is asked on top of the principal; `payments_received` is a positive number that is subtracted."""

    interest: Decimal = ZERO
    interest_note: str = ""
    flat_compensation: Decimal = ZERO
    costs: Decimal = ZERO
    costs_note: str = ""
    payments_received: Decimal = ZERO
    # A published rate is missing: interest stops at `interest_until` and the letter says so, word for word as
    # the case page (payments after that day are still in `payments_received`).
    interest_until: date | None = None
    rate_warning: str = ""


@dataclass(frozen=True)
class ProspettoRow:
    """One line of the interest statement (*prospetto interessi*): one rate over one period on one base."""

    start: date
    end: date
    days: int
    rate: Decimal  # percent per year, e.g. Decimal("10.15")
    amount: Decimal
    base: Decimal | None = None


@dataclass(frozen=True)
class PaymentInfo:
    """How to pay: bank transfer with the case code as causale, optionally pagoPA."""

    iban: str
    beneficiary: str
    deadline: date
    bank_name: str = ""
    pagopa_notice_code: str = ""
    pagopa_creditor_code: str = ""
    online_url: str = ""
    # ISO 11649 structured reference of the case (payments.domain.rf): banks carry it to the statement intact
    rf_reference: str = ""


@dataclass(frozen=True)
class BureauNotice:
    """Preavviso di segnalazione SIC: the report is announced explicitly, with its earliest date."""

    sic_name: str
    sic_operator: str
    earliest_report_date: date
    sic_contacts: str = ""


@dataclass(frozen=True)
class SupplyInfo:
    """Utility supply under notice of suspension (ARERA: costituzione in mora before suspending)."""

    service: str  # "energia elettrica", "gas naturale", "servizio idrico"
    supply_address: str
    point_code: str  # POD (electricity) or PDR (gas)
    suspension_date: date
    sent_date: date
    power_reduction: bool = False


CHANNEL_NOUNS = {
    "letter": "lettera",
    "registered": "raccomandata A/R",
    "email": "e-mail",
    "pec": "PEC",
    "sms": "SMS",
}


@dataclass(frozen=True)
class PriorContact:
    """A reminder sent on the case before this letter (*sollecito*): when and by which channel."""

    sent_on: date
    channel: str  # a key of CHANNEL_NOUNS

    def phrase(self) -> str:
        return f"{CHANNEL_NOUNS.get(self.channel, self.channel)} del {format_date_short(self.sent_on)}"


@dataclass(frozen=True)
class Installment:
    number: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class PaymentPlan:
    """Piano di rientro agreed with the debtor."""

    installments: tuple[Installment, ...]
    agreed_on: date
    missed_installments_to_lapse: int = 2

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.installments), ZERO)


@dataclass(frozen=True)
class AgreementOffer:
    """The written summary of an agreement (riepilogo dell'accordo) offered by letter: what is accepted, and how
    (the personal link, or the letter signed and returned before the deadline)."""

    kind_label: str
    amount_due: Decimal
    total: Decimal
    terms: tuple[str, ...]
    link: str
    deadline: date
    text_sha256: str = ""


@dataclass(frozen=True)
class DisputeReply:
    """The reasoned reply to a dispute (risposta motivata alla contestazione): its outcome and why."""

    upheld: bool
    opened_on: date
    reason_label: str
    decision: str
    reduction: Decimal | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class LetterData:
    """Everything one letter needs; see the module docstring for the contract."""

    case_code: str
    place: str
    letter_date: date
    creditor: Creditor
    agency: Agency
    recipient: Recipient
    claims: tuple[Claim, ...]
    payment: PaymentInfo
    amounts: Amounts = field(default_factory=Amounts)
    prospetto: tuple[ProspettoRow, ...] = ()
    registered: bool = False
    prior_contacts: tuple[PriorContact, ...] = ()
    demand_days: int = 15
    bureau: BureauNotice | None = None
    supply: SupplyInfo | None = None
    plan: PaymentPlan | None = None
    agreement: AgreementOffer | None = None
    dispute: DisputeReply | None = None

    @property
    def principal(self) -> Decimal:
        return sum((c.amount for c in self.claims), ZERO)

    @property
    def total(self) -> Decimal:
        """Total due, derived: principal + interest + €40 compensation + costs − payments received."""
        a = self.amounts
        return self.principal + a.interest + a.flat_compensation + a.costs - a.payments_received

    def to_dict(self) -> dict[str, Any]:
        """The template side of the contract: JSON-ready, every amount and date preformatted in Italian."""
        return {
            "case_code": self.case_code,
            "place": self.place,
            "letter_date": format_date_short(self.letter_date),
            "letter_date_long": format_date_long(self.letter_date),
            "creditor": _creditor_dict(self.creditor),
            "agency": _agency_dict(self.agency),
            "recipient": _recipient_dict(self.recipient),
            "claims": [_claim_dict(c) for c in self.claims],
            "amounts": _amounts_dict(self),
            "prospetto": [_prospetto_dict(r) for r in self.prospetto],
            "payment": _payment_dict(self.payment),
            "registered": self.registered,
            "history": _history_dict(self.prior_contacts),
            "demand_days": self.demand_days,
            "bureau": _bureau_dict(self.bureau),
            "supply": _supply_dict(self.supply),
            "plan": _plan_dict(self.plan),
            "agreement": _agreement_dict(self.agreement),
            "dispute": _dispute_dict(self.dispute),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


# --- conversion helpers (one per block, so each stays readable) ------------------------------------------


def _history_dict(prior: tuple[PriorContact, ...]) -> dict[str, Any]:
    """How many reminders came before and their list in words ("lettera del 10/02/2025 e SMS del 20/02/2025")."""
    phrases = [c.phrase() for c in sorted(prior, key=lambda c: c.sent_on)]
    summary = " e ".join(filter(None, (", ".join(phrases[:-1]), phrases[-1]))) if phrases else ""
    return {"count": len(phrases), "summary": summary}


def _creditor_dict(c: Creditor) -> dict[str, Any]:
    return {
        "name": c.name,
        "address_lines": list(c.address_lines),
        "vat_number": c.vat_number,
        "primary_color": c.primary_color,
        "logo_svg": c.logo_svg,
        "signatory_name": c.signatory_name,
        "signatory_role": c.signatory_role,
        "phone": c.phone,
        "email": c.email,
        "website": c.website,
        "service_name": c.service_name,
    }


def _agency_dict(a: Agency) -> dict[str, Any]:
    number, authority = licence_parts(a.licence_number)
    return {
        "name": a.name,
        "address_lines": [line for line in a.address_lines if line.strip()],
        "window_sender": a.window_sender or a.name,
        "licence_number": number,
        "licence_authority": a.licence_authority.strip() or authority,
        "phone": a.phone,
        "email": a.email,
        "pec": a.pec,
        "opening_hours": a.opening_hours,
        "privacy_contact": a.privacy_contact,
        "privacy_url": a.privacy_url,
    }


def _recipient_dict(r: Recipient) -> dict[str, Any]:
    return {
        "name": r.name,
        "address_lines": list(r.address_lines),
        "window_lines": r.window_lines(),
        "postal_code": r.postal_code,
        "municipality": r.municipality,
        "province": r.province,
        "country": r.country,
        "salutation": r.salutation or ("Spettabile Società," if r.is_company else "Gentile Cliente,"),
    }


def _claim_dict(c: Claim) -> dict[str, Any]:
    return {
        "number": c.number,
        "issue_date": format_date_short(c.issue_date),
        "due_date": format_date_short(c.due_date),
        "amount": format_amount(c.amount),
        "description": c.description,
    }


def _amounts_dict(d: LetterData) -> dict[str, Any]:
    a = d.amounts
    return {
        "principal": format_amount(d.principal),
        "interest": format_amount(a.interest) if a.interest else None,
        "interest_note": a.interest_note,
        "flat_compensation": format_amount(a.flat_compensation) if a.flat_compensation else None,
        "costs": format_amount(a.costs) if a.costs else None,
        "costs_note": a.costs_note,
        "payments_received": format_amount(a.payments_received) if a.payments_received else None,
        "total": format_amount(d.total),
        "interest_until": format_date_short(a.interest_until) if a.interest_until else None,
        "rate_warning": a.rate_warning or None,
    }


def _prospetto_dict(r: ProspettoRow) -> dict[str, Any]:
    return {
        "start": format_date_short(r.start),
        "end": format_date_short(r.end),
        "days": str(r.days),
        "rate": format_rate(r.rate),
        "amount": format_amount(r.amount),
        "base": format_amount(r.base) if r.base is not None else None,
    }


def _payment_dict(p: PaymentInfo) -> dict[str, Any]:
    iban = p.iban.replace(" ", "").upper()
    return {
        "iban": " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)),  # grouped by 4 to read it aloud
        "beneficiary": p.beneficiary,
        "bank_name": p.bank_name,
        "deadline": format_date_short(p.deadline),
        "pagopa_notice_code": p.pagopa_notice_code,
        "pagopa_creditor_code": p.pagopa_creditor_code,
        "online_url": p.online_url,
        "rf_reference": p.rf_reference,
    }


def _bureau_dict(b: BureauNotice | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {
        "sic_name": b.sic_name,
        "sic_operator": b.sic_operator,
        "sic_contacts": b.sic_contacts,
        "earliest_report_date": format_date_short(b.earliest_report_date),
    }


def _supply_dict(s: SupplyInfo | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "service": s.service,
        "supply_address": s.supply_address,
        "point_code": s.point_code,
        "suspension_date": format_date_short(s.suspension_date),
        "power_reduction": s.power_reduction,
    }


def _plan_dict(p: PaymentPlan | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "agreed_on": format_date_short(p.agreed_on),
        "total": format_amount(p.total),
        "count": str(len(p.installments)),
        "missed_installments_to_lapse": str(p.missed_installments_to_lapse),
        "installments": [
            {
                "number": str(i.number),
                "due_date": format_date_short(i.due_date),
                "amount": format_amount(i.amount),
            }
            for i in p.installments
        ],
    }


def _agreement_dict(o: AgreementOffer | None) -> dict[str, Any] | None:
    if o is None:
        return None
    return {
        "kind_label": o.kind_label,
        "amount_due": format_amount(o.amount_due),
        "total": format_amount(o.total),
        "terms": list(o.terms),
        "link": o.link,
        "deadline": format_date_short(o.deadline),
        "text_sha256": o.text_sha256,
    }


def _dispute_dict(r: DisputeReply | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "upheld": r.upheld,
        "opened_on": format_date_short(r.opened_on),
        "reason_label": r.reason_label,
        "decision": r.decision,
        "reduction": format_amount(r.reduction) if r.reduction else None,
        "cancelled": r.cancelled,
    }
