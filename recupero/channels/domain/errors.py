"""Errors raised by the channels domain.

The one base class is `recupero.core.errors.RecuperoError` (that module imports no Django, so `domain/` may
use it); `core.errors` maps any error with a stable `code` to an HTTP status and to its Italian message.
"""

from __future__ import annotations

from recupero.core.errors import RecuperoError


class ChannelError(RecuperoError, ValueError):
    """Input refused by a channels rule. `code` is stable (`pec.not_a_receipt`); `message` is Italian."""


class PecError(ChannelError):
    """A PEC receipt cannot be read (`pec.*`)."""


class LetterError(ChannelError):
    """A letter cannot be rendered (`letter.*`)."""
