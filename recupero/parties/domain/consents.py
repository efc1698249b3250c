"""The debtor's choice of channels (privacy: consenso / opposizione per canale), as a small bit mask.

A debtor may refuse e-mail, SMS and phone calls: the ladder then passes over a step that could only go that
way, and a person cannot send them an ad-hoc message there either. Letters and PEC carry the notices the law
requires (costituzione in mora, diffida, the SIC notice): they cannot be refused, only corrected. The bits are
stored on `Debtor.channels_refused` so the daily run reads them with the case row, at no extra query.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


class ContactChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"  # calls, to a landline or a mobile
    POST = "post"
    PEC = "pec"


# The channels a debtor may refuse, and their bit in `Debtor.channels_refused`.
REFUSABLE = {ContactChannel.EMAIL: 1, ContactChannel.SMS: 2, ContactChannel.PHONE: 4}
REQUIRED = frozenset({ContactChannel.POST, ContactChannel.PEC})

CHANNEL_LABELS = {
    ContactChannel.EMAIL: "E-mail",
    ContactChannel.SMS: "SMS",
    ContactChannel.PHONE: gettext_lazy("Telefonate"),
    ContactChannel.POST: gettext_lazy("Posta"),
    ContactChannel.PEC: "PEC",
}


def refusal_mask(refused: Iterable[ContactChannel]) -> int:
    """The bits of the refused channels; a channel that cannot be refused raises ValueError."""
    mask = 0
    for channel in refused:
        if channel not in REFUSABLE:
            raise ValueError(channel)
        mask |= REFUSABLE[channel]
    return mask


def refused_channels(mask: int) -> frozenset[ContactChannel]:
    return frozenset(c for c, bit in REFUSABLE.items() if mask & bit)


def is_refused(mask: int, channel: str) -> bool:
    """Whether a message by `channel` (a channels' kind or a ladder's channel name) goes against the refusal."""
    bit = REFUSABLE.get(ContactChannel(channel)) if channel in ContactChannel._value2member_map_ else None
    return bool(bit and mask & bit)
