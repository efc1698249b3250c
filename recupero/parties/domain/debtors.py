"""Debtor identity rules: who must have which code, what a debtor type implies for the law engine."""

from __future__ import annotations

from enum import StrEnum

from recupero.core.domain.i18n import gettext_noop


class DebtorKind(StrEnum):
    PERSON = "person"  # persona fisica
    SOLE_TRADER = "sole_trader"  # ditta individuale
    COMPANY = "company"  # società
    PUBLIC_BODY = "public_body"  # pubblica amministrazione


class DebtorSize(StrEnum):
    CONSUMER = "consumer"
    PROFESSIONAL = "professional"
    MICRO = "micro"
    SME = "sme"
    LARGE = "large"


KIND_LABELS = {
    DebtorKind.PERSON: gettext_noop("Persona fisica"),
    DebtorKind.SOLE_TRADER: gettext_noop("Ditta individuale"),
    DebtorKind.COMPANY: gettext_noop("Società"),
    DebtorKind.PUBLIC_BODY: gettext_noop("Ente pubblico"),
}
SIZE_LABELS = {
    DebtorSize.CONSUMER: gettext_noop("Consumatore"),
    DebtorSize.PROFESSIONAL: gettext_noop("Professionista"),
    DebtorSize.MICRO: gettext_noop("Microimpresa"),
    DebtorSize.SME: gettext_noop("PMI"),
    DebtorSize.LARGE: gettext_noop("Grande impresa"),
}


def law_debtor_type(size: str) -> str:
    """The debtor category the prescription rules use: consumer, micro, professional or business."""
    return {"consumer": "consumer", "professional": "professional", "micro": "micro"}.get(size, "business")


def is_consumer(size: str) -> bool:
    return size == DebtorSize.CONSUMER
