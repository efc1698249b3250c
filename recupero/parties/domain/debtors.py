"""Debtor identity rules: who must have which code, what a debtor type implies for the law engine."""

from __future__ import annotations

from enum import StrEnum


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
    DebtorKind.PERSON: "Persona fisica",
    DebtorKind.SOLE_TRADER: "Ditta individuale",
    DebtorKind.COMPANY: "Società",
    DebtorKind.PUBLIC_BODY: "Ente pubblico",
}
SIZE_LABELS = {
    DebtorSize.CONSUMER: "Consumatore",
    DebtorSize.PROFESSIONAL: "Professionista",
    DebtorSize.MICRO: "Microimpresa",
    DebtorSize.SME: "PMI",
    DebtorSize.LARGE: "Grande impresa",
}


def law_debtor_type(size: str) -> str:
    """The debtor category the prescription rules use: consumer, micro, professional or business."""
    return {"consumer": "consumer", "professional": "professional", "micro": "micro"}.get(size, "business")


def is_consumer(size: str) -> bool:
    return size == DebtorSize.CONSUMER
