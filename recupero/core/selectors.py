"""Reads of the shared kernel for the interfaces: the audit log (search, export, chain verification)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from recupero.core.domain.chain import GENESIS, ChainRow, Verdict, verify
from recupero.core.domain.roles import VIEW_AUDIT
from recupero.core.models import AuditLog, AuditSubject, Tenant, User
from recupero.core.permissions import check

AUDIT_PAGE = 50
CHAIN_FIELDS = (
    "id",
    "tenant_id",
    "seq",
    "at",
    "actor_id",
    "ip",
    "action",
    "object_type",
    "object_id",
    "details",
    "prev_hash",
    "hash",
)


# ---------------------------------------------------------------- chain


def chain_rows(*, tenant: Tenant, after_seq: int = 0) -> Iterator[ChainRow]:
    """The tenant's rows in chain order, streamed (a million rows never sit in memory at once).

    The ORM's query, fetched with a plain (server-side on PostgreSQL) cursor: Django's per-row converters made
    the fetch three times slower than the hashing. The few conversions needed are done here."""
    qs = AuditLog.objects.filter(tenant=tenant, seq__gt=after_seq).order_by("seq").values_list(*CHAIN_FIELDS)
    sql, params = qs.query.sql_with_params()
    with (
        connection.chunked_cursor() as cursor
    ):  # WITH HOLD on PostgreSQL in autocommit; no write lock on SQLite
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            for values in batch:
                yield _chain_row(values)


def _chain_row(values: tuple[Any, ...]) -> ChainRow:
    row_id, tenant_id, seq, at, actor_id, ip, action, object_type, object_id, details, prev, digest = values
    if isinstance(at, str):  # SQLite keeps text
        at = parse_datetime(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    if isinstance(details, str | bytes):
        details = json.loads(details)
    return ChainRow(
        row_id,
        tenant_id,
        seq,
        at,
        actor_id,
        str(ip) if ip else None,
        action,
        object_type,
        object_id,
        details,
        prev,
        digest,
    )


def chain_verify(*, tenant: Tenant, after_seq: int = 0, after_hash: str = GENESIS) -> Verdict:
    """Recompute the tenant's chain (from the start, or from a head a previous verification vouched for)."""
    return verify(
        chain_rows(tenant=tenant, after_seq=after_seq), start_seq=after_seq + 1, start_hash=after_hash
    )


def last_verification(*, tenant: Tenant) -> AuditLog | None:
    """The newest recorded full verification of the chain (`recupero audit verify --record`, the nightly job)."""
    return AuditLog.objects.filter(tenant=tenant, action="audit.verify").order_by("-seq").first()


LIVE_LIMIT = 20_000  # rows a page may verify while the user waits (~0.3 s); beyond, the nightly job's verdict


@dataclass(frozen=True)
class ChainStatus:
    """What the auditor's page says about the chain: `ok`, `broken` or `unverified`, in one Italian sentence."""

    state: str
    message: str
    last: AuditLog | None = None


def chain_status(*, tenant: Tenant, live_limit: int = LIVE_LIMIT) -> ChainStatus:
    """The last recorded full verification, plus a live check of the rows written since (when few enough);
    with no recorded verification, a live check of the whole chain when it is small."""
    last = last_verification(tenant=tenant)
    head = AuditLog.objects.filter(tenant=tenant).order_by("-seq").values_list("seq", flat=True).first() or 0
    if last is not None and not last.details.get("ok"):
        reason = last.details.get("broken", {})
        return ChainStatus(
            "broken", f"Catena alterata alla riga n. {reason.get('seq')}: {reason.get('reason')}.", last
        )
    since, start_hash = (last.details["head_seq"], last.details["head_hash"]) if last else (0, GENESIS)
    if head - since > live_limit:
        what = "Nessuna verifica completa registrata" if last is None else "Verifica completa registrata"
        return ChainStatus(
            "unverified",
            f"{what}; {head - since} righe successive da verificare (recupero audit verify --record).",
            last,
        )
    verdict = chain_verify(tenant=tenant, after_seq=since, after_hash=start_hash)
    if not verdict.ok:
        assert verdict.broken is not None
        return ChainStatus(
            "broken", f"Catena alterata alla riga n. {verdict.broken.seq}: {verdict.broken.reason}.", last
        )
    scope = (
        "intera catena verificata ora"
        if last is None
        else "righe successive all'ultima verifica completa verificate ora"
    )
    return ChainStatus("ok", f"Catena integra: {head} righe ({scope}).", last)


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None = None
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    # None: no filter; a list (maybe empty: nothing matched the name or code searched) restricts the rows.
    debtor_ids: list[int] | None = None
    case_ids: list[int] | None = None


def _audit_visible(tenant: Tenant, actor: User) -> QuerySet[AuditLog]:
    check(actor, VIEW_AUDIT, tenant)
    return AuditLog.objects.filter(tenant=tenant)


def audit_filtered(*, tenant: Tenant, actor: User, filters: AuditFilters) -> QuerySet[AuditLog]:
    """The auditor's rows, newest first. Every filter is served by an index leading with the tenant."""
    qs = _audit_visible(tenant, actor)
    if filters.actor_id:
        qs = qs.filter(actor_id=filters.actor_id)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.date_from or filters.date_to:
        qs = _in_period(qs, tenant, filters.date_from, filters.date_to)
    subjects = AuditSubject.objects.filter(tenant=tenant)
    if filters.debtor_ids is not None:
        qs = qs.filter(seq__in=subjects.filter(debtor_id__in=filters.debtor_ids).values("seq"))
    if filters.case_ids is not None:
        qs = qs.filter(seq__in=subjects.filter(case_id__in=filters.case_ids).values("seq"))
    return qs.select_related("actor").order_by("-seq")


def audit_page(
    *, tenant: Tenant, actor: User, filters: AuditFilters, before_seq: int | None = None
) -> tuple[list[AuditLog], int | None]:
    """One page (keyset on seq: as fast on the millionth page as on the first) and the cursor of the next."""
    qs = audit_filtered(tenant=tenant, actor=actor, filters=filters)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    rows = list(qs[: AUDIT_PAGE + 1])
    more = len(rows) > AUDIT_PAGE
    rows = rows[:AUDIT_PAGE]
    return rows, (rows[-1].seq if more else None)


def audit_actions(*, tenant: Tenant, actor: User, recent: int = 5000) -> list[str]:
    """Action names to suggest in the filter: those of the newest rows (a DISTINCT over millions is not)."""
    qs = _audit_visible(tenant, actor).order_by("-seq").values_list("action", flat=True)[:recent]
    return sorted(set(qs))


def audit_actors(*, tenant: Tenant, actor: User) -> QuerySet[User]:
    _audit_visible(tenant, actor)
    return User.objects.filter(tenant=tenant).order_by("username")


def _in_period(
    qs: QuerySet[AuditLog], tenant: Tenant, start: dt.date | None, end: dt.date | None
) -> QuerySet[AuditLog]:
    """Rows of a period as a range of seq: `at` is taken under the chain's lock, so it grows with seq, and the
    first and last row of the period are two probes of the (tenant, at) index. Walking the seq index backwards
    while testing `at` would read every newer row first (0.5 s for a day in the middle of a million rows)."""
    period = {}
    if start:
        period["at__gte"] = _midnight(start)
    if end:
        period["at__lt"] = _midnight(end + dt.timedelta(days=1))
    qs = qs.filter(**period)  # still exact if clocks of two servers disagreed by a moment
    by_time = AuditLog.objects.filter(tenant=tenant, **period).order_by("at").values_list("seq", flat=True)
    first, last = by_time.first(), by_time.reverse().first()
    if first is None or last is None:
        return qs.none()
    return qs.filter(seq__gte=min(first, last), seq__lte=max(first, last))


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
