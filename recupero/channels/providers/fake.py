"""A provider that sends nothing and remembers what it was asked to send (tests, demo, local runs)."""

from __future__ import annotations

import itertools
from typing import ClassVar

from recupero.channels.providers.base import Message, ProviderResult

_seq = itertools.count(1)


class FakeProvider:
    name = "fake"
    outbox: ClassVar[list[Message]] = []

    def __init__(self, **_options: object) -> None:
        pass

    def send(self, message: Message) -> ProviderResult:
        FakeProvider.outbox.append(message)
        return ProviderResult(True, f"fake-{next(_seq)}@recupero.invalid", "sent", provider=self.name)
