"""The audit log's hash chain as pure functions: the canonical bytes of a row and the hash that links it.

Each tenant has its own chain (`seq` 1, 2, 3… per tenant). Why per tenant and not one global chain:
- an agency's chain can be verified, exported and handed to its auditor without anybody else's rows;
- removing a whole tenant (the demo reload, an agency leaving) drops its chain and leaves every other intact;
- appends are serialised per tenant, so two agencies never wait for each other's audit writes.

A row's hash is SHA-256 over the previous row's hash and the row's canonical content, which includes the
tenant and the sequence number: an edited field, a moved row, a row copied to another tenant or a row deleted in
the middle of the chain (a gap in `seq`, a `prev_hash` that no longer matches) are all detected. Deleting the
newest rows is detected only against a head recorded elsewhere (each `audit.verify` row records the head it
saw; print or keep them out of the database for that).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainRow:
    """The hashed columns of one audit row, as read back from the database."""

    id: int
    tenant_id: int
    seq: int
    at: dt.datetime
    actor_id: int | None
    ip: str | None
    action: str
    object_type: str
    object_id: str
    details: Any
    prev_hash: str
    hash: str


def _plain(value: Any) -> Any:
    """JSON values as both databases give them back: an integral float and the same integer are one value
    (PostgreSQL's jsonb keeps 1e20 as a numeric, read back as an int)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical(
    *,
    tenant_id: int,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    ip: str | None,
    action: str,
    object_type: str,
    object_id: str,
    details: Any,
) -> bytes:
    """One row's content as bytes that do not depend on the database: UTC time to the microsecond, sorted keys."""
    content = {
        "tenant": tenant_id,
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "ip": ip or None,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "details": _plain(details),
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()


def row_hash(row: ChainRow) -> str:
    return link(
        row.prev_hash,
        canonical(
            tenant_id=row.tenant_id,
            seq=row.seq,
            at=row.at,
            actor_id=row.actor_id,
            ip=row.ip,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            details=row.details,
        ),
    )


@dataclass(frozen=True, slots=True)
class Break:
    """The first row where the chain does not hold, and why (in Italian, for the page and the command)."""

    row_id: int | None
    seq: int
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    rows: int
    head_seq: int
    head_hash: str
    broken: Break | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": self.ok,
            "rows": self.rows,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
        }
        if self.broken is not None:
            out["broken"] = {
                "row_id": self.broken.row_id,
                "seq": self.broken.seq,
                "reason": self.broken.reason,
            }
        return out


def verify(rows: Iterable[ChainRow], *, start_seq: int = 1, start_hash: str = GENESIS) -> Verdict:
    """Walk rows in `seq` order from (start_seq, start_hash) and stop at the first that breaks the chain."""
    expected_seq, prev, count = start_seq, start_hash, 0
    for row in rows:
        broken = _check(row, expected_seq, prev)
        if broken is not None:
            return Verdict(False, count, expected_seq - 1, prev, broken)
        expected_seq, prev, count = row.seq + 1, row.hash, count + 1
    return Verdict(True, count, expected_seq - 1, prev)


def _check(row: ChainRow, expected_seq: int, prev: str) -> Break | None:
    if row.seq > expected_seq:
        missing = f"{expected_seq}" if row.seq == expected_seq + 1 else f"{expected_seq}–{row.seq - 1}"
        return Break(row.id, row.seq, f"mancano le righe n. {missing} prima di questa (cancellate)")
    if row.seq < expected_seq:
        return Break(row.id, row.seq, f"numero {row.seq} ripetuto o fuori ordine (atteso {expected_seq})")
    if row.prev_hash != prev:
        return Break(row.id, row.seq, "l'impronta della riga precedente non corrisponde (riga sostituita)")
    if row_hash(row) != row.hash:
        return Break(row.id, row.seq, "il contenuto non corrisponde alla sua impronta (riga modificata)")
    return None
