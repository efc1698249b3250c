"""Reads of the shared kernel for the interfaces: the audit log (search, export, chain verification)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from recupero.core.domain.chain import GENESIS, ChainRow, Verdict, verify
from recupero.core.domain.roles import VIEW_AUDIT
from recupero.core.errors import DomainError
from recupero.core.models import AuditLog, AuditSubject, Tenant, User
from recupero.core.permissions import require

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
    """The tenant's rows in chain order, streamed (a million rows never sit in memory at once)."""
    qs = AuditLog.objects.filter(tenant=tenant, seq__gt=after_seq).order_by("seq").values_list(*CHAIN_FIELDS)
    for values in qs.iterator(chunk_size=5000):
        yield ChainRow(*values)


def chain_verify(*, tenant: Tenant, after_seq: int = 0, after_hash: str = GENESIS) -> Verdict:
    """Recompute the tenant's chain (from the start, or from a head a previous verification vouched for)."""
    return verify(
        chain_rows(tenant=tenant, after_seq=after_seq), start_seq=after_seq + 1, start_hash=after_hash
    )


def last_verification(*, tenant: Tenant) -> AuditLog | None:
    """The newest recorded full verification of the chain (`recupero audit verify --record`, the nightly job)."""
    return AuditLog.objects.filter(tenant=tenant, action="audit.verify").order_by("-seq").first()


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
    require(actor, VIEW_AUDIT)
    if actor.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    return AuditLog.objects.filter(tenant=tenant)


def audit_filtered(*, tenant: Tenant, actor: User, filters: AuditFilters) -> QuerySet[AuditLog]:
    """The auditor's rows, newest first. Every filter is served by an index leading with the tenant."""
    qs = _audit_visible(tenant, actor)
    if filters.actor_id:
        qs = qs.filter(actor_id=filters.actor_id)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.date_from:
        qs = qs.filter(at__gte=_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_midnight(filters.date_to + dt.timedelta(days=1)))
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


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
