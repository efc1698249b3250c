"""Prescription (prescrizione) of a claim: term, interruptions, deadline and status (LEGAL.md §3).

Arithmetic of art. 2963 c.c.: the starting day is not counted and a term of years ends on the same day and
month; if that day does not exist (29 February) on the last day of the month; a term ending on a Sunday or a
national holiday moves to the next non-festive day. Saturday is an ordinary day (⚠️ reported).
Each interruption (artt. 2943-2945) starts a new full term; a final judgment switches it to 10 years
(art. 2953). An act after the claim has prescribed does not revive it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from recupero.law.business_days import roll_to_non_festive
from recupero.law.clock import ROME, italian_today
from recupero.law.errors import LawError

Date = date  # the EventOutcome field `date` shadows the type inside its class body
CLAIM_TYPES = (
    "ordinary",
    "periodic",
    "electricity",
    "gas",
    "water",
    "telecom",
    "retail_sale",
    "professional_fee",
)
DEBTOR_KINDS = ("consumer", "micro", "professional", "business")
UTILITY_CUTOFF = {"electricity": date(2018, 3, 1), "gas": date(2019, 1, 1), "water": date(2020, 1, 1)}
EVENT_LABELS = {
    "pec_delivered": "PEC: ricevuta di avvenuta consegna",
    "pec_accepted": "PEC: sola ricevuta di accettazione",
    "demand_received": "messa in mora ricevuta",
    "registered_delivered": "raccomandata A/R consegnata (cartolina di ritorno)",
    "registered_held_notice": "raccomandata non ritirata: avviso di giacenza",
    "acknowledgment": "riconoscimento del debito (art. 2944 c.c.)",
    "partial_payment": "pagamento parziale (art. 2944 c.c.)",
    "final_judgment": "sentenza o decreto ingiuntivo definitivo (art. 2953 c.c.)",
}
INTERRUPTING = frozenset(EVENT_LABELS) - {"pec_accepted"}
STATUS_LABELS = {"running": "in corso", "expiring": "in scadenza", "expired": "prescritto"}


@dataclass(frozen=True)
class PrescriptionSettings:
    """Per-creditor settings for the disputed or presumptive terms."""

    telecom_years: int = 5  # ⚠️ 2 is also held
    retail_sale_years: int = 1  # art. 2955 n.5, presumptive
    professional_fee_years: int = 3  # art. 2956, presumptive
    expiring_days: int = 90
    utility_start: str = "due"  # ⚠️ "due" (default) or "issue"


@dataclass(frozen=True, slots=True)
class Event:
    """An act that may interrupt prescription. `when`: a date, or for PEC an aware date-time (ricevuta)."""

    kind: str
    when: date | datetime


@dataclass(frozen=True)
class PrescriptionRequest:
    claim_type: str
    debtor: str
    due_date: date
    issued: date | None = None
    events: tuple[Event, ...] = ()
    today: date | None = None
    settings: PrescriptionSettings = field(default_factory=PrescriptionSettings)


@dataclass(frozen=True, slots=True)
class EventOutcome:
    kind: str
    label: str
    date: date  # Italian local date
    when: str  # as given (evidence)
    interrupted: bool
    reason: str
    deadline_after: Date


@dataclass(frozen=True)
class PrescriptionResult:
    request: PrescriptionRequest
    term_years: int
    term_basis: str
    start: date
    deadline: date
    status: str
    decided_by: str
    days_left: int
    events: tuple[EventOutcome, ...]
    alternative_deadline: date | None
    warnings: tuple[str, ...]
    readings: tuple[tuple[str, str], ...]


def local_date(when: date | datetime) -> date:
    """The Italian calendar date of an instant (a PEC receipt is read in Europe/Rome time, LEGAL.md §3)."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise LawError("law.bad_datetime", f"Data e ora senza fuso orario: «{when.isoformat()}».")
        return when.astimezone(ROME).date()
    return when


def add_years(start: date, years: int) -> date:
    """Art. 2963 c.c.: same day and month `years` later; 29 February becomes the last day of February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 2, 28)


def deadline_after(start: date, years: int) -> date:
    """The last day to act: term of years from `start` (excluded), moved off Sundays and holidays."""
    return roll_to_non_festive(add_years(start, years))


def term_for(claim_type: str, debtor: str, due: date, settings: PrescriptionSettings) -> tuple[int, str]:
    """(years, legal basis) of the prescription term for a claim."""
    if debtor not in DEBTOR_KINDS:
        raise LawError("law.unknown_debtor", f"Tipo di debitore sconosciuto: «{debtor}».", debtor=debtor)
    if claim_type in UTILITY_CUTOFF:
        if debtor != "business" and due > UTILITY_CUTOFF[claim_type]:
            return (
                2,
                "L. 205/2017 art. 1 c.4-10: 2 anni (fattura scaduta dopo il "
                f"{UTILITY_CUTOFF[claim_type]:%d/%m/%Y})",
            )
        return 5, "art. 2948 n.4 c.c.: 5 anni (somministrazione periodica)"
    fixed = {
        "ordinary": (10, "art. 2946 c.c.: prescrizione ordinaria 10 anni"),
        "periodic": (5, "art. 2948 n.4 c.c.: prestazioni periodiche 5 anni"),
        "telecom": (
            settings.telecom_years,
            f"bollette telefoniche: {settings.telecom_years} anni (⚠️ impostazione)",
        ),
        "retail_sale": (settings.retail_sale_years, "art. 2955 n.5 c.c.: prescrizione presuntiva"),
        "professional_fee": (settings.professional_fee_years, "art. 2956 c.c.: prescrizione presuntiva"),
    }
    if claim_type not in fixed:
        raise LawError(
            "law.unknown_claim_type", f"Tipo di credito sconosciuto: «{claim_type}».", claim_type=claim_type
        )
    return fixed[claim_type]


def chain(
    start: date, years: int, events: list[tuple[str, date, str]]
) -> tuple[date, str, list[EventOutcome]]:
    """Walk the interruptions in date order: (deadline, what decided it, outcome of each event)."""
    deadline = deadline_after(start, years)
    decided = f"decorrenza dal {start:%d/%m/%Y}"
    outcomes: list[EventOutcome] = []
    for kind, day, raw in sorted(events, key=lambda e: e[1]):
        if kind not in INTERRUPTING:
            reason = "prova solo l'invio, non la ricezione: non interrompe"
            outcomes.append(EventOutcome(kind, EVENT_LABELS[kind], day, raw, False, reason, deadline))
            continue
        if day > deadline:
            reason = f"credito già prescritto il {deadline:%d/%m/%Y}: un atto successivo non lo fa rivivere"
            outcomes.append(EventOutcome(kind, EVENT_LABELS[kind], day, raw, False, reason, deadline))
            continue
        if kind == "final_judgment":
            years = 10  # art. 2953: the judged claim prescribes in 10 years whatever its own term
        deadline = deadline_after(day, years)
        decided = f"{EVENT_LABELS[kind]} del {day:%d/%m/%Y}"
        reason = f"interrompe (art. 2943-2945 c.c.): nuovo termine di {years} anni"
        outcomes.append(EventOutcome(kind, EVENT_LABELS[kind], day, raw, True, reason, deadline))
    return deadline, decided, outcomes


def normalize_events(req: PrescriptionRequest) -> list[tuple[str, date, str]]:
    out = []
    for event in req.events:
        if event.kind not in EVENT_LABELS:
            raise LawError(
                "law.unknown_event", f"Tipo di evento sconosciuto: «{event.kind}».", kind=event.kind
            )
        if event.kind.startswith("pec_") and not isinstance(event.when, datetime):
            raise LawError(
                "law.bad_datetime", "Per la PEC serve data e ora della ricevuta con il fuso orario."
            )
        day = local_date(event.when)
        if day < req.due_date:
            raise LawError(
                "law.event_before_due",
                f"Evento «{EVENT_LABELS[event.kind]}» del {day:%d/%m/%Y} anteriore alla scadenza "
                f"del {req.due_date:%d/%m/%Y}.",
                kind=event.kind,
                date=day,
            )
        out.append((event.kind, day, event.when.isoformat()))
    return out


def status_of(deadline: date, today: date, expiring_days: int) -> str:
    if today > deadline:
        return "expired"
    return "expiring" if (deadline - today).days <= expiring_days else "running"


def compute_prescription(req: PrescriptionRequest) -> PrescriptionResult:
    """Deadline and status of prescription of one claim, with the outcome of every event."""
    settings = req.settings
    years, basis = term_for(req.claim_type, req.debtor, req.due_date, settings)
    if req.issued is not None and req.issued > req.due_date:
        raise LawError("law.bad_issue_date", "La data di emissione non può seguire la scadenza.")
    if settings.utility_start not in ("due", "issue"):
        raise LawError(
            "law.bad_setting", f"Decorrenza non valida: «{settings.utility_start}» (due oppure issue)."
        )
    events = normalize_events(req)
    two_year_utility = req.claim_type in UTILITY_CUTOFF and years == 2
    use_issue = two_year_utility and settings.utility_start == "issue" and req.issued is not None
    start = req.issued if use_issue and req.issued else req.due_date
    deadline, decided, outcomes = chain(start, years, events)
    alternative = None
    if two_year_utility and req.issued is not None:
        other = req.due_date if use_issue else req.issued
        alternative = chain(other, years, events)[0]
    today = req.today or italian_today()
    return PrescriptionResult(
        request=req,
        term_years=years,
        term_basis=basis,
        start=start,
        deadline=deadline,
        status=status_of(deadline, today, settings.expiring_days),
        decided_by=decided,
        days_left=(deadline - today).days,
        events=tuple(outcomes),
        alternative_deadline=alternative,
        warnings=_warnings(req, deadline, alternative, use_issue, today),
        readings=_readings(req, two_year_utility, use_issue),
    )


def _warnings(
    req: PrescriptionRequest, deadline: date, alternative: date | None, use_issue: bool, today: date
) -> tuple[str, ...]:
    out = []
    if alternative is not None and alternative < deadline:
        reading = "dalla scadenza" if use_issue else "dalla data di emissione"
        out.append(
            f"⚠️ Con la decorrenza {reading} la prescrizione maturerebbe prima: il {alternative:%d/%m/%Y}."
        )
    if req.claim_type == "telecom" and req.settings.telecom_years != 2:
        out.append("⚠️ Bollette telefoniche: parte della giurisprudenza applica la prescrizione di 2 anni.")
    if deadline.weekday() == 5:
        out.append(
            "⚠️ Il termine scade di sabato: trattato come giorno ordinario (art. 2963 c.c.), senza proroga."
        )
    if today > deadline:
        out.append(
            "Credito prescritto: sospendere i solleciti fino alla revisione di una persona "
            "(Cod. consumo artt. 24-26)."
        )
    return tuple(out)


def _readings(
    req: PrescriptionRequest, two_year_utility: bool, use_issue: bool
) -> tuple[tuple[str, str], ...]:
    out = [
        ("computo", "art. 2963 c.c.: escluso il giorno iniziale; 29/02 → ultimo giorno di febbraio"),
        ("proroga", "termine festivo (domenica o festa nazionale) → primo giorno non festivo"),
        ("sabato ⚠️", "giorno ordinario: nessuna proroga"),
        ("PEC", "data della ricevuta di avvenuta consegna in ora italiana (Europe/Rome)"),
    ]
    if two_year_utility:
        out.append(
            ("decorrenza ⚠️", "dalla data di emissione" if use_issue else "dalla scadenza della fattura")
        )
    return tuple(out)
