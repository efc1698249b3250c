"""Bank statements end to end: the banks' samples, a registered account's statement reconciled, idempotency,
the review queue, zips, the command line."""

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.imports.bank import statement_file_import
from recupero.imports.domain.camt import read_statements
from recupero.ledger.models import LedgerEntry
from recupero.payments.domain.camt_write import camt053
from recupero.payments.domain.rf import creditor_reference, printable
from recupero.payments.domain.statements import EntryData
from recupero.payments.models import BankStatement, Payment, StatementEntry
from recupero.payments.services import (
    collection_account_register,
    entry_confirm,
    entry_not_ours,
    entry_split,
    payment_record,
)
from tests.factories import TAX_CODES, make_case, make_debtor

pytestmark = pytest.mark.django_db
D = Decimal
SAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "samples" / "camt"
AGENCY = "IT60X0542811101000000123456"
DAY = dt.date(2025, 2, 10)


def _line(ref, amount, *, text="", structured="", name="", iban=""):
    return EntryData(ref, D(amount), True, DAY, DAY, text, structured, "", name, iban)


@pytest.fixture
def world(tenant, creditor):
    actor = system_actor(tenant)
    collection_account_register(tenant=tenant, actor=actor, iban=AGENCY, name="Conto incassi")
    rossi = make_debtor(tenant, TAX_CODES[0], last_name="Rossi", first_name="Mario")
    bianchi = make_debtor(tenant, TAX_CODES[1], last_name="Bianchi", first_name="Anna")
    verdi = make_debtor(tenant, TAX_CODES[2], last_name="Verdi", first_name="Luca")
    cases = {
        "rossi": make_case(tenant, creditor, rossi, amounts=("120.50",)),
        "bianchi": make_case(tenant, creditor, bianchi, amounts=("80.00",)),
        "verdi": make_case(tenant, creditor, verdi, amounts=("60.00",)),
        "verdi2": make_case(tenant, creditor, verdi, amounts=("40.00",)),
    }
    # Verdi paid once from his IBAN: the IBAN is now known for him
    payment_record(tenant=tenant, actor=actor, case=cases["verdi"], amount=D("10.00"), value_date=DAY,
                   method="bank_transfer", payer_iban="IT02L1234512345123456789012")  # fmt: skip
    return tenant, actor, cases


def _file(cases, *, statement_id="S1"):
    rossi, bianchi, verdi = cases["rossi"], cases["bianchi"], cases["verdi"]
    lines = [
        _line("R1", "120.50", text=f"saldo pratica {rossi.code}", name="ROSSI MARIO"),
        _line("R2", "80.00", structured=creditor_reference(bianchi.code), name="Anna Bianchi"),
        _line("R3", "50.00", text="bonifico", name="Verdi Luca", iban="IT02L1234512345123456789012"),
        _line("R4", "20.00", text="rata", name="Mario Rossi"),  # a bare name: review
        _line("R5", "33.00", text=f"pratica {rossi.code[:-1]}{(int(rossi.code[-1]) + 1) % 10}"),  # typo
        _line("R6", "999.00", text="rimborso fornitore", name="ACME SPA"),
    ]
    return camt053(iban=AGENCY, entries=lines, opening=D("1000.00"), statement_id=statement_id), verdi


def test_every_sample_is_read_or_refused_with_a_clear_code():
    read = {}
    for path in sorted(SAMPLES.glob("*.xml")):
        try:
            read[path.name] = [
                (s.kind, s.version, len(s.entries)) for s in read_statements(path.read_bytes())
            ]
        except DomainError as exc:
            read[path.name] = exc.code
    assert read == {
        "camt053.v2.minimal.ultimate.xml": [("camt.053", "001.02", 1)],
        "camt053.v2.wrong.xml": "payments.statement_empty",
        "camt053.v4.xml": [("camt.053", "001.04", 1)],
        "camt053.v8.xml": [("camt.053", "001.08", 1)],
        "camt054.v4.xml": [("camt.054", "001.04", 1)],
    }
    entry = read_statements((SAMPLES / "camt053.v8.xml").read_bytes())[0].entries[0]
    assert (entry.reference, entry.amount, entry.value_date, entry.payer_iban) == (
        "AAAASESS-FP-CN_98765/01",
        D("8.85"),
        dt.date(2015, 1, 2),
        "NL56AGDH9619008421",
    )


def test_hostile_xml_is_refused_as_the_intake_refuses_it():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Document>&a;</Document>'
    with pytest.raises(DomainError) as exc:
        read_statements(bomb)
    assert exc.value.code == "import.xml_hostile"


def test_a_statement_of_an_unregistered_account_is_reported_and_posts_nothing(tenant):
    actor = system_actor(tenant)
    report = statement_file_import(tenant=tenant, actor=actor, data=(SAMPLES / "camt053.v4.xml").read_bytes())
    assert (report.entries, report.credits, report.matched, report.duplicates) == (1, 1, 0, 0)
    assert report.unregistered == ["NL26VAYB8060476890"]
    assert StatementEntry.objects.count() == 0 and Payment.objects.count() == 0
    assert BankStatement.objects.get().status == "unregistered"


def test_statement_is_reconciled_posted_or_queued_and_totals_checked(world):
    tenant, actor, cases = world
    data, verdi = _file(cases)
    report = statement_file_import(tenant=tenant, actor=actor, data=data, name="nov.xml")
    assert (report.entries, report.credits, report.matched, report.review, report.duplicates) == (
        6,
        6,
        2,
        4,
        0,
    )
    assert report.posted_total == D("200.50")
    statuses = dict(StatementEntry.objects.values_list("reference", "status"))
    assert statuses == {
        "R1": "posted",
        "R2": "posted",
        "R3": "review",
        "R4": "review",
        "R5": "review",
        "R6": "review",
    }
    # the known IBAN is Verdi's, who has two open cases: both suggested, his first (amount equal to what he owes)
    r3 = StatementEntry.objects.get(reference="R3")
    assert [s["code"] for s in r3.suggestions] == [verdi.code, cases["verdi2"].code]
    assert r3.suggestions[0]["confidence"] == 0.821
    statement = BankStatement.objects.get()
    assert (statement.totals_ok, statement.closing, statement.credits_total) == (
        True,
        D("2302.50"),
        D("1302.50"),
    )
    assert statement.counts == {"posted": 2, "review": 4, "posted_total": "200.50"}
    cases["rossi"].refresh_from_db()
    assert cases["rossi"].status == "paid"
    r4 = StatementEntry.objects.get(reference="R4")
    assert r4.suggestions[0]["code"] == cases["rossi"].code
    assert "nome dell'ordinante" in r4.suggestions[0]["reasons"][0]


def test_the_same_statement_twice_or_an_overlapping_one_posts_nothing_twice(world):
    tenant, actor, cases = world
    data, _ = _file(cases)
    statement_file_import(tenant=tenant, actor=actor, data=data)
    payments, entries = Payment.objects.count(), LedgerEntry.objects.count()
    again = statement_file_import(tenant=tenant, actor=actor, data=data)
    assert (again.duplicates, again.matched, again.review, again.posted_total) == (6, 0, 0, D("0.00"))
    overlap = camt053(iban=AGENCY, statement_id="S2", entries=[
        _line("R2", "80.00", structured=creditor_reference(cases["bianchi"].code)),
        _line("R7", "60.00", text=f"pratica {cases['verdi2'].code}"),
    ])  # fmt: skip
    third = statement_file_import(tenant=tenant, actor=actor, data=overlap)
    assert (third.duplicates, third.matched) == (1, 1)
    assert Payment.objects.count() == payments + 1
    assert LedgerEntry.objects.count() > entries


def test_review_queue_confirm_split_and_not_ours(world):
    tenant, actor, cases = world
    data, verdi = _file(cases)
    statement_file_import(tenant=tenant, actor=actor, data=data)
    r3, r4, r5, r6 = (StatementEntry.objects.get(reference=r) for r in ("R3", "R4", "R5", "R6"))
    paid_twice = entry_confirm(tenant=tenant, actor=actor, entry=r4, case=cases["rossi"])
    assert (paid_twice.overpayment, paid_twice.refund_due) == (D("20.00"), True)  # Rossi had paid in full
    with pytest.raises(DomainError) as exc:
        entry_split(
            tenant=tenant,
            actor=actor,
            entry=r3,
            parts=[(cases["verdi"], D("3.00")), (cases["verdi2"], D("20.00"))],
        )
    assert exc.value.code == "payments.split_mismatch"
    with pytest.raises(DomainError) as exc:
        entry_split(
            tenant=tenant,
            actor=actor,
            entry=r3,
            parts=[(cases["verdi"], D("30.00")), (cases["bianchi"], D("20.00"))],
        )
    assert exc.value.code == "payments.split_other_debtor"
    split = entry_split(
        tenant=tenant,
        actor=actor,
        entry=r3,
        parts=[(cases["verdi"], D("30.00")), (cases["verdi2"], D("20.00"))],
    )
    assert [(p.case.code, p.amount) for p in split] == [
        (verdi.code, D("30.00")),
        (cases["verdi2"].code, D("20.00")),
    ]
    entry_confirm(tenant=tenant, actor=actor, entry=r5, case=cases["bianchi"])
    entry_not_ours(tenant=tenant, actor=actor, entry=r6, note="bonifico di un fornitore")
    statuses = sorted(StatementEntry.objects.values_list("status", flat=True))
    assert statuses == ["not_ours", "posted", "posted", "posted", "posted", "posted"]
    with pytest.raises(DomainError) as exc:
        entry_confirm(tenant=tenant, actor=actor, entry=r6, case=cases["rossi"])
    assert exc.value.code == "payments.entry_resolved"


def test_a_zip_of_statements_is_read_member_by_member(world):
    tenant, actor, cases = world
    data, _ = _file(cases)
    other = camt053(
        iban=AGENCY,
        statement_id="S9",
        entries=[_line("Z1", "5.00", text=printable(creditor_reference(cases["verdi2"].code)))],
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", data)
        archive.writestr("b.xml", other)
        archive.writestr("leggimi.txt", b"ignored")
    report = statement_file_import(tenant=tenant, actor=actor, data=buffer.getvalue())
    assert (report.entries, report.matched, report.review) == (7, 3, 4)


def test_command_line_import_dry_run_and_refusal(world, capsys, tmp_path):
    _tenant, _actor, cases = world
    data, _ = _file(cases)
    path = tmp_path / "nov.xml"
    path.write_bytes(data)
    call_command("payments", "import", str(path), "--dry-run", "--json")
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("entries", "credits", "matched", "review", "duplicates", "posted_total")} == {
        "entries": 6,
        "credits": 6,
        "matched": 2,
        "review": 4,
        "duplicates": 0,
        "posted_total": "200.50",
    }
    assert StatementEntry.objects.count() == 0 and Payment.objects.count() == 1
    call_command("payments", "import", str(path), "--json")
    assert json.loads(capsys.readouterr().out)["matched"] == 2
    with pytest.raises(SystemExit) as exit_:
        call_command("payments", "import", str(SAMPLES / "camt053.v2.wrong.xml"), "--json")
    assert exit_.value.code == 2
    assert json.loads(capsys.readouterr().out)["code"] == "payments.statement_empty"


def test_command_line_record_prints_the_imputation(world, capsys):
    _tenant, _actor, cases = world
    call_command("payments", "record", "--case", cases["bianchi"].code, "--amount", "30,00", "--date",
                 "10/02/2025", "--method", "postal_slip", "--json")  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert [(p["bucket"], p["amount"]) for p in out["imputation"]] == [("principal", "30.00")]
    assert out["case_status"] == "new"


def test_a_pending_line_is_posted_once_booked(world):
    tenant, actor, cases = world
    code = cases["bianchi"].code
    pending = EntryData("P1", D("80.00"), True, DAY, DAY, f"pratica {code}", status="PDNG")
    first = statement_file_import(tenant=tenant, actor=actor, data=camt053(iban=AGENCY, entries=[pending]))
    assert (first.entries, first.credits, first.matched, first.duplicates) == (1, 0, 0, 0)
    assert not StatementEntry.objects.filter(reference="P1").exists()
    booked = EntryData("P1", D("80.00"), True, DAY, DAY, f"pratica {code}")
    second = statement_file_import(tenant=tenant, actor=actor, data=camt053(iban=AGENCY, entries=[booked]))
    assert (second.matched, second.duplicates, second.posted_total) == (1, 0, D("80.00"))


def test_an_account_registered_later_posts_its_statement_then(world):
    tenant, actor, cases = world
    from schwifty import IBAN

    other = str(IBAN.generate("IT", bank_code="0306909606", account_code="000000555555"))
    data = camt053(iban=other, entries=[_line("U1", "80.00", text=f"pratica {cases['bianchi'].code}")])
    before = statement_file_import(tenant=tenant, actor=actor, data=data)
    assert (before.unregistered, before.matched, Payment.objects.filter(entry__isnull=False).count()) == (
        [other], 0, 0,
    )  # fmt: skip
    collection_account_register(tenant=tenant, actor=actor, iban=other.lower())
    after = statement_file_import(tenant=tenant, actor=actor, data=data)
    assert (after.unregistered, after.matched, after.posted_total) == ([], 1, D("80.00"))
    with pytest.raises(DomainError) as exc:
        collection_account_register(tenant=tenant, actor=actor, iban="IT00X0000000000000000000000")
    assert exc.value.code == "payments.bad_iban"


def test_a_cbi_statement_wrapped_in_its_own_message_is_read():
    # Synthetic (no public CBI sample): the CBI namespace and a wrapper element around BkToCstmrStmt
    body = camt053(iban=AGENCY, entries=[_line("C1", "12.00", text="pratica P00012344")]).decode()
    cbi = body.replace(
        "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08", "urn:CBI:xsd:CBIBkToCstmrStmtReqLogMsg.00.01.02"
    )
    cbi = cbi.replace("<BkToCstmrStmt>", "<CBIDlyStmtReqLogMsg><BkToCstmrStmt>").replace(
        "</BkToCstmrStmt>", "</BkToCstmrStmt></CBIDlyStmtReqLogMsg>"
    )
    [statement] = read_statements(cbi.encode())
    assert (statement.kind, statement.version, statement.account_iban) == ("cbi", "01.02", AGENCY)
    assert [(e.reference, e.amount) for e in statement.entries] == [("C1", D("12.00"))]
