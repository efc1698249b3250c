"""Disputes (contestazioni) and the debtor's right to a verification of the debt: reasons, states, documents.

Pure: the transition table of a dispute, the reasons an agency records, and the check of an uploaded document by
its content (the name and the browser's content type say nothing: a renamed .exe is not a PDF).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


class DisputeReason(StrEnum):
    ALREADY_PAID = "already_paid"
    AMOUNT_WRONG = "amount_wrong"
    NOT_RECEIVED = "not_received"  # goods or service not received
    NOT_THE_DEBTOR = "not_the_debtor"
    PRESCRIBED = "prescribed"
    # the debtor asks for the documents proving the debt (verifica del debito) before paying or contesting
    VERIFICATION = "verification"
    OTHER = "other"


REASON_LABELS = {
    DisputeReason.ALREADY_PAID: gettext_lazy("Già pagato"),
    DisputeReason.AMOUNT_WRONG: gettext_lazy("Importo errato"),
    DisputeReason.NOT_RECEIVED: gettext_lazy("Bene o servizio non ricevuto"),
    DisputeReason.NOT_THE_DEBTOR: gettext_lazy("Non è il debitore"),
    DisputeReason.PRESCRIBED: gettext_lazy("Credito prescritto"),
    DisputeReason.VERIFICATION: gettext_lazy("Richiesta di verifica del debito"),
    DisputeReason.OTHER: gettext_lazy("Altro"),
}


class DisputeStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # accolta: the claim is reduced or cancelled in the books
    REJECTED = "rejected"  # respinta: a reasoned reply to the debtor
    WITHDRAWN = "withdrawn"  # ritirata dal debitore


STATUS_LABELS = {
    DisputeStatus.OPEN: gettext_lazy("Aperta"),
    DisputeStatus.UPHELD: gettext_lazy("Accolta"),
    DisputeStatus.REJECTED: gettext_lazy("Respinta"),
    DisputeStatus.WITHDRAWN: gettext_lazy("Ritirata"),
}

D = DisputeStatus
TRANSITIONS: dict[DisputeStatus, frozenset[DisputeStatus]] = {
    D.OPEN: frozenset({D.UPHELD, D.REJECTED, D.WITHDRAWN}),
    D.UPHELD: frozenset(),
    D.REJECTED: frozenset(),
    D.WITHDRAWN: frozenset(),
}

# Days the agency gives itself to answer a dispute when nobody sets a deadline (verification of the debt).
DEFAULT_DEADLINE_DAYS = 30
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 20


def can_transition(source: str, target: str) -> bool:
    return DisputeStatus(target) in TRANSITIONS[DisputeStatus(source)]


def default_deadline(opened_on: dt.date) -> dt.date:
    return opened_on + dt.timedelta(days=DEFAULT_DEADLINE_DAYS)


# Magic numbers of the kinds we accept, and the extension each is stored under.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def document_kind(head: bytes, size: int) -> tuple[str | None, str]:
    """(extension, "") for an accepted document, (None, error code) otherwise. `head`: the first bytes."""
    if size <= 0:
        return None, "dispute.document_empty"
    if size > MAX_DOCUMENT_BYTES:
        return None, "dispute.document_too_large"
    for magic, ext in _SIGNATURES:
        if head.startswith(magic):
            return ext, ""
    return None, "dispute.document_bad_type"
