"""Password rules: Django's validators as a DomainError, and the length validator with the Italian message that
Django's own catalogue lacks (its Italian translation has the wording of earlier versions: English would show)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import translation

from recupero.core.errors import DomainError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"Questa password è troppo corta: deve contenere almeno {self.min_length} caratteri."

    def get_help_text(self) -> str:
        return f"La password deve contenere almeno {self.min_length} caratteri."


def password_check(password: str, user: Any) -> None:
    """Django's validators (similarity to the user's names, length, common, all digits) as a DomainError with
    their Italian reasons; nothing is written."""
    try:
        with translation.override("it"):  # the catalogue's messages are Italian; so are the reasons
            password_validation.validate_password(password, user)
    except ValidationError as exc:
        with translation.override("it"):
            reasons = " ".join(str(m) for m in exc.messages)
        raise DomainError("user.weak_password", reasons=reasons) from exc
