"""A provider that sends nothing and remembers what it was asked to send (tests, demo, local runs)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from recupero.channels.providers.base import Message, ProviderResult


class FakeProvider:
    name = "fake"
    outbox: ClassVar[list[Message]] = []

    def __init__(self, **_options: object) -> None:
        pass

    def send(self, message: Message) -> ProviderResult:
        FakeProvider.outbox.append(message)
        # Unique across processes and restarts (several workers): a receipt must match back to one message.
        return ProviderResult(True, f"fake-{uuid.uuid4().hex}@recupero.invalid", "sent", provider=self.name)
