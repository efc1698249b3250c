"""Errors raised by the channels domain.

`domain/` imports no Django, so it carries its own error class; `recupero.core.errors` maps any error with a
stable `code` to an HTTP status and to its Italian message.
"""

from __future__ import annotations

from typing import Any


class ChannelError(ValueError):
    """Input refused by a channels rule. `code` is stable (`pec.not_a_receipt`); `message` is Italian."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **{k: str(v) for k, v in self.params.items()}}


class PecError(ChannelError):
    """A PEC receipt cannot be read (`pec.*`)."""


class LetterError(ChannelError):
    """A letter cannot be rendered (`letter.*`)."""
