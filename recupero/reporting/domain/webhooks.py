"""Webhooks as pure rules: which timeline events become which webhook kinds, the signature, the backoff."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from recupero.core.domain.i18n import gettext_lazy

KINDS = ("payment", "closure", "dispute", "approval_needed")
KIND_LABELS = {
    "payment": gettext_lazy("Pagamento registrato"),
    "closure": gettext_lazy("Pratica chiusa"),
    "dispute": gettext_lazy("Contestazione"),
    "approval_needed": gettext_lazy("Approvazione richiesta"),
}
CLOSING_STATES = ("paid", "closed", "returned")
MAX_ATTEMPTS = 8
BASE_DELAY_SECONDS = 60
MAX_DELAY_SECONDS = 6 * 3600


def kind_of(timeline_kind: str, data: Mapping[str, Any]) -> str | None:
    """The webhook kind of a case timeline event, or None if creditors are not told about it."""
    if timeline_kind == "payment.recorded":
        return "payment"
    if timeline_kind == "case.status":
        to = data.get("to")
        if to in CLOSING_STATES:
            return "closure"
        if to == "disputed":
            return "dispute"
    if timeline_kind == "arrangement.proposed" and data.get("status") == "pending_approval":
        return "approval_needed"  # beyond the mandate: the creditor must approve it
    return None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>." + body): the timestamp is signed against replays."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff_seconds(attempts: int) -> int:
    """Wait before the next try after `attempts` failed ones: 1, 2, 4 … minutes, at most 6 hours."""
    return min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** max(0, attempts - 1))
