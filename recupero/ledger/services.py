"""Every write on the books: posting, opening balances, reversals. Balances are refreshed from the entries."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from recupero.cases.models import Case, Claim
from recupero.cases.services import case_set_balance, timeline_append
from recupero.core.domain.roles import MANAGE_RATES, POST_LEDGER
from recupero.core.errors import DomainError, from_law
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service, system_actor
from recupero.core.services import audit_record
from recupero.law.errors import LawError
from recupero.law.rates import ECB, LEGAL_KIND, default_rates, next_row, parse_rate
from recupero.ledger.domain import opening
from recupero.ledger.domain.accounts import Account, EntryKind, total_due
from recupero.ledger.models import InterestRate, LedgerEntry
from recupero.ledger.selectors import case_balances, rate_table


@dataclass(frozen=True)
class Line:
    debit: Account
    credit: Account
    amount: Decimal
    description: str = ""


def _check(lines: list[Line]) -> None:
    for line in lines:
        if (
            line.debit == line.credit
            or line.amount <= 0
            or line.amount != line.amount.quantize(Decimal("0.01"))
        ):
            raise DomainError("ledger.unbalanced")


@service(POST_LEDGER)
@transaction.atomic
def entry_post(
    *,
    tenant: Tenant,
    actor: User,
    case: Case,
    kind: EntryKind,
    posted_on: dt.date,
    lines: list[Line],
    idempotency_key: str | None = None,
    summary: str = "",
    audit: bool = True,
) -> list[LedgerEntry]:
    """Post one group of entries on a case's books. With an idempotency key, a second post is a no-op.
    `audit=False`: the caller's own audit row names the group (a payment: one row for the act, `payments`)."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, POST_LEDGER, case)
    _check(lines)
    if idempotency_key and LedgerEntry.objects.filter(idempotency_key=f"{idempotency_key}#0").exists():
        return list(LedgerEntry.objects.filter(idempotency_key__startswith=f"{idempotency_key}#"))
    group = uuid.uuid4()
    entries = [
        LedgerEntry(
            tenant=tenant,
            case=case,
            group=group,
            kind=kind.value,
            posted_on=posted_on,
            debit_account=line.debit.value,
            credit_account=line.credit.value,
            amount=line.amount,
            description=line.description,
            actor=actor if actor and actor.pk else None,
            idempotency_key=f"{idempotency_key}#{i}" if idempotency_key else None,
        )
        for i, line in enumerate(lines)
    ]
    try:
        with transaction.atomic():
            LedgerEntry.objects.bulk_create(entries)
    except IntegrityError as exc:  # the database refused: a concurrent twin, or a rule broken
        raise DomainError("ledger.unbalanced") from exc
    balance_refresh(case=case)
    if summary:
        timeline_append(tenant=tenant, actor=actor, case=case, kind=f"ledger.{kind.value}", summary=summary)
    if not audit:
        return entries
    audit_record(
        tenant=tenant,
        actor=actor,
        action=f"ledger.{kind.value}",
        obj=case,
        details={"group": str(group), "total": str(sum(line.amount for line in lines))},
    )
    return entries


def balance_refresh(*, case: Case) -> Decimal:
    """A building block of the ledger's services (the cached total due follows the entries): not a service."""
    due = total_due(case_balances(case=case))
    case_set_balance(case=case, balance=due)
    return due


@service(POST_LEDGER)
def opening_post(*, tenant: Tenant, actor: User, case: Case, posted_on: dt.date) -> list[LedgerEntry]:
    """The opening balance: each claim's amount moves from the creditor's assigned claims to principal."""
    claims = Claim.objects.filter(tenant=tenant, case=case).order_by("issued_on", "id")
    lines = [
        Line(opening.DEBIT, opening.CREDIT, c.amount, opening.description(c.invoice_number, c.issued_on))
        for c in claims
    ]
    return entry_post(
        tenant=tenant,
        actor=actor,
        case=case,
        kind=opening.KIND,
        posted_on=posted_on,
        lines=lines,
        idempotency_key=opening.group_key(case.pk),
    )


@service(POST_LEDGER)
@transaction.atomic
def entry_reverse(*, tenant: Tenant, actor: User, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Correct an entry by posting its mirror image; the original stays, linked to its reversal."""
    if entry.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, POST_LEDGER, entry.case)
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError("ledger.already_reversed")
    reversal = LedgerEntry.objects.create(
        tenant=tenant,
        case=entry.case,
        group=uuid.uuid4(),
        kind=EntryKind.REVERSAL.value,
        posted_on=entry.posted_on,
        debit_account=entry.credit_account,
        credit_account=entry.debit_account,
        amount=entry.amount,
        description=f"Storno: {reason}"[:200],
        reverses=entry,
        actor=actor if actor and actor.pk else None,
    )
    balance_refresh(case=entry.case)
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=entry.case,
        kind="ledger.reversal",
        summary=f"Storno di {entry.amount} € ({reason})",
    )
    audit_record(tenant=tenant, actor=actor, action="ledger.reverse", obj=entry, details={"reason": reason})
    return reversal


@service(MANAGE_RATES)
@transaction.atomic
def rate_add(
    *,
    tenant: Tenant,
    actor: User,
    kind: str,
    valid_from: dt.date,
    rate: Decimal,
    source: str,
) -> InterestRate:
    """Add the published rate of the period after the last one (tasso BCE del semestre, saggio legale dell'anno).

    Rates are law, global to the installation: `tenant` is the actor's agency (checked by `@service`), not an
    owner. Only an administrator (or the system actor of the command line) adds one; the table must stay one run
    of periods, so a duplicate or a gap is refused with a stable code and nothing is written. Every agency's
    audit log records the addition, since every agency's figures change with it."""
    _rates_seed()
    try:
        row = next_row(rate_table(), kind, valid_from, parse_rate(str(rate)), source)
    except LawError as exc:
        raise from_law(exc) from None
    try:
        with transaction.atomic():
            created = InterestRate.objects.create(
                kind=kind,
                valid_from=row.start,
                valid_to=row.end,
                rate=row.rate,
                source=row.source[:300],
                created_by=actor if actor.pk else None,
            )
    except IntegrityError:  # a concurrent twin got there first
        raise DomainError("law.rate_duplicate") from None
    details = {"kind": kind, "from": row.start.isoformat(), "to": row.end.isoformat(), "rate": str(row.rate)}
    for each in Tenant.objects.order_by("pk"):
        # another agency's log names no user of ours: it records the change, made by "the system"
        who = actor if each.pk == tenant.pk else system_actor(each)
        audit_record(tenant=each, actor=who, action="law.rate_add", obj=created, details=details)
    return created


def _rates_seed() -> int:
    """Write the bundled rows of a kind whose table is empty (migration 0005 does it on install; a database
    emptied since, e.g. flushed, would otherwise get a table holding only the new row). Returns rows written."""
    table = default_rates()
    present = set(InterestRate.objects.values_list("kind", flat=True).distinct())
    rows = [
        InterestRate(kind=kind, valid_from=r.start, valid_to=r.end, rate=r.rate, source=r.source[:300])
        for kind, bundled in ((ECB, table.ecb), (LEGAL_KIND, table.legal))
        if kind not in present
        for r in bundled
    ]
    InterestRate.objects.bulk_create(rows)
    return len(rows)
