"""The PEC mailbox over IMAP: a thin poller feeding every unseen receipt to `services.pec_ingest`."""

from __future__ import annotations

import imaplib
from typing import Any

from django.conf import settings

from recupero.channels.services import IngestResult, pec_ingest
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor


def pec_poll(*, tenant: Tenant, limit: int = 500) -> list[IngestResult]:
    """Fetch unseen messages, ingest each, and mark it seen only once ingested (a crash re-reads it; the
    evidence hash makes a second ingestion a no-op)."""
    cfg: dict[str, Any] = settings.RECUPERO_PEC_IMAP
    if not cfg.get("host"):
        return []
    client_class = imaplib.IMAP4_SSL if cfg.get("ssl", True) else imaplib.IMAP4
    out: list[IngestResult] = []
    with client_class(cfg["host"], int(cfg["port"])) as client:
        client.login(cfg["username"], cfg["password"])
        client.select(cfg.get("mailbox", "INBOX"))
        _typ, data = client.search(None, "UNSEEN")
        for raw_num in (data[0] or b"").split()[:limit]:
            num = raw_num.decode()
            _typ, parts = client.fetch(num, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
            out.append(pec_ingest(tenant=tenant, actor=system_actor(tenant), raw=raw))
            client.store(num, "+FLAGS", "\\Seen")
    return out
