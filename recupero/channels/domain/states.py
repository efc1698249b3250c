"""The communication state machine (rule 7: every status change goes through this table).

draft → queued → rendered → sent → accepted → delivered | bounced | failed | held | returned.
`accepted` is the provider's acceptance (PEC ricevuta di accettazione, SMS gateway "accepted"); `held` is a
raccomandata left at the post office (avviso di giacenza: for prescription it counts as received, LEGAL.md §3).
"""

from __future__ import annotations

from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


class CommStatus(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    RENDERED = "rendered"
    SENT = "sent"
    ACCEPTED = "accepted"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    FAILED = "failed"
    HELD = "held"
    RETURNED = "returned"


class CommKind(StrEnum):
    LETTER = "letter"  # posta ordinaria
    REGISTERED = "registered"  # raccomandata A/R
    EMAIL = "email"
    PEC = "pec"
    SMS = "sms"


S = CommStatus
_ENDS = frozenset({S.DELIVERED, S.BOUNCED, S.FAILED, S.HELD, S.RETURNED})
TRANSITIONS: dict[CommStatus, frozenset[CommStatus]] = {
    S.DRAFT: frozenset({S.QUEUED, S.FAILED}),
    S.QUEUED: frozenset({S.RENDERED, S.FAILED}),
    S.RENDERED: frozenset({S.SENT, S.FAILED}),
    S.SENT: frozenset({S.ACCEPTED} | _ENDS),
    S.ACCEPTED: frozenset(_ENDS),
    # A raccomandata in giacenza is either collected (delivered) or sent back (returned).
    S.HELD: frozenset({S.DELIVERED, S.RETURNED}),
    # A DSN may arrive after the receiving server accepted the message (late bounce).
    S.DELIVERED: frozenset({S.BOUNCED}),
    S.BOUNCED: frozenset(),
    S.FAILED: frozenset(),
    S.RETURNED: frozenset(),
}

LABELS = {
    S.DRAFT: gettext_lazy("Bozza"),
    S.QUEUED: gettext_lazy("In coda"),
    S.RENDERED: gettext_lazy("Composta"),
    S.SENT: gettext_lazy("Inviata"),
    S.ACCEPTED: gettext_lazy("Accettata"),
    S.DELIVERED: gettext_lazy("Consegnata"),
    S.BOUNCED: gettext_lazy("Respinta"),
    S.FAILED: gettext_lazy("Non inviata"),
    S.HELD: gettext_lazy("In giacenza"),
    S.RETURNED: gettext_lazy("Restituita al mittente"),
}
KIND_LABELS = {
    CommKind.LETTER: gettext_lazy("Lettera"),
    CommKind.REGISTERED: gettext_lazy("Raccomandata A/R"),
    CommKind.EMAIL: "E-mail",
    CommKind.PEC: "PEC",
    CommKind.SMS: "SMS",
}

# Statuses that prove the message failed, and those that prove it was received (LEGAL.md §3).
FAILED_STATES = frozenset({S.BOUNCED, S.FAILED, S.RETURNED})
RECEIVED_STATES = frozenset({S.DELIVERED, S.HELD})


def can_transition(source: str, target: str) -> bool:
    return CommStatus(target) in TRANSITIONS[CommStatus(source)]


# Step template code → Typst letter kind (recupero.channels.documents.render.KINDS).
LETTER_KINDS = {
    "reminder_1": "reminder_1",
    "reminder_2": "reminder_2",
    "formal_demand": "formal_demand",
    "formal_demand_b2b": "formal_demand",
    "suspension_notice": "supply_suspension_notice",
    "bureau_notice": "bureau_notice",
    "arrangement_summary": "agreement_summary",
    "dispute_reply": "dispute_reply",
}
