"""A bank statement's matched credits posted set-based (issue 13): the same rows as one `payment_record` per
credit, in a few statements per chunk instead of ~50 queries per credit.

The facts of every case are read at once (`ledger.facts.case_facts_many`, the cases locked as `payment_record`
locks its case), each credit is imputed by the law engine in Python (`ledger.position.payment_run`, no query),
then written by their owners' bulk APIs: payments here (COPY), the ledger's groups (`ledger.bulk.groups_post`)
and balances (`balances_refresh`), the payers' IBANs, the timeline (`cases.bulk`), the cases paid off
(`cases.services.cases_move_many`) and the audit rows (`core.services.audit_record_many`, chained in the order
the one-by-one path appends them: one per payment, naming its ledger groups, and the case's move). Inside the
caller's transaction (one chunk): killed half-way, nothing of the chunk stays. A credit this path cannot take
as the single one would — a second credit of the same case in the chunk, an engine refusal — is returned to
the caller, which posts it one by one after these.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import uuid
from dataclasses import dataclass

from django.db import connection
from django.utils.timezone import now

from recupero.cases import bulk as cases_bulk
from recupero.cases.domain.states import CaseStatus, can_transition
from recupero.cases.models import Case
from recupero.cases.services import cases_move_many
from recupero.core.bulk import Bulk, RowWriter, columns_of, reserve_id_range
from recupero.core.clock import today
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.services import AuditItem, audit_record_many
from recupero.law.errors import LawError
from recupero.ledger import bulk as ledger_bulk
from recupero.ledger.domain.accounts import EntryKind
from recupero.ledger.domain.payment_keys import accrued_key, payment_key
from recupero.ledger.facts import CaseFacts, case_facts_many
from recupero.ledger.position import payment_run
from recupero.ledger.selectors import rate_table
from recupero.parties.models import Debtor
from recupero.payments.domain.imputation import (
    BookPlan,
    accrual_lines,
    book_plan,
    imputation_of,
    imputation_rows,
    payment_lines,
)
from recupero.payments.domain.matching import designated_claim
from recupero.payments.domain.methods import (
    EntryStatus,
    Method,
    PaymentStatus,
    payment_details,
    payment_summary,
)
from recupero.payments.domain.statements import EntryData
from recupero.payments.models import BankStatement, PayerAccount, Payment, StatementEntry

PAYMENTS = Payment._meta.db_table
PAYMENT_COLUMNS = columns_of(Payment)
PAYMENT_ROW = operator.itemgetter(*PAYMENT_COLUMNS)  # a row's values by name → the tuple in column order
METHOD = Method.BANK_TRANSFER.value


@dataclass
class Planned:
    entry: StatementEntry
    facts: CaseFacts
    on: dt.date
    designated: int | None
    plan: BookPlan
    paid_off: bool
    payment_id: int = 0

    @functools.cached_property
    def invoices(self) -> dict[int, str]:
        """claim id → invoice number (the ledger lines' descriptions, the imputation rows)."""
        return {c.pk: c.invoice_number for c in self.facts.claims}


def credits_post(
    *, tenant: Tenant, actor: User, credits: list[tuple[StatementEntry, int]]
) -> list[tuple[StatementEntry, int]]:
    """Post each (credit, case id) as `payment_record` would; returns those left to the one-by-one path. The
    credits' lines are locked by the caller (`selectors.entries_to_reconcile`)."""
    facts = case_facts_many(tenant=tenant, case_ids=[case_id for _, case_id in credits], lock=True)
    planned, left = _plan(credits, facts)
    if not planned:
        return left
    for item, pk in zip(planned, reserve_id_range(PAYMENTS, len(planned)), strict=True):
        item.payment_id = pk
    bulk = Bulk(checked=True)  # the keys checked set-based where the role may (decision 0004)
    # Held until the commit, so no key naming them is checked again: the cases (locked FOR UPDATE by the facts'
    # read), their debtors (a case's PROTECT key keeps its debtor while the case is locked), the lines.
    bulk.hold(Case._meta.db_table, facts.keys())
    bulk.hold(Debtor._meta.db_table, {f.case.debtor_id for f in facts.values()})
    bulk.hold(StatementEntry._meta.db_table, {e.pk for e, _ in credits})
    groups, owner = _groups(planned)
    uuids = ledger_bulk.groups_post(tenant=tenant, actor=actor, bulk=bulk, groups=groups)
    ledger_group = {owner[i]: gid for i, gid in enumerate(uuids) if groups[i].kind == EntryKind.PAYMENT}
    _payments_write(tenant, actor, bulk, planned, ledger_group)
    before = {p.facts.case.pk: p.facts.balances for p in planned}  # read under the cases' locks
    ledger_bulk.balances_after(tenant=tenant, actor=actor, writer=RowWriter(), before=before, groups=groups)
    PayerAccount.objects.bulk_create(
        [PayerAccount(tenant=tenant, debtor_id=p.facts.case.debtor_id, iban=p.entry.payer_iban[:34])
         for p in planned if p.entry.payer_iban],
        ignore_conflicts=True,
    )  # fmt: skip
    _timeline_write(tenant, actor, bulk, planned)
    moved = _paid_off(tenant, actor, planned)
    audit_record_many(
        tenant=tenant, actor=actor, items=_audit_items(planned, groups, owner, uuids, moved), bulk=bulk
    )
    return left


def _plan(
    credits: list[tuple[StatementEntry, int]], facts: dict[int, CaseFacts]
) -> tuple[list[Planned], list[tuple[StatementEntry, int]]]:
    rates, day = rate_table(), today()
    planned: list[Planned] = []
    left: list[tuple[StatementEntry, int]] = []
    seen: set[int] = set()
    for entry, case_id in credits:
        if case_id in seen or case_id not in facts:  # a second credit of a case: after the first, one by one
            left.append((entry, case_id))
            continue
        seen.add(case_id)
        f = facts[case_id]
        on = min(entry.value_date or day, day)
        named = designated_claim(entry.remittance, [(c.pk, c.invoice_number) for c in f.claims])
        try:
            run = payment_run(f, on=on, amount=entry.amount, designated=(str(named),) if named else (),
                              rates=rates)  # fmt: skip
        except (LawError, DomainError):  # the single path refuses it the same way, into review
            left.append((entry, case_id))
            continue
        plan = book_plan(entry.amount, imputation_of(run.before, run.after), run.balances)
        paid_off = run.after.total_due == 0 and can_transition(f.case.status, CaseStatus.PAID)
        planned.append(Planned(entry, f, on, named, plan, paid_off))
    return planned, left


def _groups(planned: list[Planned]) -> tuple[list[ledger_bulk.Group], list[int]]:
    """The ledger groups of every payment, in the order `payment_record` posts them, and whose each is."""
    groups: list[ledger_bulk.Group] = []
    owner: list[int] = []
    for p in planned:
        case = p.facts.case
        if p.plan.accruals:
            lines = tuple(accrual_lines(p.plan, p.on))
            groups.append(ledger_bulk.Group(case.pk, case.debtor_id, EntryKind.INTEREST, p.on, lines,
                                            accrued_key(p.payment_id)))  # fmt: skip
            owner.append(p.payment_id)
        if p.plan.parts:
            lines = tuple(payment_lines(p.plan, False, p.invoices))
            groups.append(ledger_bulk.Group(case.pk, case.debtor_id, EntryKind.PAYMENT, p.on, lines,
                                            payment_key(p.payment_id, p.designated)))  # fmt: skip
            owner.append(p.payment_id)
    return groups, owner


def _payments_write(
    tenant: Tenant, actor: User, bulk: Bulk, planned: list[Planned], ledger_group: dict[int, uuid.UUID]
) -> None:
    at, by = bulk.ts_at(now()), actor.pk if actor.pk else None
    rows = []
    for p in planned:
        e, gid = p.entry, ledger_group.get(p.payment_id)
        values = {
            "id": p.payment_id, "tenant_id": tenant.pk, "case_id": p.facts.case.pk, "amount": str(e.amount),
            "value_date": p.on.isoformat(), "method": METHOD, "direct": False,
            "reference": (e.end_to_end or e.reference)[:140], "payer_name": e.payer_name[:200],
            "payer_iban": e.payer_iban[:34], "designated_claim_id": p.designated, "status": PaymentStatus.POSTED.value,
            "ledger_group": gid.hex if gid else None,
            "imputation": json.dumps(imputation_rows(p.plan, p.invoices) if gid else []),
            "overpayment": str(p.plan.overpayment), "refund_due": p.plan.overpayment > 0, "entry_id": e.pk,
            "created_at": at, "created_by_id": by, "reversed_on": None, "reversal_reason": "",
        }  # fmt: skip
        rows.append(PAYMENT_ROW(values))
    bulk.write(PAYMENTS, PAYMENT_COLUMNS, rows)


def _timeline_write(tenant: Tenant, actor: User, bulk: Bulk, planned: list[Planned]) -> None:
    at, by = bulk.ts_at(now()), actor.pk if actor.pk else None
    ids = reserve_id_range(cases_bulk.TIMELINE, len(planned))
    rows = []
    for pk, p in zip(ids, planned, strict=True):
        amount, over = p.entry.amount, p.plan.overpayment
        summary = payment_summary(
            amount=amount, direct=False, method=METHOD, value_date=p.on, overpayment=over
        )  # type: ignore[arg-type]
        data = {"payment": p.payment_id, "amount": str(amount), "overpayment": str(over)}
        rows.append((pk, tenant.pk, p.facts.case.pk, at, "payment.recorded", by, summary, json.dumps(data)))
    cases_bulk.timeline_rows_write(tenant=tenant, actor=actor, bulk=bulk, rows=rows)


def _paid_off(tenant: Tenant, actor: User, planned: list[Planned]) -> set[int]:
    """The cases left owing nothing move to "Pagata" (closed on the payment's value date), as `case_move`."""
    by_day: dict[dt.date, list[int]] = {}
    for p in planned:
        if p.paid_off:
            by_day.setdefault(p.on, []).append(p.facts.case.pk)
    moved: set[int] = set()
    for on, case_ids in by_day.items():
        done = cases_move_many(tenant=tenant, actor=actor, case_ids=case_ids, target=CaseStatus.PAID,
                               reason="dovuto saldato", on=on)  # fmt: skip
        moved.update(pk for pk, _ in done)
    return moved


def _audit_items(
    planned: list[Planned],
    groups: list[ledger_bulk.Group],
    owner: list[int],
    uuids: list,
    moved: set[int],  # type: ignore[type-arg]
) -> list[AuditItem]:
    """Per credit, the rows `payment_record` appends: the payment's (naming its ledger groups), the case's move."""
    per_payment: dict[int, list[str]] = {}
    for pk, gid in zip(owner, uuids, strict=True):
        per_payment.setdefault(pk, []).append(str(gid))
    items: list[AuditItem] = []
    for p in planned:
        case = p.facts.case
        details = payment_details(case.code, p.entry.amount, METHOD, False, per_payment.get(p.payment_id, []))
        items.append(
            AuditItem("payment.record", "payments.payment", str(p.payment_id), details, (case.debtor_id,),
                      (case.pk,))
        )  # fmt: skip
        if case.pk in moved:
            to = {"to": CaseStatus.PAID.value}
            items.append(
                AuditItem("case.transition", "cases.case", str(case.pk), to, (case.debtor_id,), (case.pk,))
            )
    return items


ENTRY_COLUMNS = columns_of(StatementEntry)
ENTRY_ROW = operator.itemgetter(*ENTRY_COLUMNS)
ENTRY_ONCE = ("tenant_id", "account_iban", "reference")  # statement_entry_once: a line is stored once


def entries_store(tenant: Tenant, statement: BankStatement, entries: list[EntryData]) -> int:
    """Store a statement's lines: COPY, then ON CONFLICT DO NOTHING on (tenant, account, reference), so a line
    an earlier import stored (or another one meanwhile) is skipped. Returns how many were stored."""
    ids = reserve_id_range(StatementEntry._meta.db_table, len(entries))
    rows = []
    for pk, e in zip(ids, entries, strict=True):
        values = {
            "id": pk, "tenant_id": tenant.pk, "statement_id": statement.pk, "account_iban": statement.account_iban,
            "reference": e.reference, "amount": str(e.amount), "credit": e.credit,
            "booking_date": e.booking_date.isoformat() if e.booking_date else None,
            "value_date": e.value_date.isoformat() if e.value_date else None, "remittance": e.remittance,
            "structured": e.structured, "end_to_end": e.end_to_end, "payer_name": e.payer_name,
            "payer_iban": e.payer_iban,
            "status": (EntryStatus.NEW if e.credit and e.amount > 0 else EntryStatus.DEBIT).value,
            "suggestions": "[]", "confidence": "0.000", "resolved_at": None, "resolved_by_id": None,
        }  # fmt: skip
        rows.append(ENTRY_ROW(values))
    return Bulk(checked=True).write_ignore(StatementEntry._meta.db_table, ENTRY_COLUMNS, rows, ENTRY_ONCE)


ENTRY_UPDATE = (
    f"UPDATE {StatementEntry._meta.db_table} SET status = %s, suggestions = %s, confidence = %s, "
    "resolved_at = %s, resolved_by_id = %s WHERE id = %s"
)


ENTRY_UPDATE_PG = (
    f"UPDATE {StatementEntry._meta.db_table} e SET status = v.status, suggestions = v.suggestions, "
    "confidence = v.confidence, resolved_at = v.resolved_at, resolved_by_id = v.resolved_by_id "
    "FROM jsonb_to_recordset(%s::jsonb) AS v(id bigint, status text, suggestions jsonb, confidence numeric, "
    "resolved_at timestamptz, resolved_by_id bigint) WHERE e.id = v.id"
)


def entries_save(entries: list[StatementEntry]) -> None:
    """The reconciled lines' state, suggestions and confidence in one statement on PostgreSQL (the rows as one
    JSON parameter: a Python list per column is bound element by element), one executemany elsewhere."""
    if connection.vendor == "postgresql":
        rows = [
            {"id": e.pk, "status": e.status, "suggestions": e.suggestions, "confidence": str(e.confidence),
             "resolved_at": e.resolved_at.isoformat() if e.resolved_at else None, "resolved_by_id": e.resolved_by_id}
            for e in entries
        ]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(ENTRY_UPDATE_PG, [json.dumps(rows)])
        return
    bulk = Bulk()
    RowWriter().update(ENTRY_UPDATE, [
        (e.status, json.dumps(e.suggestions), str(e.confidence), bulk.ts_at(e.resolved_at) if e.resolved_at else None,
         e.resolved_by_id, e.pk)
        for e in entries
    ])  # fmt: skip
