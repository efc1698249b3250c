"""The daily check of arrangements (set-based, idempotent), called by `services.arrangements_check`.

1. Proposals beyond the mandate not decided by their `expires_on` expire (one UPDATE, one event each).
2. The active arrangements whose net payments since they started differ from what the last check saw, or that
   have an instalment already due and not yet paid, are the only candidates: one query finds them with the
   net payments computed by the database (payments minus reversals of payments, from `started_on` to the day).
3. Each candidate is judged by `domain.evaluate` from its instalments and its dated payments: instalment
   statuses are written where they changed; a kept or broken arrangement ends, and its case moves.
Running it twice on the same day changes nothing the second time: every write is conditional on a change.

On PostgreSQL (`_fast`) the candidates' query is one SQL statement (a lateral sum per arrangement, JIT off), id
lists go as one array literal, and outside a transaction the chunks are shared by two threads with a connection
each; elsewhere the same steps run through the ORM in one thread. `tests/test_check_paths.py` proves both paths
write the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, connections, transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from recupero.arrangements.domain.evaluate import DueItem, evaluate
from recupero.arrangements.domain.states import ArrangementStatus, InstalmentStatus, Kind, can_transition
from recupero.arrangements.models import Arrangement, Instalment
from recupero.arrangements.transitions import arrangement_move, case_follow
from recupero.cases.domain.states import CaseStatus
from recupero.cases.models import Case
from recupero.cases.services import cases_move_many, timeline_append, timeline_append_many
from recupero.core.bulk import among, pg_array
from recupero.core.models import Tenant, User
from recupero.core.services import audit_record
from recupero.law.money import ZERO, format_eur
from recupero.ledger.domain.accounts import RECEIVABLES, Account, EntryKind
from recupero.ledger.models import LedgerEntry
from recupero.ledger.selectors import case_balances
from recupero.ledger.services import Line, entry_post

CHUNK = 2000
FAST_PATH = True
# On PostgreSQL, outside a transaction, the chunks go to two threads with a connection each: while one judges in
# Python (the GIL held) the other waits on the database (released). The machine has 2 cores.
WORKERS = 2
_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _net_paid(day: dt.date) -> Coalesce:
    def total(**match: str) -> Subquery:
        rows = LedgerEntry.objects.filter(
            case_id=OuterRef("case_id"), posted_on__gte=OuterRef("started_on"), posted_on__lte=day, **match
        )
        return Subquery(rows.values("case_id").annotate(s=Sum("amount")).values("s")[:1], output_field=_MONEY)

    paid = Coalesce(
        total(kind=EntryKind.PAYMENT.value, debit_account=Account.PAYMENTS_RECEIVED.value),
        Value(ZERO),
        output_field=_MONEY,
    )
    reversed_ = Coalesce(
        total(kind=EntryKind.REVERSAL.value, credit_account=Account.PAYMENTS_RECEIVED.value),
        Value(ZERO),
        output_field=_MONEY,
    )
    return paid - reversed_  # type: ignore[return-value]


def candidates(tenant: Tenant, day: dt.date) -> list[tuple[int, Decimal]]:
    """(arrangement id, net paid) of the active arrangements the day may change."""
    if _fast():
        return _candidates_sql(tenant, day)
    overdue = Instalment.objects.filter(
        arrangement_id=OuterRef("pk"),
        status__in=[InstalmentStatus.PENDING, InstalmentStatus.MISSED],
        due_on__lt=day,
    )
    qs = (
        Arrangement.objects.filter(tenant=tenant, status=ArrangementStatus.ACTIVE)
        .annotate(paid=_net_paid(day))
        .filter(~Q(paid=F("paid_seen")) | Exists(overdue))
    )
    return list(qs.order_by("id").values_list("id", "paid"))


# The same question as the ORM's, asked once per arrangement (the ORM's asks the net payments twice, in the
# SELECT and in the WHERE: measured at 1M, 10.8 s with JIT against 3.1 s for this one without).
CANDIDATES_SQL = """
SELECT a.id, p.paid FROM arrangements_arrangement a
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(CASE WHEN e.kind = %(payment)s THEN e.amount ELSE -e.amount END), 0.00) AS paid
    FROM ledger_ledgerentry e
    WHERE e.case_id = a.case_id AND e.posted_on >= a.started_on AND e.posted_on <= %(day)s
      AND ((e.kind = %(payment)s AND e.debit_account = %(received)s)
        OR (e.kind = %(reversal)s AND e.credit_account = %(received)s))
) p
WHERE a.tenant_id = %(tenant)s AND a.status = %(active)s
  AND (p.paid <> a.paid_seen OR EXISTS (
    SELECT 1 FROM arrangements_instalment i
    WHERE i.arrangement_id = a.id AND i.status IN (%(pending)s, %(missed)s) AND i.due_on < %(day)s))
ORDER BY a.id
"""


def _candidates_sql(tenant: Tenant, day: dt.date) -> list[tuple[int, Decimal]]:
    params: dict[str, int | str | dt.date] = {
        "day": day,
        "tenant": tenant.pk,
        "active": ArrangementStatus.ACTIVE.value,
        "payment": EntryKind.PAYMENT.value,
        "reversal": EntryKind.REVERSAL.value,
        "received": Account.PAYMENTS_RECEIVED.value,
        "pending": InstalmentStatus.PENDING.value,
        "missed": InstalmentStatus.MISSED.value,
    }
    with transaction.atomic(), connection.cursor() as cur:
        _no_jit()
        cur.execute(CANDIDATES_SQL, params)
        return [(pk, paid) for pk, paid in cur.fetchall()]


def _fast() -> bool:
    """The PostgreSQL path: the candidates' query in SQL. `FAST_PATH = False` runs the generic (ORM) path on
    PostgreSQL too: the same-rows test compares the two (id lists go as one array literal on PostgreSQL either
    way, `core.bulk.among`)."""
    return FAST_PATH and connection.vendor == "postgresql"


def _no_jit() -> None:
    """PostgreSQL's JIT compiles the check's bigger statements for longer than they then run (measured at 1M:
    3.4 s of the candidates' 10.8 s): off until the end of the current transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")


def _expire(tenant: Tenant, actor: User, day: dt.date) -> int:
    stale = Arrangement.objects.filter(
        tenant=tenant, status=ArrangementStatus.PENDING_APPROVAL, expires_on__lt=day
    )
    rows = list(stale.values_list("id", "case_id"))
    if not rows:
        return 0
    Arrangement.objects.filter(pk__in=[r[0] for r in rows]).update(
        status=ArrangementStatus.EXPIRED, ended_on=day, end_reason="non deciso entro il termine"
    )
    timeline_append_many(
        tenant=tenant,
        actor=actor,
        events=[
            (
                case_id,
                "arrangement.expired",
                "Proposta oltre mandato scaduta: nessuna decisione entro il termine",
                {"arrangement": pk},
            )
            for pk, case_id in rows
        ],
    )
    return len(rows)


def _payments(case_ids: list[int], since: dt.date, day: dt.date) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """Dated net payments per case (a reversal of a payment counts negative on the payment's date)."""
    out: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    rows = among(LedgerEntry.objects.all(), "case_id", case_ids).filter(
        posted_on__gte=since, posted_on__lte=day
    )
    rows = rows.filter(
        Q(kind=EntryKind.PAYMENT, debit_account=Account.PAYMENTS_RECEIVED)
        | Q(kind=EntryKind.REVERSAL, credit_account=Account.PAYMENTS_RECEIVED)
    )
    for case_id, on, amount, kind in rows.values_list("case_id", "posted_on", "amount", "kind"):
        out[case_id].append((on, amount if kind == EntryKind.PAYMENT else -amount))
    return out


def _paid_seen(seen: list[tuple[int, Decimal]], day: dt.date) -> None:
    """Remember the net paid each judged arrangement was judged with, in one UPDATE. On PostgreSQL from the
    candidates' figures (two array parameters: measured at 1M, the subqueries cost ~45 ms a chunk); elsewhere the
    database computes them again. A payment booked meanwhile only makes it a candidate again tomorrow."""
    if _fast():
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE arrangements_arrangement a SET paid_seen = v.paid"
                " FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, paid) WHERE a.id = v.id",
                [pg_array(pk for pk, _ in seen), pg_array(paid for _, paid in seen)],
            )
        return
    Arrangement.objects.filter(pk__in=[pk for pk, _ in seen]).update(paid_seen=_net_paid(day))


class Judged(NamedTuple):
    """What the judgement reads of an arrangement (tuples, not model instances: a chunk has thousands)."""

    pk: int
    case_id: int
    kind: str
    started_on: dt.date
    grace_days: int
    missed_to_break: int
    paid_seen: Decimal


Item = tuple[int, int, dt.date, Decimal, str]  # instalment id, number, due date, amount, status


def _load(
    chunk: list[tuple[int, Decimal]], day: dt.date
) -> tuple[dict[int, Judged], dict[int, list[Item]], dict[int, list[tuple[dt.date, Decimal]]]]:
    """A chunk's arrangements, their instalments in number order and their cases' dated net payments."""
    rows = among(Arrangement.objects.all(), "id", [pk for pk, _ in chunk]).values_list(*Judged._fields)
    arrangements = {r[0]: Judged(*r) for r in rows}
    items: dict[int, list[Item]] = defaultdict(list)
    instalments = among(Instalment.objects.all(), "arrangement_id", arrangements).order_by(
        "arrangement_id", "number"
    )
    for arrangement_id, *item in instalments.values_list(
        "arrangement_id", "id", "number", "due_on", "amount", "status"
    ):
        items[arrangement_id].append(tuple(item))  # type: ignore[arg-type]
    since = min(a.started_on for a in arrangements.values())
    payments = _payments([a.case_id for a in arrangements.values()], since, day)
    return arrangements, items, payments


def _judge_chunk(
    tenant: Tenant, actor: User, day: dt.date, chunk: list[tuple[int, Decimal]], counts: dict[str, int]
) -> None:
    _no_jit()
    arrangements, items, payments = _load(chunk, day)
    changes: dict[str, list[int]] = defaultdict(list)
    ended: list[tuple[Judged, ArrangementStatus, Decimal]] = []
    seen: list[tuple[int, Decimal]] = []
    for pk, paid in chunk:
        a = arrangements[pk]
        mine = [(on, amt) for on, amt in payments.get(a.case_id, ()) if on >= a.started_on]
        verdict = evaluate(
            [DueItem(number, due, amount) for _, number, due, amount, _ in items[pk]],
            mine,
            day=day,
            grace_days=a.grace_days,
            missed_to_break=a.missed_to_break,
        )
        for item_id, number, _, _, status in items[pk]:
            if verdict.statuses[number] != status:
                changes[verdict.statuses[number]].append(item_id)
        if paid != a.paid_seen:
            seen.append((pk, paid))
        if verdict.outcome is not ArrangementStatus.ACTIVE:
            ended.append((a, verdict.outcome, verdict.paid))
    if seen:
        _paid_seen(seen, day)
    for status, ids in changes.items():
        among(Instalment.objects.all(), "id", ids).update(status=status)
        counts[f"instalments_{status}"] += len(ids)
    _end_chunk(tenant, actor, day, ended, counts)


def _end_chunk(
    tenant: Tenant,
    actor: User,
    day: dt.date,
    ended: list[tuple[Judged, ArrangementStatus, Decimal]],
    counts: dict[str, int],
) -> None:
    """After the instalments: ending cancels those still pending. Set-based (a busy day ends thousands), except a
    kept settlement, one by one: it writes the rest off in the ledger."""
    for outcome in (ArrangementStatus.BROKEN, ArrangementStatus.KEPT):
        bulk = [
            (a, paid)
            for a, o, paid in ended
            if o is outcome and not (o is ArrangementStatus.KEPT and a.kind == Kind.SETTLEMENT)
        ]
        if bulk:
            _end_all(tenant, actor, bulk, outcome, day)
            counts[outcome.value] += len(bulk)
    for a, outcome, paid in ended:
        if outcome is ArrangementStatus.KEPT and a.kind == Kind.SETTLEMENT:
            _end(tenant, actor, a.pk, outcome, day, paid)
            counts[outcome.value] += 1


REASONS = {
    ArrangementStatus.BROKEN: "rate non pagate entro il termine",
    ArrangementStatus.KEPT: "pagamenti completati",
}
_ARRANGED = [CaseStatus.PROMISE.value, CaseStatus.PLAN.value, CaseStatus.SETTLEMENT.value]


def _summary(a: Judged, outcome: ArrangementStatus, paid: Decimal) -> str:
    if outcome is ArrangementStatus.KEPT:
        return f"Accordo rispettato: pagati {format_eur(paid)} €"
    text = f"Accordo non rispettato ({REASONS[outcome]}): riprende il percorso di recupero."
    return text + (
        " Lo sconto decade: è di nuovo dovuto l'intero importo." if a.kind == Kind.SETTLEMENT else ""
    )


def _end_all(
    tenant: Tenant,
    actor: User,
    items: list[tuple[Judged, Decimal]],
    outcome: ArrangementStatus,
    day: dt.date,
) -> None:
    """End arrangements set-based: status through the table, pending instalments cancelled, one timeline event
    each, and their cases moved through `cases.services.cases_move_many`: broken → back to work; a plan kept →
    paid; a promise kept → paid when nothing is left, else back to work."""
    assert can_transition(ArrangementStatus.ACTIVE, outcome)
    ids = [a.pk for a, _ in items]
    among(Arrangement.objects.filter(status=ArrangementStatus.ACTIVE), "id", ids).update(
        status=outcome, ended_on=day, end_reason=REASONS[outcome]
    )
    among(Instalment.objects.filter(status=InstalmentStatus.PENDING), "arrangement_id", ids).update(
        status=InstalmentStatus.CANCELLED
    )
    timeline_append_many(
        tenant=tenant,
        actor=actor,
        events=[
            (
                a.case_id,
                f"arrangement.{outcome.value}",
                _summary(a, outcome, paid),
                {"arrangement": a.pk, "paid": str(paid)},
            )
            for a, paid in items
        ],
    )
    cases = among(Case.objects.filter(status__in=_ARRANGED), "id", [a.case_id for a, _ in items])
    if outcome is ArrangementStatus.BROKEN:
        targets = {CaseStatus.WORKING: list(cases.values_list("pk", flat=True))}
    else:
        plans = {a.case_id for a, _ in items if a.kind == Kind.PLAN}
        paid_off = set(cases.filter(balance__lte=0).values_list("pk", flat=True)) | plans
        rest = set(cases.values_list("pk", flat=True)) - paid_off
        targets = {CaseStatus.PAID: sorted(paid_off), CaseStatus.WORKING: sorted(rest)}
    for target, case_ids in targets.items():
        reason = "accordo non rispettato" if outcome is ArrangementStatus.BROKEN else "accordo rispettato"
        if case_ids:
            cases_move_many(
                tenant=tenant, actor=actor, case_ids=case_ids, target=target, reason=reason, on=day
            )


def _end(
    tenant: Tenant, actor: User, pk: int, outcome: ArrangementStatus, day: dt.date, paid: Decimal
) -> None:
    """A kept settlement: ended, with its event, the rest written off and the case closed."""
    a = Arrangement.objects.select_related("case").get(pk=pk)
    arrangement_move(a, outcome, on=day, reason="pagamenti completati")
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=a.case,
        kind="arrangement.kept",
        summary=f"Accordo rispettato: pagati {format_eur(paid)} €",
        data={"arrangement": a.pk, "paid": str(paid)},
    )
    _settle_case(tenant, actor, a, Kind(a.kind), day)


def _settle_case(tenant: Tenant, actor: User, a: Arrangement, kind: Kind, day: dt.date) -> None:
    """A settlement paid: the rest is written off in the ledger and the case closes as settled."""
    case = Case.objects.get(pk=a.case_id)
    _write_off(tenant, actor, case, a, day)
    case_follow(tenant, actor, case, CaseStatus.CLOSED, "saldo e stralcio pagato", day)


def _write_off(tenant: Tenant, actor: User, case: Case, a: Arrangement, day: dt.date) -> None:
    balances = case_balances(case=case)
    lines = [
        Line(Account.WRITE_OFFS, acc, balances[acc], "Stralcio a saldo")
        for acc in RECEIVABLES
        if balances[acc] > 0
    ]
    if lines:
        total = sum((line.amount for line in lines), ZERO)
        entry_post(
            tenant=tenant,
            actor=actor,
            case=case,
            kind=EntryKind.WRITE_OFF,
            posted_on=day,
            lines=lines,
            idempotency_key=f"settlement:{a.pk}",
            summary=f"Stralcio del residuo ({format_eur(total)} €) a saldo e stralcio",
        )


def _judge_chunks(
    tenant: Tenant, actor: User, day: dt.date, chunks: list[list[tuple[int, Decimal]]]
) -> dict[str, int]:
    """One worker's share of the chunks, each in its own transaction on the worker's own connection. The
    chunks touch disjoint rows (one open arrangement per case): two workers never wait on each other's rows,
    only on the tenant's audit chain (a kept settlement's write-off), which never waits on a row."""
    counts: dict[str, int] = defaultdict(int)
    try:
        for chunk in chunks:
            with transaction.atomic():
                _judge_chunk(tenant, actor, day, chunk, counts)
    finally:
        connections.close_all()  # this thread's connections only
    return counts


def check_all(*, tenant: Tenant, actor: User, day: dt.date) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        counts["expired"] = _expire(tenant, actor, day)
    found = candidates(tenant, day)
    counts["candidates"] = len(found)
    chunks = [found[start : start + CHUNK] for start in range(0, len(found), CHUNK)]
    parallel = WORKERS > 1 and len(chunks) > 1 and _fast() and not connection.in_atomic_block
    if parallel:
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="arrangements-check") as pool:
            parts = [
                pool.submit(_judge_chunks, tenant, actor, day, chunks[w::WORKERS]) for w in range(WORKERS)
            ]
            for part in parts:
                for key, value in part.result().items():
                    counts[key] += value
    else:
        for chunk in chunks:
            with transaction.atomic():
                _judge_chunk(tenant, actor, day, chunk, counts)
    result = dict(counts)
    if any(v for k, v in result.items() if k != "candidates"):
        audit_record(
            tenant=tenant,
            actor=actor,
            action="arrangement.check",
            object_type="arrangements",
            details={"day": day.isoformat(), **result},
        )
    return result
