"""A card provider that charges nothing: every session it opened is paid when confirmed (tests, demo)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import ClassVar

from recupero.payments.providers.base import CardResult, Checkout, CheckoutResult


class FakeCardProvider:
    name = "fake"
    hosts_test_form = True
    sessions: ClassVar[dict[str, Checkout]] = {}

    def __init__(self, **_options: object) -> None:
        pass

    def start(self, checkout: Checkout) -> CheckoutResult:
        session_id = f"fake-{uuid.uuid4().hex}"
        FakeCardProvider.sessions[session_id] = checkout
        return CheckoutResult(True, session_id, checkout.return_url)

    def confirm(self, session_id: str, amount: Decimal) -> CardResult:
        if not session_id.startswith("fake-"):
            return CardResult(False, error="sessione sconosciuta")
        return CardResult(True, f"tx-{session_id[5:17]}", amount)
