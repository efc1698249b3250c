"""Every write of payments: record, reverse, register a collection account, import and reconcile statements,
resolve the review queue. One transaction each (an import: one per chunk), a timeline event and an audit row."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from recupero.cases.domain.states import CaseStatus, can_transition
from recupero.cases.models import Case, Claim
from recupero.cases.services import case_move, timeline_append
from recupero.core.bulk import commit_unflushed, gc_paused, is_unique_violation
from recupero.core.clock import today
from recupero.core.domain.roles import POST_PAYMENTS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service
from recupero.core.services import audit_record
from recupero.law.money import format_eur
from recupero.ledger.domain.accounts import EntryKind
from recupero.ledger.domain.payment_keys import accrued_key, payment_key
from recupero.ledger.models import LedgerEntry
from recupero.ledger.position import payment_runs
from recupero.ledger.services import Line, entry_post, entry_reverse
from recupero.payments import bulk, selectors, workers
from recupero.payments.domain.imputation import (
    BookPlan,
    accrual_lines,
    book_plan,
    imputation_of,
    imputation_rows,
    payment_lines,
)
from recupero.payments.domain.matching import decide, designated_claim, score, score_decimal
from recupero.payments.domain.methods import (
    ENTRY_STATUS_LABELS,
    ENTRY_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    EntryStatus,
    Method,
    PaymentStatus,
    can_move,
    payment_details,
    payment_summary,
)
from recupero.payments.domain.statements import StatementData, totals
from recupero.payments.models import BankStatement, CollectionAccount, PayerAccount, Payment, StatementEntry

CENT = Decimal("0.01")
# Credits reconciled per transaction: an import stopped half-way keeps what it posted and resumes from the rest
# (the environment variable lets the kill -9 test stop one mid-way on a small file). 2,000 set-based postings
# stay one short transaction; fewer per chunk pay the per-chunk look-up queries more often.
CHUNK = int(os.environ.get("RECUPERO_PAYMENTS_CHUNK", "2000"))
# On PostgreSQL, outside a transaction, a statement of more than one chunk is reconciled by this process and
# WORKERS - 1 helper processes (`workers`), a connection each. Each takes its chunk with SKIP LOCKED; a chunk
# locks its cases in id order (`ledger.facts.case_facts_many`) and the tenant's audit chain last, after which it
# locks no case it does not already hold: two workers never wait in a circle.
WORKERS = int(os.environ.get("RECUPERO_PAYMENTS_WORKERS", "2"))
MAX_CLASHES = 5  # chunks taken again after an id clash between workers, per worker and import


def _amount(value: Decimal | str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", ".")) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise DomainError("payments.bad_amount", value=value) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise DomainError("payments.bad_amount", value=value)
    return amount


def _check_input(method: str, value_date: dt.date, reference: str) -> Method:
    if method not in {m.value for m in Method}:
        raise DomainError("payments.bad_method", value=method)
    if value_date > today():
        raise DomainError("payments.bad_date", value=f"{value_date:%d/%m/%Y}")
    if method == Method.CASH and not reference.strip():
        raise DomainError("payments.receipt_required")
    return Method(method)


@service(POST_PAYMENTS)
@transaction.atomic
def payment_record(
    *,
    tenant: Tenant,
    actor: User,
    case: Case,
    amount: Decimal | str,
    value_date: dt.date,
    method: str,
    direct: bool = False,
    reference: str = "",
    payer_name: str = "",
    payer_iban: str = "",
    designated_claim: Claim | None = None,
    entry: StatementEntry | None = None,
) -> Payment:
    """Record a payment, impute it by the law engine at its value date (artt. 1193/1194 c.c.) and post it as
    one ledger group under `payment:<id>`. A pagamento diretto (`direct`) was paid to the creditor: it reduces
    the debt the same way, debiting `paid_to_creditor`. More than is owed stays on the payment as a credit to
    refund (`refund_due`); a case left owing nothing moves to "Pagata"."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, POST_PAYMENTS, case)
    money = _amount(amount)
    kind = _check_input(method, value_date, reference)
    if designated_claim is not None and designated_claim.case_id != case.pk:
        raise DomainError("payments.unknown_claim")
    case = Case.objects.select_for_update().get(pk=case.pk)  # one payment at a time per case
    designated = (str(designated_claim.pk),) if designated_claim else ()
    run = payment_runs(case=case, on=value_date, amount=money, designated=designated)
    plan = book_plan(money, imputation_of(run.before, run.after), run.balances)
    payment = Payment.objects.create(
        tenant=tenant, case=case, amount=money, value_date=value_date, method=kind.value, direct=direct,
        reference=reference[:140], payer_name=payer_name[:200], payer_iban=payer_iban[:34],
        designated_claim=designated_claim, entry=entry, overpayment=plan.overpayment,
        refund_due=plan.overpayment > 0, created_by=actor if actor.pk else None,
    )  # fmt: skip
    groups = _post(tenant, actor, case, payment, plan)
    if payer_iban and not direct:
        PayerAccount.objects.get_or_create(tenant=tenant, debtor_id=case.debtor_id, iban=payer_iban[:34])
    timeline_append(
        tenant=tenant, actor=actor, case=case, kind="payment.recorded", summary=_summary(payment),
        data={"payment": payment.pk, "amount": str(money), "overpayment": str(plan.overpayment)},
    )  # fmt: skip
    audit_record(
        tenant=tenant, actor=actor, action="payment.record", obj=payment,
        details=payment_details(case.code, money, kind.value, direct, groups), debtor_ids=[case.debtor_id],
        case_ids=[case.pk],
    )  # fmt: skip
    if run.after.total_due == 0 and can_transition(case.status, CaseStatus.PAID):
        case_move(tenant=tenant, actor=actor, case=case, target=CaseStatus.PAID, reason="dovuto saldato",
                  on=value_date)  # fmt: skip
    return payment


def _post(tenant: Tenant, actor: User, case: Case, payment: Payment, plan: BookPlan) -> list[str]:
    """The payment's ledger groups (interest booked as accrued, then the payment), without their own audit rows:
    the payment's row names them. Returns their ids."""
    on, groups = payment.value_date, []
    if plan.accruals:  # one group for the interest and €40 this payment pays, booked as accrued
        accrued = entry_post(
            tenant=tenant, actor=actor, case=case, posted_on=on, kind=EntryKind.INTEREST, audit=False,
            lines=[Line(*line) for line in accrual_lines(plan, on)], idempotency_key=accrued_key(payment.pk),
        )  # fmt: skip
        groups.append(str(accrued[0].group))
    if not plan.parts:
        return groups
    invoices = dict(Claim.objects.filter(case=case).values_list("pk", "invoice_number"))
    entries = entry_post(
        tenant=tenant, actor=actor, case=case, kind=EntryKind.PAYMENT, posted_on=on, audit=False,
        lines=[Line(*line) for line in payment_lines(plan, payment.direct, invoices)],
        idempotency_key=payment_key(payment.pk, payment.designated_claim_id),
    )  # fmt: skip
    payment.ledger_group = entries[0].group
    payment.imputation = imputation_rows(plan, invoices)
    payment.save(update_fields=["ledger_group", "imputation"])
    return [*groups, str(entries[0].group)]


def _summary(payment: Payment) -> str:
    return payment_summary(amount=payment.amount, direct=payment.direct, method=payment.method,
                           value_date=payment.value_date, overpayment=payment.overpayment)  # fmt: skip


@service(POST_PAYMENTS)
@transaction.atomic
def payment_reverse(*, tenant: Tenant, actor: User, payment: Payment, reason: str) -> Payment:
    """Reverse exactly what the payment posted (a returned cheque, an SDD reject, a chargeback): each entry of
    its ledger group gets its mirror. Interest booked as accrued when it was paid stays owed."""
    if payment.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, POST_PAYMENTS, payment.case)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if not can_move(PAYMENT_TRANSITIONS, payment.status, PaymentStatus.REVERSED):
        raise DomainError("payments.already_reversed")
    reason = reason.strip() or "storno"
    if payment.ledger_group:
        for entry in LedgerEntry.objects.filter(tenant=tenant, group=payment.ledger_group).order_by("pk"):
            entry_reverse(tenant=tenant, actor=actor, entry=entry, reason=reason)
    payment.status = PaymentStatus.REVERSED.value
    payment.reversed_on = today()
    payment.reversal_reason = reason[:200]
    payment.refund_due = False
    payment.save(update_fields=["status", "reversed_on", "reversal_reason", "refund_due"])
    timeline_append(
        tenant=tenant, actor=actor, case=payment.case, kind="payment.reversed",
        summary=f"Pagamento di {format_eur(payment.amount)} € del {payment.value_date:%d/%m/%Y} stornato ({reason})",
        data={"payment": payment.pk},
    )  # fmt: skip
    audit_record(tenant=tenant, actor=actor, action="payment.reverse", obj=payment, details={"reason": reason},
                 case_ids=[payment.case_id])  # fmt: skip
    case = Case.objects.get(pk=payment.case_id)
    if case.status == CaseStatus.PAID and case.balance > 0:  # the money that settled it did not arrive
        case_move(
            tenant=tenant,
            actor=actor,
            case=case,
            target=CaseStatus.WORKING,
            reason=f"pagamento stornato: {reason}",
        )
    return payment


def normal_iban(value: str) -> str:
    try:
        return str(IBAN(re.sub(r"\s", "", value).upper()))
    except SchwiftyException:
        raise DomainError("payments.bad_iban", value=value) from None


@service(POST_PAYMENTS)
@transaction.atomic
def collection_account_register(
    *, tenant: Tenant, actor: User, iban: str, name: str = ""
) -> CollectionAccount:
    """Register an agency's collection account: from now on its statements post payments."""
    selectors.require_statements(actor, tenant)
    account, created = CollectionAccount.objects.get_or_create(
        tenant=tenant, iban=normal_iban(iban), defaults={"name": name[:120]}
    )
    if created:
        audit_record(tenant=tenant, actor=actor, action="payments.account_register", obj=account)
    return account


# ---------------------------------------------------------------------------------------- bank statements


@dataclass
class ImportReport:
    """The figures of an import (the command line's JSON, the statement page)."""

    entries: int = 0
    credits: int = 0
    matched: int = 0
    review: int = 0
    duplicates: int = 0
    posted_total: Decimal = Decimal("0.00")
    unregistered: list[str] = field(default_factory=list)
    statements: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "entries": self.entries, "credits": self.credits, "matched": self.matched, "review": self.review,
            "duplicates": self.duplicates, "posted_total": str(self.posted_total),
            "unregistered": self.unregistered, "statements": self.statements,
        }  # fmt: skip


@service(POST_PAYMENTS)
def statement_import(
    *,
    tenant: Tenant,
    actor: User,
    statements: list[StatementData],
    dry_run: bool = False,
    file_name: str = "",
    defer: bool = False,
    one_by_one: bool = False,
) -> ImportReport:
    """Store the statements' lines once each (the bank's reference is unique per account), then reconcile every
    credit not yet reconciled: posted when one case is clearly its own, else into the review queue. A statement
    of an account not registered is read and reported, never stored nor posted; `dry_run` writes nothing."""
    selectors.require_statements(actor, tenant)
    report = ImportReport()
    pool = None if dry_run or defer else _early_pool(tenant, actor, statements, one_by_one)
    try:
        for data in statements:
            pool = _import_one(tenant, actor, data, report, file_name, (dry_run, defer, one_by_one), pool)
    finally:
        if pool is not None:
            pool.stop()
    return report


def _early_pool(
    tenant: Tenant, actor: User, statements: list[StatementData], one_by_one: bool
) -> workers.Pool | None:
    """The helpers of a big first statement, started before its lines are stored (they set up meanwhile)."""
    first = statements[0] if statements else None
    count = _helpers(tenant, first.account_iban, len(first.credits)) if first else 0
    if not count or first is None:
        return None
    return workers.Pool.start(tenant=tenant, actor=actor, iban=first.account_iban, one_by_one=one_by_one,
                              chunk=CHUNK, count=count)  # fmt: skip


def _import_one(
    tenant: Tenant, actor: User, data: StatementData, report: ImportReport, file_name: str,
    how: tuple[bool, bool, bool], pool: workers.Pool | None,
) -> workers.Pool | None:  # fmt: skip
    """Store and reconcile one statement; returns the early helpers if this statement did not use them."""
    dry_run, defer, one_by_one = how
    account = CollectionAccount.objects.filter(tenant=tenant, iban=data.account_iban).first()
    report.entries += len(data.entries)
    report.credits += len(data.credits)
    if account is None:
        report.unregistered.append(data.account_iban)
    if dry_run or account is None:
        _preview(tenant, data, account, report, dry_run, actor, file_name)
        return pool
    mine = pool if pool is not None and pool.iban == data.account_iban and not defer else None
    statement, fresh = _store(tenant, actor, data, account, file_name, mine)
    report.duplicates += sum(1 for e in data.entries if e.status == "BOOK") - fresh
    if defer:  # the upload page: the caller enqueues `tasks.reconcile_task`, the page polls the figures
        report.statements.append(selectors.statement_summary(statement))
        return pool
    done = _reconcile(tenant, actor, statement, one_by_one, mine)
    report.matched += done.matched
    report.review += done.review
    report.posted_total += done.posted_total
    report.statements.append(selectors.statement_summary(statement))
    return None if mine is not None else pool


def _preview(
    tenant: Tenant, data: StatementData, account: CollectionAccount | None, report: ImportReport,
    dry_run: bool, actor: User, file_name: str,
) -> None:  # fmt: skip
    known = selectors.known_references(
        tenant=tenant, iban=data.account_iban, references=[e.reference for e in data.entries]
    )
    report.duplicates += sum(1 for e in data.entries if e.reference in known and e.status == "BOOK")
    credits = [e for e in data.credits if e.reference not in known]
    index = selectors.candidate_index(tenant=tenant, entries=credits)
    lines = []
    for e in credits:
        best = decide(score(e, index)) if account is not None else None
        if account is not None:  # an unregistered account's credits are listed, neither posted nor queued
            report.matched += 1 if best else 0
            report.review += 0 if best else 1
            report.posted_total += e.amount if best else Decimal("0.00")
        lines.append({"reference": e.reference, "amount": str(e.amount), "payer": e.payer_name,
                      "remittance": e.remittance, "case": best.candidate.code if best else None})  # fmt: skip
    t = totals(data)
    summary = {"account": data.account_iban, "registered": account is not None, "kind": data.kind,
               "statement": data.statement_id, "totals_ok": t.ok, "entries": lines}  # fmt: skip
    if not dry_run:  # an unregistered account: the statement is recorded as read, its lines are not stored
        statement = BankStatement.objects.create(
            tenant=tenant, kind=data.kind, version=data.version, message_id=data.message_id[:120],
            statement_id=data.statement_id[:120], account_iban=data.account_iban, file_name=file_name[:200],
            opening=data.opening, closing=data.closing, credits_total=t.credits, debits_total=t.debits,
            totals_ok=t.ok, status=BankStatement.Status.UNREGISTERED, created_by=actor if actor.pk else None,
            counts={"entries": len(data.entries), "credits": len(data.credits)},
        )  # fmt: skip
        audit_record(tenant=tenant, actor=actor, action="payments.statement_unregistered", obj=statement)
        summary["id"] = statement.pk
    report.statements.append(summary)


def _store(
    tenant: Tenant, actor: User, data: StatementData, account: CollectionAccount, file_name: str,
    pool: workers.Pool | None = None,
) -> tuple[BankStatement, int]:  # fmt: skip
    """The statement and its lines, one transaction; with helpers waiting (`pool`, a statement of several
    chunks): the statement and the first half of its lines, then `go` — the helpers reconcile that half while
    the second is stored in a second transaction. Stopped in between, the import stored half the lines; its
    rerun stores the rest (a line is stored once) and reconciles every line left, as after a stop mid-way."""
    fresh, seen = [], set[str]()  # the file's own repeats (an earlier import's lines: ON CONFLICT)
    for e in data.entries:
        if e.reference in seen or e.status != "BOOK":  # a pending line is stored once booked, not before
            continue
        seen.add(e.reference)
        fresh.append(e)
    half = len(fresh) // 2 if pool is not None and len(fresh) > 4 * CHUNK else len(fresh)
    t = totals(data)
    with transaction.atomic():
        statement = BankStatement.objects.create(
            tenant=tenant, kind=data.kind, version=data.version, message_id=data.message_id[:120],
            statement_id=data.statement_id[:120], account_iban=data.account_iban, account=account,
            file_name=(file_name or data.file_name)[:200], opening=data.opening, closing=data.closing,
            credits_total=t.credits, debits_total=t.debits, totals_ok=t.ok,
            created_by=actor if actor.pk else None, status=BankStatement.Status.RECONCILING,
        )  # fmt: skip
        new = bulk.entries_store(tenant, statement, fresh[:half])
        audit_record(tenant=tenant, actor=actor, action="payments.statement_import", obj=statement,
                     details={"entries": len(data.entries), "new": new, "second_half": len(fresh) - half})  # fmt: skip
    if half < len(fresh) and pool is not None:
        pool.go()
        with transaction.atomic():
            new += bulk.entries_store(tenant, statement, fresh[half:])
    return statement, new


@dataclass
class ReconcileResult:
    matched: int = 0
    review: int = 0
    posted_total: Decimal = Decimal("0.00")


@service(POST_PAYMENTS)
def statement_reconcile(
    *, tenant: Tenant, actor: User, statement: BankStatement, one_by_one: bool = False
) -> ReconcileResult:
    """Reconcile the account's credits not yet reconciled (this statement's, and any left by an import that
    stopped half-way), one chunk per transaction; then record the statement's figures. The matched credits are
    posted set-based (`bulk.credits_post`); `one_by_one`: each through `payment_record` (the same rows, slower)."""
    selectors.require_statements(actor, tenant)
    return _reconcile(tenant, actor, statement, one_by_one, None)


def _reconcile(
    tenant: Tenant, actor: User, statement: BankStatement, one_by_one: bool, pool: workers.Pool | None
) -> ReconcileResult:
    """This process's share of the chunks, and the helpers' (`pool`, started early by the import, or here) on
    PostgreSQL when more than one chunk is left; then the statement's figures."""
    iban = statement.account_iban
    count = _helpers(tenant, iban)
    if pool is not None and not count and not pool.told:  # told to go already (`_store`): its share counts
        pool.stop()
        pool = None
    if pool is None and count:
        pool = workers.Pool.start(tenant=tenant, actor=actor, iban=iban, one_by_one=one_by_one, chunk=CHUNK,
                                  count=count)  # fmt: skip
    if pool is not None:
        pool.go()
    result = _reconcile_all(tenant, actor, iban, one_by_one)
    shares = pool.collect() if pool is not None else []
    for share in shares:
        _add(result, ReconcileResult(share.matched, share.review, Decimal(share.posted_total)))
    if any(share.failed for share in shares):  # its last chunk rolled back: reconciled here with what is left
        _reconcile_all(tenant, actor, iban, one_by_one, into=result)
    _close_statement(statement)
    return result


def _helpers(tenant: Tenant, iban: str, pending: int | None = None) -> int:
    """How many helper processes: on PostgreSQL, outside a transaction, for more than one chunk to reconcile."""
    if WORKERS < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return 0
    if pending is None:
        pending = selectors.pending_count(tenant=tenant, iban=iban)
    return min(WORKERS - 1, pending // CHUNK) if pending > CHUNK else 0


def _add(total: ReconcileResult, part: ReconcileResult) -> None:
    total.matched += part.matched
    total.review += part.review
    total.posted_total += part.posted_total


def _reconcile_all(
    tenant: Tenant, actor: User, iban: str, one_by_one: bool, into: ReconcileResult | None = None
) -> ReconcileResult:
    """Chunk after chunk, each in its own transaction, until no credit of the account is left to reconcile
    (the chunks a second worker holds are skipped, `entries_to_reconcile`); the committed chunks' figures are
    added to `into` as they commit (a helper that fails still reports what it posted)."""
    result, clashes = into if into is not None else ReconcileResult(), 0
    own = not connection.in_atomic_block  # each chunk its own transaction (else the caller's commit decides)
    while True:
        part = ReconcileResult()  # counted once its transaction has committed
        try:
            with transaction.atomic():
                if own:  # no wait for each chunk's flush (the audit chain is locked to the commit): the
                    commit_unflushed()  # statement's closing commit flushes them all before the report
                chunk = selectors.entries_to_reconcile(tenant=tenant, iban=iban, limit=CHUNK)
                if not chunk:
                    return result
                with gc_paused():
                    _reconcile_chunk(tenant, actor, chunk, part, one_by_one)
        except Exception as exc:
            # Two workers that reserve a table's ids at the very same instant may get overlapping ranges
            # (`core.bulk.reserve_id_range`): the chunk fails whole on the primary key and is taken again.
            clashes += 1
            if not is_unique_violation(exc) or clashes > MAX_CLASHES:
                raise
            continue
        _add(result, part)


def _reconcile_chunk(
    tenant: Tenant, actor: User, chunk: list[StatementEntry], result: ReconcileResult, one_by_one: bool
) -> None:
    """Match every credit of the chunk; post the matched set-based (`bulk.credits_post`: the same rows as one
    `payment_record` each) or one by one; the rest to review; the lines' states in one statement."""
    data = [selectors.entry_data(e) for e in chunk]
    index = selectors.candidate_index(tenant=tenant, entries=data)
    chosen: list[tuple[StatementEntry, int]] = []
    for entry, read in zip(chunk, data, strict=True):
        matches = score(read, index)
        best = decide(matches)
        entry.suggestions = [m.to_dict() for m in matches[:5]]
        entry.confidence = score_decimal(matches[0].confidence if matches else 0.0)
        if best is not None:
            chosen.append((entry, best.candidate.case_id))
    left = chosen if one_by_one else bulk.credits_post(tenant=tenant, actor=actor, credits=chosen)
    cases = selectors.cases_by_id(tenant=tenant, ids=[case_id for _, case_id in left])
    refused = {e.pk for e, case_id in left if not _try_post(tenant, actor, e, cases[case_id])}
    posted = {e.pk for e, _ in chosen} - refused
    for entry in chunk:
        if entry.pk in posted:
            _move(entry, EntryStatus.POSTED, actor)
            result.matched += 1
            result.posted_total += entry.amount
        else:
            _move(entry, EntryStatus.REVIEW, None)
            result.review += 1
    bulk.entries_save(chunk)


def _try_post(tenant: Tenant, actor: User, entry: StatementEntry, case: Case) -> bool:
    try:
        _post_entry(tenant, actor, entry, case, entry.amount)
    except DomainError:  # refused for this case (e.g. out of the actor's scope): a person decides
        return False
    return True


def _post_entry(tenant: Tenant, actor: User, entry: StatementEntry, case: Case, amount: Decimal) -> Payment:
    claims = {c.pk: c for c in Claim.objects.filter(tenant=tenant, case=case)}
    named = designated_claim(entry.remittance, [(pk, c.invoice_number) for pk, c in claims.items()])
    return payment_record(
        tenant=tenant, actor=actor, case=case, amount=amount, value_date=min(entry.value_date or today(), today()),
        method=Method.BANK_TRANSFER.value, reference=entry.end_to_end or entry.reference,
        payer_name=entry.payer_name, payer_iban=entry.payer_iban, entry=entry,
        designated_claim=claims[named] if named else None,
    )  # fmt: skip


def _move(entry: StatementEntry, target: EntryStatus, actor: User | None) -> None:
    if not can_move(ENTRY_TRANSITIONS, entry.status, target):
        raise DomainError("payments.entry_resolved", status=ENTRY_STATUS_LABELS[EntryStatus(entry.status)])
    entry.status = target.value
    if actor is not None:
        entry.resolved_at = timezone.now()
        entry.resolved_by = actor if actor.pk else None


def _close_statement(statement: BankStatement) -> None:
    counts = selectors.statement_counts(statement=statement)
    BankStatement.objects.filter(pk=statement.pk).update(status=BankStatement.Status.DONE, counts=counts)
    statement.status, statement.counts = BankStatement.Status.DONE, counts


# ------------------------------------------------------------------------------------------- review queue


def _open_entry(tenant: Tenant, actor: User, entry: StatementEntry) -> StatementEntry:
    if entry.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    selectors.require_statements(actor, tenant)
    entry = StatementEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.REVIEW:
        raise DomainError("payments.entry_resolved", status=ENTRY_STATUS_LABELS[EntryStatus(entry.status)])
    return entry


@service(POST_PAYMENTS)
@transaction.atomic
def entry_confirm(*, tenant: Tenant, actor: User, entry: StatementEntry, case: Case) -> Payment:
    """Post a credit in review to the case chosen (a suggestion, or one found by hand)."""
    entry = _open_entry(tenant, actor, entry)
    payment = _post_entry(tenant, actor, entry, case, entry.amount)
    _move(entry, EntryStatus.POSTED, actor)
    entry.save(update_fields=["status", "resolved_at", "resolved_by"])
    return payment


@service(POST_PAYMENTS)
@transaction.atomic
def entry_split(
    *, tenant: Tenant, actor: User, entry: StatementEntry, parts: list[tuple[Case, Decimal]]
) -> list[Payment]:
    """Split a credit across several cases of one debtor; the parts must add up to the credit exactly."""
    entry = _open_entry(tenant, actor, entry)
    amounts = [(case, _amount(amount)) for case, amount in parts]
    total = sum((a for _, a in amounts), Decimal("0.00"))
    if total != entry.amount:
        raise DomainError("payments.split_mismatch", total=format_eur(total), amount=format_eur(entry.amount))
    if len({case.debtor_id for case, _ in amounts}) != 1:
        raise DomainError("payments.split_other_debtor")
    payments = [_post_entry(tenant, actor, entry, case, amount) for case, amount in amounts]
    _move(entry, EntryStatus.POSTED, actor)
    entry.save(update_fields=["status", "resolved_at", "resolved_by"])
    return payments


@service(POST_PAYMENTS)
@transaction.atomic
def entry_not_ours(*, tenant: Tenant, actor: User, entry: StatementEntry, note: str = "") -> StatementEntry:
    """Mark a credit as not ours (not a debtor's payment): it leaves the queue, posting nothing."""
    entry = _open_entry(tenant, actor, entry)
    _move(entry, EntryStatus.NOT_OURS, actor)
    entry.save(update_fields=["status", "resolved_at", "resolved_by"])
    audit_record(
        tenant=tenant, actor=actor, action="payments.entry_not_ours", obj=entry, details={"note": note[:200]}
    )
    return entry
