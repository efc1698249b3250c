"""Work items for people: kinds, statuses, call outcomes and what each outcome does (pure data)."""

from __future__ import annotations

from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import REPORT_VISITS, VIEW_QUEUES, WORK_ITEMS


class ItemKind(StrEnum):
    CALL = "call"  # phone collection
    VISIT = "visit"  # esazione domiciliare
    SKIP_TRACE = "skip_trace"  # rintraccio
    LEGAL_REVIEW = "legal_review"  # revisione legale
    VERIFY_DATA = "verify_data"  # verifica anagrafica: identity or address flagged at intake


class ItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    NO_ANSWER = "no_answer"
    PROMISE = "promise"
    DISPUTE = "dispute"
    WRONG_NUMBER = "wrong_number"
    CALL_BACK = "call_back"
    # visits
    NOT_HOME = "not_home"
    MET = "met"
    # skip tracing
    FOUND = "found"
    NOT_FOUND = "not_found"
    # legal review
    REVIEWED = "reviewed"
    # data verification
    VERIFIED = "verified"
    # the collector's desk (issue 12): what agencies record after a call or a visit
    RIGHT_PARTY = "right_party"  # spoke with the debtor, no agreement yet
    WRONG_PARTY = "wrong_party"  # the number reaches somebody else
    REFUSED = "refused"  # refuses to pay
    DECEASED = "deceased"
    INSOLVENCY = "insolvency"  # procedura concorsuale / sovraindebitamento
    MOVED = "moved"  # visit: no longer lives there
    DOOR_NOTICE = "door_notice"  # visit: notice left at the door
    # an agreement reached in the conversation: the item closes and the collector writes it on the case's
    # arrangements page (the plan's or settlement's terms are checked there against the mandate)
    PLAN = "plan"
    SETTLEMENT = "settlement"


KIND_LABELS = {
    ItemKind.CALL: gettext_lazy("Telefonata"),
    ItemKind.VISIT: gettext_lazy("Visita domiciliare"),
    ItemKind.SKIP_TRACE: gettext_lazy("Rintraccio"),
    ItemKind.LEGAL_REVIEW: gettext_lazy("Revisione legale"),
    ItemKind.VERIFY_DATA: gettext_lazy("Verifica anagrafica"),
}
# The work item's transition table (rule 7): an open item is done or cancelled, once.
TRANSITIONS: dict[ItemStatus, frozenset[ItemStatus]] = {
    ItemStatus.OPEN: frozenset({ItemStatus.DONE, ItemStatus.CANCELLED}),
    ItemStatus.DONE: frozenset(),
    ItemStatus.CANCELLED: frozenset(),
}
STATUS_LABELS = {
    ItemStatus.OPEN: gettext_lazy("Da fare"),
    ItemStatus.DONE: gettext_lazy("Fatto"),
    ItemStatus.CANCELLED: gettext_lazy("Annullato"),
}
OUTCOME_LABELS = {
    Outcome.NO_ANSWER: gettext_lazy("Non risponde"),
    Outcome.PROMISE: gettext_lazy("Promessa di pagamento"),
    Outcome.DISPUTE: gettext_lazy("Contestazione"),
    Outcome.WRONG_NUMBER: gettext_lazy("Numero errato"),
    Outcome.CALL_BACK: gettext_lazy("Richiamare"),
    Outcome.NOT_HOME: gettext_lazy("Assente"),
    Outcome.MET: gettext_lazy("Incontrato"),
    Outcome.FOUND: gettext_lazy("Recapito trovato"),
    Outcome.NOT_FOUND: gettext_lazy("Irreperibile"),
    Outcome.REVIEWED: gettext_lazy("Esaminata"),
    Outcome.VERIFIED: gettext_lazy("Dati verificati"),
    Outcome.RIGHT_PARTY: gettext_lazy("Parlato con il debitore"),
    Outcome.WRONG_PARTY: gettext_lazy("Persona errata"),
    Outcome.REFUSED: gettext_lazy("Rifiuta di pagare"),
    Outcome.DECEASED: gettext_lazy("Debitore deceduto"),
    Outcome.INSOLVENCY: gettext_lazy("Procedura concorsuale"),
    Outcome.MOVED: gettext_lazy("Trasferito"),
    Outcome.DOOR_NOTICE: gettext_lazy("Avviso lasciato"),
    Outcome.PLAN: gettext_lazy("Piano di rientro concordato"),
    Outcome.SETTLEMENT: gettext_lazy("Saldo e stralcio concordato"),
}
# Outcomes allowed per kind.
OUTCOMES: dict[ItemKind, tuple[Outcome, ...]] = {
    ItemKind.CALL: (
        Outcome.NO_ANSWER,
        Outcome.PROMISE,
        Outcome.DISPUTE,
        Outcome.WRONG_NUMBER,
        Outcome.CALL_BACK,
        Outcome.RIGHT_PARTY,
        Outcome.WRONG_PARTY,
        Outcome.REFUSED,
        Outcome.DECEASED,
        Outcome.INSOLVENCY,
        Outcome.PLAN,
        Outcome.SETTLEMENT,
    ),
    ItemKind.VISIT: (
        Outcome.NOT_HOME,
        Outcome.MET,
        Outcome.PROMISE,
        Outcome.DISPUTE,
        Outcome.MOVED,
        Outcome.DOOR_NOTICE,
        Outcome.REFUSED,
        Outcome.DECEASED,
        Outcome.PLAN,
        Outcome.SETTLEMENT,
    ),
    ItemKind.SKIP_TRACE: (Outcome.FOUND, Outcome.NOT_FOUND),
    ItemKind.LEGAL_REVIEW: (Outcome.REVIEWED,),
    # not found: the skip-trace way (a wrong identity or address is corrected on the case page, then verified)
    ItemKind.VERIFY_DATA: (Outcome.VERIFIED,),
}
# A conversation with the debtor (counted against the UNIREC limits, LEGAL.md §4).
CONVERSATIONS = frozenset(
    {
        Outcome.PROMISE,
        Outcome.DISPUTE,
        Outcome.CALL_BACK,
        Outcome.MET,
        Outcome.RIGHT_PARTY,
        Outcome.REFUSED,
        Outcome.PLAN,
        Outcome.SETTLEMENT,
    }
)
# Outcomes whose agreement is written next on the case's arrangements page (the kind preselected there).
AGREEMENTS = {Outcome.PLAN: "plan", Outcome.SETTLEMENT: "settlement"}

# Where an outcome leads the case (through the case transition table; None: the case stays where it is).
# Deceased or in an insolvency procedure: the claim goes to the heirs or into the procedure (insinuazione al
# passivo): a lawyer's work, so the case is handed to legal and the ladder stops. A refusal keeps it in work.
CASE_TARGETS: dict[Outcome, str] = {
    Outcome.DECEASED: "legal",
    Outcome.INSOLVENCY: "legal",
    Outcome.REFUSED: "working",
    Outcome.RIGHT_PARTY: "working",
}
# Outcomes that say the phone number called is not the debtor's: it is marked wrong and never called again.
WRONG_CONTACT = frozenset({Outcome.WRONG_NUMBER, Outcome.WRONG_PARTY})


# Who may act on an item of each kind (close it with an outcome), and who may read its queue: the capability to
# act on it, or the agency-wide right to watch the queues (supervisors, auditors).
ACT_CAPABILITY: dict[ItemKind, str] = {
    ItemKind.CALL: WORK_ITEMS,
    ItemKind.VISIT: REPORT_VISITS,
    ItemKind.SKIP_TRACE: WORK_ITEMS,
    ItemKind.LEGAL_REVIEW: WORK_ITEMS,
    ItemKind.VERIFY_DATA: WORK_ITEMS,
}
QUEUE_CAPABILITIES: dict[ItemKind, tuple[str, ...]] = {
    kind: (capability, VIEW_QUEUES) for kind, capability in ACT_CAPABILITY.items()
}
