"""Errors raised by the law engine.

`law` imports nothing from the rest of the platform, so it carries its own error class; `recupero.core.errors`
maps any error that has a stable `code` (this one included) to an HTTP status and to its Italian message.
"""

from __future__ import annotations

from typing import Any


class LawError(ValueError):
    """A rule of law refuses the input. `code` is stable (`law.rate_missing`); `message` is Italian."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **{k: str(v) for k, v in self.params.items()}}
