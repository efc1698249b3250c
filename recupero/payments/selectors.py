"""Every read of payments for interfaces and for the reconciliation (set-based: one query per chunk)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import Collate

from recupero.arrangements.domain.states import ArrangementStatus, InstalmentStatus, Kind
from recupero.arrangements.models import Arrangement, Instalment
from recupero.cases.domain.states import OPEN_STATUSES
from recupero.cases.models import Case
from recupero.core.bulk import among, instances
from recupero.core.domain.roles import RECONCILE_PAYMENTS, VIEW_CASES
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, check, creditor_ids
from recupero.parties.models import Debtor
from recupero.payments.domain.matching import Candidate, CandidateIndex, codes_in, name_keys, rf_codes_in
from recupero.payments.domain.statements import EntryData
from recupero.payments.models import BankStatement, CollectionAccount, PayerAccount, Payment, StatementEntry

CHUNK = 2000


def require_statements(actor: User, tenant: Tenant | int) -> None:
    """Bank statements and the review queue show every payer of the account, whichever creditor's: only the
    roles that record payments across the whole agency reach them (a consultant records them on their cases)."""
    check(actor, RECONCILE_PAYMENTS, tenant)
    if (
        creditor_ids(actor) is not None
    ):  # the matrix gives it only to agency-wide roles: kept as a second lock
        raise DomainError("auth.forbidden")


def payments_of_case(*, tenant: Tenant, actor: User, case_id: int) -> list[Payment]:
    check(actor, VIEW_CASES, tenant)
    rows = Payment.objects.filter(tenant=tenant, case_id=case_id).filter(case_q(actor, "case__"))
    return list(rows.select_related("case").order_by("-value_date", "-pk"))


def case_by_code(*, tenant: Tenant, actor: User, code: str) -> Case:
    """A case the actor reaches, by the code a person reads on a letter or a bank transfer (the review queue)."""
    check(actor, VIEW_CASES, tenant)
    case = Case.objects.filter(tenant=tenant, code=code.strip().upper()).filter(case_q(actor)).first()
    if case is None:
        raise DomainError("auth.not_found")
    return case


def payment_get(*, tenant: Tenant, actor: User, payment_id: int) -> Payment:
    check(actor, VIEW_CASES, tenant)
    found = Payment.objects.filter(tenant=tenant, pk=payment_id).filter(case_q(actor, "case__"))
    payment = found.select_related("case").first()
    if payment is None:
        raise DomainError("auth.not_found")
    return payment


def statements_list(*, tenant: Tenant, actor: User, limit: int = 50) -> list[BankStatement]:
    require_statements(actor, tenant)
    return list(BankStatement.objects.filter(tenant=tenant).order_by("-pk")[:limit])


def statement_get(*, tenant: Tenant, actor: User, statement_id: int) -> BankStatement:
    require_statements(actor, tenant)
    statement = BankStatement.objects.filter(tenant=tenant, pk=statement_id).first()
    if statement is None:
        raise DomainError("auth.not_found")
    return statement


def statement_entries(*, tenant: Tenant, actor: User, statement_id: int) -> list[StatementEntry]:
    require_statements(actor, tenant)
    return list(StatementEntry.objects.filter(tenant=tenant, statement_id=statement_id).order_by("pk"))


def review_queue(*, tenant: Tenant, actor: User, limit: int = 200) -> list[StatementEntry]:
    require_statements(actor, tenant)
    rows = StatementEntry.objects.filter(tenant=tenant, status="review").select_related("statement")
    return list(rows.order_by("booking_date", "pk")[:limit])


def entry_get(*, tenant: Tenant, actor: User, entry_id: int) -> StatementEntry:
    require_statements(actor, tenant)
    entry = StatementEntry.objects.filter(tenant=tenant, pk=entry_id).select_related("statement").first()
    if entry is None:
        raise DomainError("auth.not_found")
    return entry


def collection_accounts(*, tenant: Tenant, actor: User) -> list[CollectionAccount]:
    require_statements(actor, tenant)
    return list(CollectionAccount.objects.filter(tenant=tenant).order_by("iban"))


def statement_counts(*, statement: BankStatement) -> dict[str, object]:
    """Where the statement's lines ended (posted, in review, not ours, debits) and the money posted."""
    rows = (
        StatementEntry.objects.filter(statement=statement)
        .values("status")
        .annotate(n=Count("id"), t=Sum("amount"))
    )
    out: dict[str, object] = {r["status"]: r["n"] for r in rows}
    posted = next((r["t"] for r in rows if r["status"] == "posted"), None) or 0
    # SQLite sums decimals as binary floats: back to cents (amounts are whole cents)
    out["posted_total"] = str(Decimal(str(posted)).quantize(Decimal("0.01")))
    return out


def statement_summary(statement: BankStatement) -> dict[str, object]:
    return {"id": statement.pk, "account": statement.account_iban, "registered": statement.account_id is not None,
            "kind": statement.kind, "statement": statement.statement_id, "totals_ok": statement.totals_ok,
            "counts": statement.counts}  # fmt: skip


# ------------------------------------------------------------------ the reconciliation's readers (no actor:
# called inside statement_import / statement_reconcile, which checked the actor)


def known_references(*, tenant: Tenant, iban: str, references: Iterable[str]) -> set[str]:
    refs, out = list(dict.fromkeys(references)), set[str]()
    for i in range(0, len(refs), CHUNK):
        rows = StatementEntry.objects.filter(
            tenant=tenant, account_iban=iban, reference__in=refs[i : i + CHUNK]
        )
        out.update(rows.values_list("reference", flat=True))
    return out


def entries_to_reconcile(*, tenant: Tenant, iban: str, limit: int) -> list[StatementEntry]:
    """The next credits to reconcile, locked until the caller's transaction ends; those another worker holds
    are skipped (SKIP LOCKED on PostgreSQL: two workers take disjoint chunks)."""
    rows = StatementEntry.objects.filter(tenant=tenant, account_iban=iban, status="new").order_by("pk")
    return instances(rows.select_for_update(skip_locked=True)[:limit])


def pending_count(*, tenant: Tenant, iban: str) -> int:
    """How many lines of the account are still to reconcile."""
    return StatementEntry.objects.filter(tenant=tenant, account_iban=iban, status="new").count()


def entry_data(entry: StatementEntry) -> EntryData:
    return EntryData(
        reference=entry.reference, amount=entry.amount, credit=entry.credit, booking_date=entry.booking_date,
        value_date=entry.value_date, remittance=entry.remittance, structured=entry.structured,
        end_to_end=entry.end_to_end, payer_name=entry.payer_name, payer_iban=entry.payer_iban,
    )  # fmt: skip


def candidate_index(*, tenant: Tenant, entries: list[EntryData]) -> CandidateIndex:
    """The cases a batch of credits may pay, found in a few set-based queries: the cases their codes name (in
    the causale or the RF reference); the debtors their payers' IBANs are known for and those whose name is the
    payer's — the latter only for the credits no code or RF of an existing case names (the remainder: a common
    name finds dozens of debtors) —, with every case of each (the scorer weighs a debtor's cases, and a credit
    may be split across them). A coded case's other cases are not read: the scorer looks a code up by itself
    (reading them was four cases in five of the chunk's reads)."""
    wanted = {id(e): codes_in(e)[0] + rf_codes_in(e) for e in entries}
    codes = {c for found in wanted.values() for c in found}
    ibans = {e.payer_iban for e in entries if e.payer_iban}
    index = CandidateIndex()
    cases = Case.objects.filter(tenant=tenant)
    for part in _chunks(sorted(codes)):
        rows = cases.filter(code__in=part).values_list(*CASE_FIELDS, *NAME_FIELDS)
        _candidates(tenant, [(*row[:5], _display(*row[5:])) for row in rows], index)
    names = {
        k for e in entries if not index.by_code.keys() & set(wanted[id(e)]) for k in name_keys(e.payer_name)
    }
    shown: dict[int, str] = {}  # debtor id → the name the scorer compares (parties.Debtor.display_name)
    debtors = Debtor.objects.filter(tenant=tenant)
    for part in _chunks(sorted(ibans)):
        for iban, debtor_id in PayerAccount.objects.filter(tenant=tenant, iban__in=part).values_list(
            "iban", "debtor_id"
        ):
            index.debtors_by_iban.setdefault(iban, []).append(debtor_id)
    # in "C" collation on PostgreSQL: the only index on the name is (tenant_id, search_name COLLATE "C"); a
    # plain IN would scan every debtor (6 minutes for 100,000 credits against 1,000,000 cases)
    by_name = (
        debtors.annotate(name_c=Collate("search_name", "C")) if connection.vendor == "postgresql" else debtors
    )
    name_in = "name_c__in" if connection.vendor == "postgresql" else "search_name__in"
    for part in _chunks(sorted(names)):
        for name, debtor_id, *display in by_name.filter(**{name_in: part}).values_list(
            "search_name", "pk", *DEBTOR_NAME
        ):
            index.debtors_by_name.setdefault(name, []).append(debtor_id)
            shown[debtor_id] = _display(*display)
    by_iban = {d for found in index.debtors_by_iban.values() for d in found} - shown.keys()
    for part in _chunks(sorted(by_iban)):
        shown.update(
            (pk, _display(*rest)) for pk, *rest in among(debtors, "id", part).values_list("pk", *DEBTOR_NAME)
        )
    # every case of those debtors, without joining the debtors again: their names were read above
    for part in _chunks(sorted(shown)):
        rows = among(cases, "debtor_id", part).values_list(*CASE_FIELDS)
        for candidate in _candidates(tenant, [(*row, shown[row[2]]) for row in rows], index):
            index.by_debtor.setdefault(candidate.debtor_id, []).append(candidate)
    return index


CASE_FIELDS = ("pk", "code", "debtor_id", "balance", "status")
DEBTOR_NAME = ("company_name", "last_name", "first_name")
NAME_FIELDS = tuple(f"debtor__{field}" for field in DEBTOR_NAME)


def _display(company: str, last: str, first: str) -> str:
    return company or f"{last} {first}".strip()  # parties.Debtor.display_name


def _candidates(tenant: Tenant, rows: list[tuple[Any, ...]], index: CandidateIndex) -> list[Candidate]:
    """The cases (id, code, debtor, balance, status, debtor's name) as candidates, each kept by its code too (a
    case read twice is built once)."""
    expected = _expected(tenant, [row[0] for row in rows if row[1] not in index.by_code])
    out = []
    for pk, code, debtor_id, balance, status, name in rows:
        if code not in index.by_code:
            index.by_code[code] = Candidate(
                pk, code, debtor_id, name, balance, status in OPEN_STATUSES, expected.get(pk, ())
            )
        out.append(index.by_code[code])
    return out


def _expected(tenant: Tenant, case_ids: list[int]) -> dict[int, tuple[tuple[Decimal, str], ...]]:
    """The amounts a debtor of an active agreement is expected to pay: each instalment (or promise) not yet paid,
    with its label — a credit of exactly that amount is a strong sign it is theirs."""
    out: dict[int, list[tuple[Decimal, str]]] = {}
    active = among(
        Arrangement.objects.filter(tenant=tenant, status=ArrangementStatus.ACTIVE), "case_id", case_ids
    )
    rows = Instalment.objects.filter(
        tenant=tenant,
        arrangement__in=active.values("pk"),
        status__in=(InstalmentStatus.PENDING, InstalmentStatus.MISSED),
    ).values_list("arrangement__case_id", "arrangement__kind", "number", "amount")
    for case_id, kind, number, amount in rows.order_by("arrangement__case_id", "number"):
        label = "alla promessa di pagamento" if kind == Kind.PROMISE else f"alla rata {number} dell'accordo"
        out.setdefault(case_id, []).append((amount, label))
    return {k: tuple(v) for k, v in out.items()}


def cases_by_id(*, tenant: Tenant, ids: Iterable[int]) -> dict[int, Case]:
    out: dict[int, Case] = {}
    for part in _chunks(sorted(set(ids))):
        out.update({c.pk: c for c in among(Case.objects.filter(tenant=tenant), "id", part)})
    return out


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:  # type: ignore[type-arg]
    for i in range(0, len(values), size):
        yield values[i : i + size]
