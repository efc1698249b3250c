"""A statement posted set-based (`payments.bulk`) writes exactly the rows of one `payment_record` per credit: the
same statement imported through both paths on two identical portfolios, every posted row compared (amounts as
Decimal text; ids, group ids and times mapped to what they stand for)."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from recupero.cases.domain.claims import ClaimType
from recupero.cases.models import Case, Claim, TimelineEvent
from recupero.core.models import AuditLog, AuditSubject
from recupero.core.permissions import system_actor
from recupero.core.selectors import chain_verify
from recupero.imports.domain.camt import read_statements
from recupero.ledger.models import LedgerEntry
from recupero.payments.domain.camt_write import camt053
from recupero.payments.domain.rf import creditor_reference
from recupero.payments.domain.statements import EntryData
from recupero.payments.models import PayerAccount, Payment, StatementEntry
from recupero.payments.services import collection_account_register, payment_record, statement_import
from tests.builders import CaseFactory, ClaimFactory, CompanyDebtorFactory
from tests.factories import TAX_CODES, VAT_NUMBERS, make_creditor, make_debtor, make_tenant

pytestmark = pytest.mark.django_db
D = Decimal
AGENCY = "IT60X0542811101000000123456"
DAY = dt.date(2025, 6, 30)
IBAN = "IT02L1234512345123456789012"
PEOPLE = [("Rossi", "Mario"), ("Bianchi", "Anna"), ("Verdi", "Luca"), ("Ferrari", "Lucia")]


def _claims(k: int, amounts: tuple[str, ...], year: int) -> list:
    return [
        ClaimFactory(
            invoice_number=f"FT{k}/{i + 1}",
            issued_on=dt.date(year, 1 + i, 10),
            due_on=dt.date(year, 2 + i, 10),
            amount=D(a),
        )
        for i, a in enumerate(amounts)
    ]


def _portfolio(code: str) -> tuple:
    """Eight debtors (four people, four companies), sixteen cases: consumers' utility bills, companies' commercial
    invoices from 2023 (interest and the €40 owed), one to three claims each."""
    tenant = make_tenant(code)
    creditor = make_creditor(tenant, "UTIL")
    actor = system_actor(tenant)
    collection_account_register(tenant=tenant, actor=actor, iban=AGENCY)
    cases: list[Case] = []
    for k in range(16):
        if k % 2 == 0:
            last, first = PEOPLE[k // 2 % 4]
            debtor = make_debtor(tenant, TAX_CODES[k // 2 % 4], last_name=last, first_name=first)
            extra = {"claims": _claims(k, ("120.50", "80.25", "40.00")[: 1 + k % 3], 2025)}
        else:
            debtor = CompanyDebtorFactory(tenant=tenant, vat_number=VAT_NUMBERS[k // 2 % 4])
            extra = {
                "claims": _claims(k, ("1000.00", "2500.40")[: 1 + k % 2], 2023),
                "commercial": True,
                "claim_type": ClaimType.ORDINARY,
                "contract_date": dt.date(2020, 1, 1),
            }
        cases.append(
            CaseFactory(
                tenant=tenant,
                creditor=creditor,
                debtor=debtor,
                creditor_reference=f"R{k}",
                opened_on=dt.date(2025, 3, 1),
                **extra,
            )
        )
    # an earlier payment from a known IBAN (the IBAN becomes a signal) and one on a company's case
    for case, amount, iban in ((cases[4], "10.00", IBAN), (cases[3], "300.00", "")):
        payment_record(
            tenant=tenant,
            actor=actor,
            case=case,
            amount=D(amount),
            value_date=dt.date(2025, 4, 1),
            method="bank_transfer",
            payer_iban=iban,
        )
    return tenant, actor, cases


def _statement(cases: list[Case]) -> bytes:
    def line(i: int, amount: str, text: str = "", structured: str = "", name: str = "", iban: str = ""):
        return EntryData(f"E{i}", D(amount), True, DAY, DAY, text, structured, f"E2E{i}", name, iban)

    c = cases
    lines = [
        line(1, "120.50", f"saldo pratica {c[0].code}", name="ROSSI MARIO"),  # pays it off
        line(2, "50.00", structured=creditor_reference(c[2].code), name="Anna Bianchi"),
        line(3, "25.00", "bonifico", name="Verdi Luca", iban=IBAN),  # the known IBAN, one open case
        line(4, "40.00", f"pratica {c[6].code} fattura FT6/1", name="Ferrari Lucia"),  # designates FT6/1
        line(5, "60.00", f"pratica {c[8].code} saldo fatt. FT8/3"),  # designates its third claim
        line(6, "500.00", f"pratica {c[1].code}"),  # a company: the €40 and interest first, accrued
        line(7, "4000.00", f"pratica {c[5].code} FT5/2"),  # designated, more than that claim, the rest oldest
        line(8, "9999.00", f"pratica {c[9].code}"),  # more than owed: the rest to refund, case paid
        line(9, "30.00", f"pratica {c[10].code}"),
        line(10, "20.00", f"pratica {c[10].code} ancora"),  # a second credit of the same case
        line(11, "15.00", "rata", name="Mario Rossi"),  # a bare name: review
        line(12, "700.00", "rimborso fornitore", name="ACME SPA"),  # not ours: review
        line(13, "200.00", f"pratica {c[3].code} FT3/1 FT3/2"),  # two invoices named: oldest first
        line(14, "100.00", f"pratica {c[12].code}", iban="IT60X0542811101000000999999"),  # a new IBAN learned
    ]
    return camt053(iban=AGENCY, entries=lines, statement_id="BULK-1")


def _rows(tenant) -> dict[str, object]:
    """Everything the import wrote, ids replaced by what they stand for (case code, invoice, bank reference)."""
    code = dict(Case.objects.filter(tenant=tenant).values_list("pk", "code"))
    invoice = dict(Claim.objects.filter(tenant=tenant).values_list("pk", "invoice_number"))
    payments = Payment.objects.filter(tenant=tenant, entry__isnull=False).select_related("entry")
    ref = {p.pk: p.entry.reference for p in payments}
    groups = {p.ledger_group: p.entry.reference for p in payments if p.ledger_group}

    def key(text: str | None) -> str:
        def swap(m: re.Match[str]) -> str:
            return f"payment:{ref[int(m[1])]}" + (f":1193:{invoice[int(m[2])]}" if m[2] else "")

        return re.sub(r"payment:(\d+)(?::1193:(\d+))?", swap, text or "")

    def group_key(gid: str) -> str:
        group = LedgerEntry.objects.filter(tenant=tenant, group=gid).first()
        return key(group.idempotency_key).split("#")[0]

    def details(d: dict) -> dict:
        out = dict(d)
        if "group" in out:
            out["group"] = group_key(out["group"])
        if "groups" in out:  # a payment's row names its ledger groups (they record no row of their own)
            out["groups"] = [group_key(g) for g in out["groups"]]
        if "payment" in out:
            out["payment"] = ref.get(out["payment"], out["payment"])
        return out

    entries = LedgerEntry.objects.filter(tenant=tenant, kind__in=["payment", "interest"], posted_on=DAY)
    audit = AuditLog.objects.filter(
        tenant=tenant,
        action__in=["payment.record", "ledger.payment", "ledger.interest", "case.transition"],
        at__gte=_since[tenant.pk],
    )
    subjects = {}
    for log_id, debtor, case in AuditSubject.objects.filter(log__in=audit).values_list(
        "log_id", "debtor_id", "case_id"
    ):
        subjects.setdefault(log_id, []).append((debtor is not None, code.get(case)))
    return {
        "payments": sorted(
            (
                code[p.case_id],
                str(p.amount),
                p.value_date,
                p.method,
                p.direct,
                p.reference,
                p.payer_name,
                p.payer_iban,
                invoice.get(p.designated_claim_id),
                p.status,
                groups.get(p.ledger_group),
                [{**i, "claim": invoice[i["claim"]]} for i in p.imputation],
                str(p.overpayment),
                p.refund_due,
                p.entry.reference,
            )
            for p in payments
        ),
        "ledger": sorted(
            (
                code[e.case_id],
                e.kind,
                e.posted_on,
                e.debit_account,
                e.credit_account,
                str(e.amount),
                e.description,
                key(e.idempotency_key),
                groups.get(e.group, "accrued"),
                e.actor_id is None,
            )
            for e in entries
        ),
        "cases": sorted(
            (c.code, c.status, str(c.balance), c.closed_on) for c in Case.objects.filter(tenant=tenant)
        ),
        "timeline": sorted(
            (code[t.case_id], t.kind, t.summary, sorted(details(t.data).items()))
            for t in TimelineEvent.objects.filter(
                tenant=tenant, kind__in=["payment.recorded", "case.status"], at__gte=_since[tenant.pk]
            )
        ),
        "audit": sorted(
            (
                a.action,
                a.object_type,
                code.get(int(a.object_id)) if a.object_type == "cases.case" else ref.get(int(a.object_id)),
                sorted(details(a.details).items()),
                sorted(subjects.get(a.pk, [])),
            )
            for a in audit
        ),
        "lines": sorted(
            (
                e.reference,
                e.status,
                e.confidence,
                [{**s, "case_id": code[s["case_id"]]} for s in e.suggestions],
                e.resolved_by_id is None,
            )
            for e in StatementEntry.objects.filter(tenant=tenant)
        ),
        "payers": sorted(PayerAccount.objects.filter(tenant=tenant).values_list("debtor__tax_code", "iban")),
    }


_since: dict[int, object] = {}


def test_bulk_and_one_by_one_write_the_same_rows():
    from django.utils.timezone import now

    results = {}
    for code, one_by_one in (("one", True), ("bulk", False)):
        tenant, actor, cases = _portfolio(code)
        _since[tenant.pk] = now()
        report = statement_import(
            tenant=tenant, actor=actor, statements=read_statements(_statement(cases)), one_by_one=one_by_one
        )
        results[code] = (report.as_dict(), _rows(tenant))
        assert chain_verify(tenant=tenant).ok
    one, bulk = results["one"], results["bulk"]
    for table in one[1]:
        assert bulk[1][table] == one[1][table], table
    assert (one[0]["matched"], one[0]["review"], one[0]["posted_total"]) == (11, 3, "15119.50")
    assert {**one[0], "statements": []} == {**bulk[0], "statements": []}
    rows = bulk[1]
    # one audit row per act: a payment's row names its ledger groups, which record none of their own
    assert sorted({a[0] for a in rows["audit"]}) == ["case.transition", "payment.record"]
    e7 = next(a for a in rows["audit"] if a[0] == "payment.record" and a[2] == "E7")
    assert dict(e7[3])["groups"] == ["payment:E7:accrued", "payment:E7:1193:FT5/2"]
    # the figures themselves: designations (art. 1193), the accrual groups, the overpayment, the case paid off
    by_line = {p[14]: p for p in rows["payments"]}
    assert {ref: p[8] for ref, p in by_line.items() if p[8]} == {"E4": "FT6/1", "E5": "FT8/3", "E7": "FT5/2"}
    # E7: 4,000.00 designated FT5/2 pays it whole (€40, interest, principal), the rest goes to FT5/1
    assert [(i["claim"], i["bucket"], i["amount"]) for i in by_line["E7"][11]] == [
        ("FT5/1", "flat_compensation", "40.00"),
        ("FT5/1", "interest", "280.14"),
        ("FT5/1", "principal", "459.14"),
        ("FT5/2", "flat_compensation", "40.00"),
        ("FT5/2", "interest", "680.32"),
        ("FT5/2", "principal", "2500.40"),
    ]
    assert (by_line["E8"][12], by_line["E8"][13]) == ("5458.14", True)
    assert sum(1 for r in rows["ledger"] if r[1] == "interest") == 13
    assert [c[:2] for c in rows["cases"] if c[1] == "paid"] == [(cases[9].code, "paid")]


@pytest.mark.django_db(transaction=True)
def test_two_workers_post_what_one_posts(monkeypatch):
    """PostgreSQL, outside a transaction: this process and a helper process (`payments.workers`, a real child on
    the test database) reconcile the chunks (SKIP LOCKED, a connection each). The same statement on two identical
    portfolios, small chunks so the workers share them: the same figures, the same payments per line, the same
    case balances and states, the books balanced, each chain whole."""
    from django.db import connection

    from recupero.ledger.selectors import unbalanced_cases
    from recupero.payments import services

    if connection.vendor != "postgresql":
        pytest.skip("two workers only on PostgreSQL (SQLite: one writer at a time)")
    monkeypatch.setattr(services, "CHUNK", 3)
    helpers: list[int] = []
    start = services.workers.Pool.start
    monkeypatch.setattr(
        services.workers.Pool, "start", lambda **kw: helpers.append(kw["count"]) or start(**kw)
    )
    stores: list[
        int
    ] = []  # lines stored per transaction: with a helper, two halves (the helper starts on one)
    store = services.bulk.entries_store
    monkeypatch.setattr(
        services.bulk, "entries_store", lambda t, s, lines: stores.append(len(lines)) or store(t, s, lines)
    )
    results = {}
    for code, workers in (("one", 1), ("two", 2)):
        monkeypatch.setattr(services, "WORKERS", workers)
        tenant, actor, cases = _portfolio(code)
        report = statement_import(tenant=tenant, actor=actor, statements=read_statements(_statement(cases)))
        payments = sorted(
            Payment.objects.filter(tenant=tenant)
            .exclude(entry=None)
            .values_list("entry__reference", "amount")
        )
        states = [
            (c.code[-4:], c.status, c.balance) for c in Case.objects.filter(tenant=tenant).order_by("seq")
        ]
        results[code] = ({**report.as_dict(), "statements": []}, payments, states)
        assert chain_verify(tenant=tenant).ok
        assert unbalanced_cases(tenant_id=tenant.pk) == []
        assert StatementEntry.objects.filter(tenant=tenant, status="new").count() == 0
    assert helpers == [1]  # the second import went through a helper process
    assert len(stores) == 3 and stores[0] == stores[1] + stores[2] and stores[1] == stores[0] // 2
    assert results["two"] == results["one"]
    assert (results["two"][0]["matched"], results["two"][0]["posted_total"]) == (11, "15119.50")


@pytest.mark.django_db(transaction=True)
def test_a_chunk_refused_on_a_twin_key_is_taken_again(monkeypatch):
    """Two workers reserving a table's ids at the same instant may get overlapping ranges: the chunk fails whole on
    the primary key and is reconciled again — the same figures as an import without the clash, nothing twice."""
    from django.db import IntegrityError

    from recupero.payments import services

    monkeypatch.setattr(services, "CHUNK", 4)
    monkeypatch.setattr(services, "WORKERS", 1)  # every chunk in this process, where the clash is staged
    post, calls = services.bulk.credits_post, []

    def clashing(**kwargs):  # the second chunk's first try meets a twin id, after writing part of its rows
        calls.append(len(kwargs["credits"]))
        done = post(**kwargs)
        if len(calls) == 2:
            raise IntegrityError('duplicate key value violates unique constraint "cases_timelineevent_pkey"')
        return done

    monkeypatch.setattr(services.bulk, "credits_post", clashing)
    tenant, actor, cases = _portfolio("clash")
    report = statement_import(tenant=tenant, actor=actor, statements=read_statements(_statement(cases)))
    assert (report.matched, report.review, str(report.posted_total)) == (11, 3, "15119.50")
    assert Payment.objects.filter(tenant=tenant).exclude(entry=None).count() == 11
    assert StatementEntry.objects.filter(tenant=tenant, status="new").count() == 0
    assert len(calls) == 5  # four chunks, the second one twice
    assert chain_verify(tenant=tenant).ok


@pytest.mark.django_db(transaction=True)
def test_an_import_stopped_between_the_two_halves_is_completed_by_its_rerun(monkeypatch):
    """PostgreSQL with a helper: the statement and the first half of its lines are committed, the helper reconciles
    them, then the import stops before the second half is stored. Its rerun stores the rest (the first half once)
    and reconciles every line left: the same payments, figures and books as one import that never stopped."""
    from django.db import connection

    from recupero.ledger.selectors import unbalanced_cases
    from recupero.payments import services

    if connection.vendor != "postgresql":
        pytest.skip("helpers only on PostgreSQL")
    monkeypatch.setattr(services, "CHUNK", 3)
    monkeypatch.setattr(services, "WORKERS", 2)
    store, calls = services.bulk.entries_store, []

    def stopping(tenant, statement, lines):  # type: ignore[no-untyped-def]
        calls.append(len(lines))
        if len(calls) == 2:
            raise RuntimeError("import stopped")
        return store(tenant, statement, lines)

    clean_tenant, clean_actor, clean_cases = _portfolio("clean")
    clean = statement_import(
        tenant=clean_tenant, actor=clean_actor, statements=read_statements(_statement(clean_cases))
    )
    tenant, actor, cases = _portfolio("stop")
    data = _statement(cases)
    monkeypatch.setattr(services.bulk, "entries_store", stopping)
    with pytest.raises(RuntimeError, match="import stopped"):
        statement_import(tenant=tenant, actor=actor, statements=read_statements(data))
    first_half = StatementEntry.objects.filter(tenant=tenant).count()
    assert (
        first_half == calls[0]
        and calls[0] + calls[1] == StatementEntry.objects.filter(tenant=clean_tenant).count()
    )
    monkeypatch.setattr(services.bulk, "entries_store", store)
    rerun = statement_import(tenant=tenant, actor=actor, statements=read_statements(data))
    lines = StatementEntry.objects.filter(tenant=tenant)
    assert lines.count() == StatementEntry.objects.filter(tenant=clean_tenant).count()
    assert lines.values("reference").distinct().count() == lines.count()  # each line once
    assert lines.filter(status="new").count() == 0
    assert rerun.duplicates == first_half  # the first half was known: stored once
    for who in (clean_tenant, tenant):
        assert chain_verify(tenant=who).ok
        assert unbalanced_cases(tenant_id=who.pk) == []
    paid = sorted(
        Payment.objects.filter(tenant=tenant).exclude(entry=None).values_list("entry__reference", "amount")
    )
    assert paid == sorted(
        Payment.objects.filter(tenant=clean_tenant)
        .exclude(entry=None)
        .values_list("entry__reference", "amount")
    )
    assert len({ref for ref, _ in paid}) == len(paid) == clean.matched == 11  # no line paid twice
    states = [(c.code[-4:], c.status, c.balance) for c in Case.objects.filter(tenant=tenant).order_by("seq")]
    assert states == [
        (c.code[-4:], c.status, c.balance) for c in Case.objects.filter(tenant=clean_tenant).order_by("seq")
    ]
