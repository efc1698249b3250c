"""Writes of the shared kernel: the audit record (one home for appending to the chain), user creation."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils.timezone import now

from recupero.core.bulk import Bulk, columns_of, reserve_id_range
from recupero.core.context import current_ip
from recupero.core.domain.chain import GENESIS, Verdict, canonical, link
from recupero.core.domain.roles import MANAGE_USERS, VIEW_AUDIT, Role
from recupero.core.models import AuditLog, AuditSubject, Tenant, User
from recupero.core.passwords import password_check
from recupero.core.permissions import service
from recupero.core.selectors import chain_verify


def audit_record(
    *,
    tenant: Tenant,
    actor: User,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
    debtor_ids: Iterable[int] = (),
    case_ids: Iterable[int] = (),
) -> AuditLog:
    """Append one row to the tenant's audit chain. Called by every service write (inside its transaction) and
    by the request middleware for views of personal data (`core/audit.py`).

    The debtors and cases the row is about are indexed for the auditor's search: those given, plus the
    object's own (a case, a debtor, or anything with a `case_id`)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    debtors, cases = _subjects(obj, debtor_ids, case_ids)
    with transaction.atomic():
        seq, prev = _chain_head(tenant)
        row = AuditLog(
            tenant=tenant,
            seq=seq,
            at=now(),  # taken under the chain's lock: time never goes back along the chain
            actor=actor if actor is not None and actor.pk else None,
            ip=_address(current_ip.get()),
            action=action,
            object_type=object_type[:60],
            object_id=object_id[:40],
            # Stored exactly as hashed: what the database gives back is what verify recomputes.
            details=json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder)),
            prev_hash=prev,
        )
        row.hash = link(prev, _content(row))
        row.save(force_insert=True)
        AuditSubject.objects.bulk_create(
            [AuditSubject(tenant=tenant, log=row, seq=seq, debtor_id=d) for d in debtors]
            + [AuditSubject(tenant=tenant, log=row, seq=seq, case_id=c) for c in cases],
            batch_size=500,
        )
    return row


@dataclass(frozen=True)
class AuditItem:
    """One row of `audit_record_many`: what `audit_record` takes, with its subjects named by the caller."""

    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
    debtor_ids: tuple[int, ...] = ()
    case_ids: tuple[int, ...] = ()


def audit_record_many(
    *, tenant: Tenant, actor: User, items: Sequence[AuditItem], bulk: Bulk | None = None
) -> int:
    """`audit_record` for many rows at once (a bank statement's postings), chained in the order given under one
    lock of the tenant's chain, written with the bulk layer's COPY (ids reserved from the table's sequence).
    The same rows, hashes and subjects as that many `audit_record` calls; inside the caller's transaction
    (`bulk`: the caller's writer of that transaction, whose held rows need no second key check)."""
    if not items:
        return 0
    with transaction.atomic():
        seq, prev = _chain_head(tenant)
        at, actor_id, ip = (
            now(),
            actor.pk if actor is not None and actor.pk else None,
            _address(current_ip.get()),
        )
        ids = iter(reserve_id_range(AuditLog._meta.db_table, len(items)))
        writer = bulk or Bulk(checked=True)  # the keys checked set-based where the role may (decision 0004)
        logs: list[tuple[object, ...]] = []
        subjects: list[tuple[object, ...]] = []
        stamp = writer.ts_at(at)
        for item in items:  # no model instance per row: the canonical content straight from the values
            text = json.dumps(item.details, cls=DjangoJSONEncoder)
            details = json.loads(text)
            object_type, object_id = item.object_type[:60], item.object_id[:40]
            content = canonical(
                tenant_id=tenant.pk, seq=seq, at=at, actor_id=actor_id, ip=ip, action=item.action,
                object_type=object_type, object_id=object_id, details=details,
            )  # fmt: skip
            before, prev = prev, link(prev, content)
            pk = next(ids)
            logs.append((pk, tenant.pk, seq, stamp, actor_id, ip, item.action, object_type, object_id,
                         text, before, prev))  # fmt: skip
            subjects += [(tenant.pk, pk, seq, d, None) for d in sorted(set(item.debtor_ids))]
            subjects += [(tenant.pk, pk, seq, None, c) for c in sorted(set(item.case_ids))]
            seq += 1
        writer.write(AuditLog._meta.db_table, _AUDIT_COLUMNS, logs)
        writer.write(AuditSubject._meta.db_table, _SUBJECT_COLUMNS, subjects)
    return len(items)


_AUDIT_COLUMNS = columns_of(
    AuditLog
)  # the tuples above are in this order (a test compares with audit_record)
_SUBJECT_COLUMNS = ("tenant_id", "log_id", "seq", "debtor_id", "case_id")  # the id from its sequence


def _address(ip: str | None) -> str | None:
    """The address as the database gives it back (an IPv6 address compressed, lower case), or None."""
    try:
        return AuditLog._meta.get_field("ip").to_python(ip) or None  # type: ignore[no-any-return]
    except ValidationError:
        return None


def _content(row: AuditLog) -> bytes:
    return canonical(
        tenant_id=row.tenant_id,
        seq=row.seq,
        at=row.at,
        actor_id=row.actor_id,
        ip=row.ip,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        details=row.details,
    )


# A constant first key for PostgreSQL's advisory locks: (AUDIT_LOCK, tenant id) is the tenant's chain.
AUDIT_LOCK = 0x41554454  # "AUDT"


def _chain_head(tenant: Tenant) -> tuple[int, str]:
    """Lock the tenant's chain until this transaction ends and return (next seq, hash of the last row).

    PostgreSQL: a transaction-level advisory lock per tenant, so two writers never read the same head (the
    unique (tenant, seq) constraint would refuse a fork anyway, this makes the second wait instead of fail).
    Under READ COMMITTED the query after the lock sees the row the previous holder committed. SQLite: every
    transaction is BEGIN IMMEDIATE (settings), the database is written by one connection at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [AUDIT_LOCK, tenant.pk])
    head = AuditLog.objects.filter(tenant=tenant).order_by("-seq").values_list("seq", "hash").first()
    return (head[0] + 1, head[1]) if head else (1, GENESIS)


def _subjects(
    obj: models.Model | None, debtor_ids: Iterable[int], case_ids: Iterable[int]
) -> tuple[list[int], list[int]]:
    debtors, cases = {int(d) for d in debtor_ids}, {int(c) for c in case_ids}
    if obj is not None and obj.pk is not None:
        label = obj._meta.label_lower
        if label == "parties.debtor":
            debtors.add(int(obj.pk))
        elif label == "cases.case":
            cases.add(int(obj.pk))
            debtors.add(int(obj.debtor_id))  # type: ignore[attr-defined]
        elif isinstance(getattr(obj, "case_id", None), int):
            cases.add(obj.case_id)  # type: ignore[attr-defined]
    return sorted(debtors), sorted(cases)


@service(VIEW_AUDIT)
def audit_verify_record(*, tenant: Tenant, actor: User) -> Verdict:
    """Verify the tenant's whole chain and append the verdict to it (`audit.verify`): the head it vouched for
    (seq and hash) stays on record, so that rows later removed from the end can be noticed."""
    verdict = chain_verify(tenant=tenant)
    audit_record(tenant=tenant, actor=actor, action="audit.verify", obj=tenant, details=verdict.as_dict())
    return verdict


@service(MANAGE_USERS)
def user_create(
    *,
    tenant: Tenant,
    actor: User,
    username: str,
    password: str,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    creditor_id: int | None = None,
    is_staff: bool = False,
) -> User:
    """A user of the agency with a role. Never a Django superuser: the role's capabilities decide what they do,
    the Django admin included (`core.admin_site`). The password must pass AUTH_PASSWORD_VALIDATORS."""
    user = User(
        tenant=tenant,
        username=username,
        role=role.value,
        first_name=first_name,
        last_name=last_name,
        creditor_id=creditor_id,
        is_staff=is_staff or role == Role.ADMIN,
        is_superuser=False,
    )
    password_check(password, user)
    user.set_password(password)
    user.save()
    audit_record(tenant=tenant, actor=actor, action="user.create", obj=user, details={"role": role.value})
    return user
