"""Which card provider is used: settings.RECUPERO_CARD_PAYMENTS = {"backend": "fake", ...options}. Only the
fake is bundled: a real acquirer (Nexi, Stripe…) is one more module here with its own options."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from recupero.payments.providers.base import CardProvider
from recupero.payments.providers.fake import FakeCardProvider

BACKENDS: dict[str, Any] = {"fake": FakeCardProvider}


def card_provider() -> CardProvider:
    config = dict(getattr(settings, "RECUPERO_CARD_PAYMENTS", {"backend": "fake"}))
    backend = BACKENDS[config.pop("backend", "fake")]
    return backend(**config)  # type: ignore[no-any-return]
