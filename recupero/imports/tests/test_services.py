"""Intake end to end through the services: preview counts, commit, idempotency, updates, failures, return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from recupero.cases.models import Assignment, Case, Claim, TimelineEvent
from recupero.imports.tests.conftest import CF, HEADERS, VAT, csv_bytes, row
from recupero.ledger.models import LedgerEntry
from recupero.ledger.selectors import unbalanced_cases
from recupero.parties.models import ContactPoint, Debtor

pytestmark = pytest.mark.django_db


def _counts(batch):
    p = batch.preview
    return {k: p[k] for k in ("debtors", "cases", "claims")}


def test_csv_end_to_end(run, tenant, creditor):
    data = csv_bytes(
        row(),
        row(number="F-2", issued="01/02/2025", due="28/02/2025", amount="100,00", outstanding="100,00"),
        row(
            ref="C2",
            cf=CF[1],
            surname="Bianchi",
            name="Laura",
            phone="",
            mobile="",
            email="",
            cap="20121",
            town="Milano",
            prov="MI",
            number="G-1",
            amount="50,10",
            outstanding="",
        ),
    )
    batch = run(("affido.csv", data))
    assert batch.status == "committed", batch.error_message
    assert batch.preview["rows"] == 3 and batch.preview["error_count"] == 0
    assert _counts(batch) == {
        "debtors": {"new": 2, "updated": 0, "unchanged": 0},
        "cases": {"new": 2, "updated": 0, "unchanged": 0, "closed": 0},
        "claims": {"new": 3, "updated": 0, "unchanged": 0},
    }
    c1 = Case.objects.get(tenant=tenant, creditor=creditor, creditor_reference="C1")
    assert (c1.original_amount, c1.balance, c1.first_due_on, c1.province, c1.status, c1.claim_type) == (
        Decimal("1100.00"),
        Decimal("1100.00"),
        dt.date(2025, 1, 31),
        "RM",
        "new",
        "electricity",
    )
    assert c1.code.startswith("P") and c1.assignment.code == "AFF-2026-01"
    assert sorted(
        Claim.objects.filter(case=c1).values_list("invoice_number", "amount", "number_head", "number_tail")
    ) == [
        ("F-1", Decimal("1234.56"), "1", ""),  # the search keys are written by the bulk writer
        ("F-2", Decimal("100.00"), "2", ""),
    ]
    debtor = c1.debtor
    assert (debtor.kind, debtor.size, debtor.search_name, debtor.tax_code) == (
        "person",
        "consumer",
        "rossi mario",
        CF[0],
    )
    assert sorted(
        ContactPoint.objects.filter(debtor=debtor).values_list("kind", "value", "cap", "province", "source")
    ) == [
        ("address", "Via Roma 1", "00145", "RM", "affido AFF-2026-01"),
        ("email", "mario.rossi@example.it", "", "", "affido AFF-2026-01"),
        ("mobile", "+393331234567", "", "", "affido AFF-2026-01"),
        ("phone", "+39061234567", "", "", "affido AFF-2026-01"),
    ]
    entries = LedgerEntry.objects.filter(case=c1).order_by("id")
    assert [(e.debit_account, e.credit_account, e.amount, e.idempotency_key) for e in entries] == [
        ("principal", "assigned", Decimal("1000.00"), f"opening:{c1.pk}#0"),
        ("principal", "assigned", Decimal("100.00"), f"opening:{c1.pk}#1"),
    ]
    assert list(TimelineEvent.objects.filter(case=c1).values_list("kind", "summary")) == [
        ("case.opened", "Pratica aperta da affido AFF-2026-01: 2 fatture, 1100.00 €")
    ]
    assert unbalanced_cases(tenant_id=tenant.pk) == []
    # the creditor's figure is kept on each claim: the next file is compared with it
    assert sorted(
        Claim.objects.filter(tenant=tenant).values_list("invoice_number", "reported_outstanding")
    ) == [
        ("F-1", Decimal("1000.00")),  # outstanding below the invoice amount
        ("F-2", Decimal("100.00")),
        ("G-1", Decimal("50.10")),  # no outstanding column value: the amount
    ]


def test_same_file_twice_changes_nothing(run, tenant):
    data = csv_bytes(row(), row(ref="C2", cf=CF[1], number="G-1"))
    run(("a.csv", data))
    before = (
        LedgerEntry.objects.count(),
        TimelineEvent.objects.count(),
        ContactPoint.objects.count(),
        Debtor.objects.count(),
        Case.objects.count(),
        Assignment.objects.count(),
    )
    again = run(("a.csv", data))
    assert again.status == "committed"
    assert _counts(again) == {
        "debtors": {"new": 0, "updated": 0, "unchanged": 2},
        "cases": {"new": 0, "updated": 0, "unchanged": 2, "closed": 0},
        "claims": {"new": 0, "updated": 0, "unchanged": 2},
    }
    after = (
        LedgerEntry.objects.count(),
        TimelineEvent.objects.count(),
        ContactPoint.objects.count(),
        Debtor.objects.count(),
        Case.objects.count(),
        Assignment.objects.count(),
    )
    assert after == before


def test_commit_twice_is_a_no_op(run):
    from recupero.imports import services

    batch = run(("a.csv", csv_bytes(row())))
    entries = LedgerEntry.objects.count()
    assert services.batch_commit(batch.pk).status == "committed"
    assert LedgerEntry.objects.count() == entries


def test_parse_twice_gives_the_same_preview(run):
    from recupero.imports import services

    batch = run(("a.csv", csv_bytes(row(), row(ref="C2", cf="XX"))), commit=False)
    again = services.batch_parse(batch.pk)
    again.refresh_from_db()
    assert again.preview == batch.preview and again.status == "ready"


def test_later_file_updates_amounts_and_contacts(run, tenant, creditor):
    run(("jan.csv", csv_bytes(row(), row(number="F-2", amount="200,00", outstanding="200,00"))))
    case = Case.objects.get(creditor_reference="C1")
    feb = csv_bytes(
        row(outstanding="800,00", mobile="347 765 4321"),  # F-1 decreased, new mobile
        row(number="F-2", amount="200,00", outstanding="200,00"),  # unchanged
        row(
            number="F-3", issued="01/03/2025", due="31/03/2025", amount="75,25", outstanding="75,25"
        ),  # new claim
    )
    batch = run(("feb.csv", feb), code="AFF-2026-02")
    assert batch.status == "committed", batch.error_message
    assert _counts(batch) == {
        "debtors": {"new": 0, "updated": 1, "unchanged": 0},
        "cases": {"new": 0, "updated": 1, "unchanged": 0, "closed": 0},
        "claims": {"new": 1, "updated": 1, "unchanged": 1},
    }
    case.refresh_from_db()
    assert case.balance == Decimal("1000.00") + Decimal("200.00") - Decimal("200.00") + Decimal("75.25")
    assert case.original_amount == Decimal("1200.00")  # what was first entrusted
    assert unbalanced_cases(tenant_id=tenant.pk) == []
    adjustments = LedgerEntry.objects.filter(case=case, idempotency_key__contains=":adjust:")
    assert [(e.kind, e.debit_account, e.credit_account, e.amount) for e in adjustments] == [
        ("credit", "credits", "principal", Decimal("200.00"))
    ]
    kinds = sorted(TimelineEvent.objects.filter(case=case).values_list("kind", "summary"))
    assert kinds == [
        ("case.opened", "Pratica aperta da affido AFF-2026-01: 2 fatture, 1200.00 €"),
        (
            "import.amount_changed",
            "Residuo fattura F-1 del 01/01/2025: 1000.00 € → 800.00 € (affido AFF-2026-02)",
        ),
        ("import.claim_added", "Fattura F-3 del 01/03/2025 aggiunta da affido AFF-2026-02: 75.25 €"),
        ("import.contact_added", "Recapito aggiunto da affido AFF-2026-02: cellulare +393477654321"),
    ]
    # and back up: an increase is principal / assigned
    mar = csv_bytes(row(outstanding="1.100,00"))
    run(("mar.csv", mar), code="AFF-2026-03")
    case.refresh_from_db()
    assert case.balance == Decimal("1075.25") + Decimal("300.00")
    last = LedgerEntry.objects.filter(case=case).order_by("-id").first()
    assert (last.kind, last.debit_account, last.credit_account, last.amount) == (
        "opening",
        "principal",
        "assigned",
        Decimal("300.00"),
    )
    assert unbalanced_cases(tenant_id=tenant.pk) == []
    # no new assignment without new cases
    assert not Assignment.objects.filter(code__in=["AFF-2026-02", "AFF-2026-03"]).exists()


def test_debtor_dedupe_across_creditors(run, tenant, consultant):
    from tests.factories import make_creditor

    other = make_creditor(tenant, "TELCO", vat="02182030391")
    other.consultants.add(consultant)
    run(("a.csv", csv_bytes(row())))
    batch = run(
        ("b.csv", csv_bytes(row(ref="T-9", number="X-1", mobile="333 123 4567", phone=""))), who=other
    )
    assert batch.preview["debtors"] == {"new": 0, "updated": 0, "unchanged": 1}
    assert Debtor.objects.filter(tenant=tenant).count() == 1
    assert Case.objects.filter(debtor__tax_code=CF[0]).count() == 2


def test_company_matched_by_vat(run, tenant):
    from tests.factories import make_creditor  # noqa: F401

    data = csv_bytes(row(cf="", vat=VAT[0], surname="", name="", company="Alfa S.r.l.", kind="gas"))
    batch = run(("a.csv", data))
    debtor = Debtor.objects.get(vat_number=VAT[0])
    assert (debtor.kind, debtor.size, debtor.company_name, debtor.search_name) == (
        "company",
        "sme",
        "Alfa S.r.l.",
        "alfa s.r.l.",
    )
    assert Case.objects.get().commercial is True
    assert batch.preview["debtors"]["new"] == 1


def test_the_creditors_stated_facts_land_on_the_case(run, tenant):
    headers = [*HEADERS, "Fornitura attiva", "Prima fattura insoluta"]
    data = csv_bytes(
        [*row(), "sì", "no"],
        [*row(ref="C2", cf=CF[1], number="G-1"), "cessata", "sì"],
        [*row(ref="C3", cf=CF[2], number="H-1"), "", ""],
        headers=headers,
    )
    assert run(("affido.csv", data)).status == "committed"
    facts = Case.objects.filter(tenant=tenant).order_by("creditor_reference")
    assert [(c.creditor_reference, c.supply_active, c.first_invoice_default) for c in facts] == [
        ("C1", True, False),
        ("C2", False, True),
        ("C3", None, None),  # not stated
    ]


def test_a_later_file_changes_a_stated_fact_and_the_timeline_says_so(run, tenant):
    headers = [*HEADERS, "Fornitura attiva"]
    first = csv_bytes([*row(), "sì"], [*row(ref="C2", cf=CF[1], number="G-1"), "sì"], headers=headers)
    assert run(("a.csv", first)).status == "committed"
    # the supply of C1 has ceased; C2's file says nothing this time: left as it is
    later = csv_bytes([*row(), "cessata"], [*row(ref="C2", cf=CF[1], number="G-1"), ""], headers=headers)
    batch = run(("b.csv", later), code="AFF-2026-02")
    assert batch.status == "committed"
    assert batch.preview["cases"] == {"new": 0, "updated": 1, "unchanged": 1, "closed": 0}
    facts = dict(Case.objects.filter(tenant=tenant).values_list("creditor_reference", "supply_active"))
    assert facts == {"C1": False, "C2": True}
    c1 = Case.objects.get(tenant=tenant, creditor_reference="C1")
    assert list(c1.timeline.filter(kind="import.fact_changed").values_list("summary", flat=True)) == [
        "Fornitura attiva da affido AFF-2026-02: sì → no"
    ]
    again = run(("b.csv", later), code="AFF-2026-02")  # the same file again: nothing to change
    assert again.preview["cases"] == {"new": 0, "updated": 0, "unchanged": 2, "closed": 0}
    assert c1.timeline.filter(kind="import.fact_changed").count() == 1
