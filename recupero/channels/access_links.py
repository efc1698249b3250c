"""The debtor's personal link on every letter, e-mail and SMS: `RECUPERO_PUBLIC_URL` + `/d/<token>/`.

A sending chunk asks `cases.access.access_links_ensure` once for all its cases (one query, one insert for the
cases without a live link) and pins the address on each communication (`comm.access_url`), which the letter
data (`letters.letter_data`: the "Online" row) and the texts (`services.texts._fields`: `{link}`) read.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from recupero.cases.access import access_links_ensure
from recupero.channels.models import Communication
from recupero.core.models import Tenant, User


def personal_url(token: str, base_url: str | None = None) -> str:
    base = (base_url if base_url is not None else settings.RECUPERO_PUBLIC_URL).rstrip("/")
    return f"{base}{reverse('debtor:open', args=[token])}"


def links_attach(actor: User, tenant: Tenant, comms: list[Communication]) -> None:
    """Give every communication of the chunk its case's personal link (issued where none is live)."""
    if not comms:
        return
    tokens = access_links_ensure(tenant=tenant, actor=actor, case_ids={c.case_id for c in comms})
    for comm in comms:
        token = tokens.get(comm.case_id)
        comm.access_url = personal_url(token) if token else ""  # type: ignore[attr-defined]


def access_url(comm: Communication) -> str:
    return getattr(comm, "access_url", "")
