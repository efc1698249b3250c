"""The provider seam (rule 9): every channel sends through `ChannelProvider.send(message) -> ProviderResult`.

One module per kind (`smtp` for e-mail and PEC, `sms_http` for SMS, `fake` for tests and the demo); which one a
channel uses is configured in settings (`RECUPERO_CHANNELS`), read by `registry.provider_for(kind)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


@dataclass(frozen=True)
class Message:
    kind: str  # email, pec, sms
    to: str
    body: str
    subject: str = ""
    reference: str = ""  # our idempotency key: the provider may echo it back (SMS gateway)
    attachments: tuple[Attachment, ...] = field(default=())


@dataclass(frozen=True)
class ProviderResult:
    ok: bool
    message_id: str = ""  # without angle brackets
    status: str = "sent"  # sent | accepted
    error: str = ""
    provider: str = ""


class ChannelProvider(Protocol):
    name: str

    def send(self, message: Message) -> ProviderResult: ...
