"""What the planner reads: one case as the daily run's set-based query returns it, and the case's history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ContactPoint:
    """One contact point as stored (parties.ContactPoint), reduced to what decides whether it may be used."""

    kind: str  # address, phone, mobile, email, pec
    valid: bool
    owner_is_debtor: bool  # a relative's or an employer's number must never be used (Garante 2005)


@dataclass(frozen=True, slots=True)
class Contacts:
    """Usable contact points of the debtor: valid and belonging to the debtor (never a third party)."""

    email: bool = False
    mobile: bool = False
    phone: bool = False  # landline
    pec: bool = False
    address: bool = False
    # an address flagged at intake (CAP/province/country disagree): never used until checked (a verify task)
    address_to_verify: bool = False
    # channels the debtor refused on their page (parties.domain.consents): never used, whatever the points
    email_refused: bool = False
    sms_refused: bool = False
    phone_refused: bool = False

    @classmethod
    def from_points(cls, points: Iterable[ContactPoint], refused: int = 0) -> Contacts:
        """`refused`: the debtor's refusal bits (e-mail 1, SMS 2, calls 4: parties.domain.consents)."""
        kinds = {p.kind for p in points if p.valid and p.owner_is_debtor}
        return cls(
            email_refused=bool(refused & 1),
            sms_refused=bool(refused & 2),
            phone_refused=bool(refused & 4),
            email="email" in kinds,
            mobile="mobile" in kinds,
            phone="phone" in kinds,
            pec="pec" in kinds,
            address="address" in kinds,
        )


NO_CONTACTS = Contacts()


@dataclass(frozen=True, slots=True)
class CaseSnapshot:
    case_id: int | str
    status: str  # cases.domain.states.CaseStatus value
    creditor_code: str
    sector: str  # utility, telco, supplier, public_body, finance
    claim_type: str  # cases.domain.claims.ClaimType value
    debtor_type: str  # parties.domain.debtors.DebtorSize value: consumer, professional, micro, sme, large
    balance: Decimal
    first_due_date: date
    opened_on: date
    contacts: Contacts = NO_CONTACTS
    prescription_deadline: date | None = None  # computed by law.prescription, never here
    last_interruption: date | None = None  # the act the deadline runs from (None: from the due date)
    vulnerable: bool = False
    open_dispute: bool = False  # an open dispute or verification request (contestazione, verifica)
    active_arrangement: bool = False  # promise, plan or settlement running
    first_invoice_default: bool = False
    score_band: str | None = None
    supply_active: bool | None = None  # utilities: None = unknown, treated as not active
    contact_window: str = "unirec"  # the mandate's preset (data/contact_windows.toml)
    identity_to_verify: bool = (
        False  # the debtor's code came with a wrong check digit: SIC and legal steps wait
    )


class RecordStatus:
    """Statuses of a step execution in the history, as the lead records them."""

    DONE = "done"  # executed (a task created, a letter handed to the channel)
    SENT = "sent"  # sent, waiting for a receipt
    DELIVERED = "delivered"  # proof of receipt: PEC consegna, A/R card, avviso di giacenza
    FAILED = "failed"  # bounced, returned, not deliverable: the step will be tried again
    SKIPPED = "skipped"  # recorded after a final Skip: the ladder moves past it


PASSED = frozenset({RecordStatus.DONE, RecordStatus.SENT, RecordStatus.DELIVERED, RecordStatus.SKIPPED})
EXECUTED = frozenset({RecordStatus.DONE, RecordStatus.SENT, RecordStatus.DELIVERED})


@dataclass(frozen=True, slots=True)
class StepRecord:
    step_code: str
    action: str
    on: date
    status: str = RecordStatus.DONE
    strategy_code: str | None = None  # records of another strategy (the case was re-segmented) are ignored


@dataclass(frozen=True, slots=True)
class History:
    steps: tuple[StepRecord, ...] = ()
    conversations: tuple[date, ...] = ()  # days with a conversation with the debtor, all cases of the debtor


EMPTY_HISTORY = History()
