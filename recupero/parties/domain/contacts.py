"""Contact points: kinds, statuses, and their syntax checks (phones to E.164, e-mail and PEC syntax)."""

from __future__ import annotations

from enum import StrEnum

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from recupero.core.domain.i18n import gettext_lazy


class ContactKind(StrEnum):
    ADDRESS = "address"
    PHONE = "phone"
    MOBILE = "mobile"
    EMAIL = "email"
    PEC = "pec"


class ContactStatus(StrEnum):
    VALID = "valid"
    UNVERIFIED = "unverified"
    WRONG = "wrong"
    UNREACHABLE = "unreachable"
    # an address whose CAP, province or country did not agree in the creditor's file: used by the ladder only
    # once verified, or when the debtor has another channel
    TO_VERIFY = "to_verify"


KIND_LABELS = {
    ContactKind.ADDRESS: gettext_lazy("Indirizzo"),
    ContactKind.PHONE: gettext_lazy("Telefono"),
    ContactKind.MOBILE: gettext_lazy("Cellulare"),
    ContactKind.EMAIL: "E-mail",
    ContactKind.PEC: "PEC",
}
STATUS_LABELS = {
    ContactStatus.VALID: gettext_lazy("Valido"),
    ContactStatus.UNVERIFIED: gettext_lazy("Da verificare"),
    ContactStatus.WRONG: gettext_lazy("Errato"),
    ContactStatus.UNREACHABLE: gettext_lazy("Irreperibile"),
    ContactStatus.TO_VERIFY: gettext_lazy("Da verificare (dati incoerenti)"),
}


def normalize_phone(value: str) -> str | None:
    """E.164 ('+393331234567') or None when the number is not a valid Italian or international number."""
    try:
        number = phonenumbers.parse(value, "IT")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(value: str) -> str | None:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None
