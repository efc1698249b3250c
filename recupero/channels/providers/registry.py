"""Which provider each channel uses: settings.RECUPERO_CHANNELS = {"email": {"backend": "smtp", ...}, ...}."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from recupero.channels.providers.base import ChannelProvider
from recupero.channels.providers.fake import FakeProvider
from recupero.channels.providers.sms_http import HttpSmsProvider
from recupero.channels.providers.smtp import SmtpProvider

BACKENDS: dict[str, Any] = {"fake": FakeProvider, "smtp": SmtpProvider, "sms_http": HttpSmsProvider}


def provider_for(kind: str) -> ChannelProvider:
    config = dict(getattr(settings, "RECUPERO_CHANNELS", {}).get(kind, {"backend": "fake"}))
    backend = BACKENDS[config.pop("backend", "fake")]
    return backend(**config)  # type: ignore[no-any-return]
