"""The card-payment seam (like channels' providers): a hosted checkout where the debtor pays by card, and the
provider's confirmation that records the payment. One module per provider; `fake` for tests, the demo and local
runs; which one is used is a setting (`RECUPERO_CARD_PAYMENTS = {"backend": "fake", ...}`, `registry.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class Checkout:
    reference: str  # our reference of the attempt, echoed back by the provider (`card:<id>`)
    amount: Decimal
    description: str
    return_url: str  # where the payer comes back after the provider's page


@dataclass(frozen=True)
class CheckoutResult:
    ok: bool
    session_id: str = ""
    redirect_url: str = ""  # the provider's payment page (the fake: our own return page)
    error: str = ""


@dataclass(frozen=True)
class CardResult:
    """The provider's word on a session: paid (with its transaction id and the amount it charged) or not."""

    paid: bool
    transaction_id: str = ""
    amount: Decimal = Decimal("0.00")
    error: str = ""


class CardProvider(Protocol):
    name: str
    hosts_test_form: bool  # the fake: our return page shows a test card form that completes the payment

    def start(self, checkout: Checkout) -> CheckoutResult: ...

    def confirm(self, session_id: str, amount: Decimal) -> CardResult: ...
