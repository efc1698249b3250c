"""Debtor identity rules: who must have which code, what a debtor type implies for the law engine."""

from __future__ import annotations

from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


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
    DebtorKind.PERSON: gettext_lazy("Persona fisica"),
    DebtorKind.SOLE_TRADER: gettext_lazy("Ditta individuale"),
    DebtorKind.COMPANY: gettext_lazy("Società"),
    DebtorKind.PUBLIC_BODY: gettext_lazy("Ente pubblico"),
}
SIZE_LABELS = {
    DebtorSize.CONSUMER: gettext_lazy("Consumatore"),
    DebtorSize.PROFESSIONAL: gettext_lazy("Professionista"),
    DebtorSize.MICRO: gettext_lazy("Microimpresa"),
    DebtorSize.SME: gettext_lazy("PMI"),
    DebtorSize.LARGE: gettext_lazy("Grande impresa"),
}


def law_debtor_type(size: str) -> str:
    """The debtor category the prescription rules use: consumer, micro, professional or business."""
    return {"consumer": "consumer", "professional": "professional", "micro": "micro"}.get(size, "business")


def is_consumer(size: str) -> bool:
    return size == DebtorSize.CONSUMER
