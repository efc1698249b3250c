"""Every row error code in the preview, the kill-during-commit case, assignment return, CLI, API and pages."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recupero.cases.models import Assignment, Case, Claim, TimelineEvent
from recupero.core.permissions import system_actor
from recupero.imports import frames, services
from recupero.imports.models import ImportBatch
from recupero.imports.tests.conftest import CF, HEADERS, VAT, csv_bytes, row
from recupero.ledger.models import LedgerEntry
from recupero.parties.models import ContactPoint, Debtor

pytestmark = pytest.mark.django_db

IBAN = "IT60X0542811101000000123456"


def _wide(**changes):
    values = dict(zip([*HEADERS, "IBAN", "document_type"], [*row(), IBAN, "TD01"], strict=True))
    values.update(changes)
    return list(values.values())


# (changes to a good row, expected (field, code)); each row gets its own reference and invoice number
CASES = [
    ({"Cognome": "", "Nome": ""}, ("company_name", "import.row.missing_field")),
    ({"Codice Fiscale": "RSSMRA85T10A562X"}, ("tax_code", "import.row.bad_tax_code")),
    ({"P.IVA": "12345670018"}, ("vat_number", "import.row.bad_vat_number")),
    ({"IBAN": "IT00X0542811101000000123456"}, ("iban", "import.row.bad_iban")),
    ({"Cellulare": "12"}, ("mobile", "import.row.bad_phone")),
    ({"E-mail": "mario@"}, ("email", "import.row.bad_email")),
    ({"CAP": "0145"}, ("cap", "import.row.bad_cap")),
    ({"Provincia": "XX"}, ("province", "import.row.unknown_province")),
    ({"CAP": "20121"}, ("cap", "import.row.cap_province_mismatch")),
    ({"Importo": "dodici"}, ("amount", "import.row.bad_amount")),
    ({"Residuo": "-10,00"}, ("outstanding", "import.row.negative_amount")),
    ({"Residuo": "2.000,00"}, ("outstanding", "import.row.outstanding_exceeds_amount")),
    ({"Data documento": "31/02/2025"}, ("invoice_date", "import.row.bad_date")),
    ({"Data scadenza": "2024-12-31"}, ("due_date", "import.row.due_before_issue")),
    ({"Tipo credito": "boh"}, ("claim_type", "import.row.bad_choice")),
    ({"Comune": "R" * 101}, ("municipality", "import.row.value_too_long")),
    ({"Codice Fiscale": "", "Indirizzo": ""}, ("tax_code", "import.row.missing_identity")),
    ({"Provincia": "OT", "CAP": "07026", "Comune": "Olbia"}, ("province", "import.row.province_abolished")),
    ({"CAP": ""}, ("address", "import.row.address_incomplete")),
]


def test_every_row_code_reaches_the_preview(run):
    rows = [_wide(**{"Codice cliente": "OK", "Nr. documento": "OK-1"})]
    for n, (changes, _) in enumerate(CASES):
        rows.append(_wide(**{"Codice cliente": f"R{n}", "Nr. documento": f"N{n}", **changes}))
    rows.append(_wide(**{"Codice cliente": "OK", "Nr. documento": "OK-1"}))  # duplicate of the first row
    rows.append(
        _wide(**{"Codice cliente": "OK", "Nr. documento": "OK-2", "Codice Fiscale": CF[2]})
    )  # conflict
    batch = run(("errori.csv", csv_bytes(*rows, headers=[*HEADERS, "IBAN", "document_type"])), commit=False)
    assert batch.status == "ready"
    got = {(e["code"], ex["field"], ex["row"]) for e in batch.preview["errors"] for ex in e["examples"]}
    expected = {(code, field, n + 3) for n, (_, (field, code)) in enumerate(CASES)}
    expected |= {
        ("import.row.duplicate", "invoice_number", len(CASES) + 3),
        ("import.row.debtor_conflict", "tax_code", len(CASES) + 4),
    }
    assert expected <= got
    codes = {e["code"]: e for e in batch.preview["errors"]}
    assert codes["import.row.province_abolished"]["severity"] == "warning"
    assert codes["import.row.bad_tax_code"]["message"] == (
        "Codice fiscale non valido: importato, identità del debitore da verificare."
    )
    # warnings keep their row: OK, the abolished province, the incomplete address and (issue 10) the bad tax
    # code, bad VAT number, bad CAP, unknown province, CAP of another province, due before issue: 9 new cases
    assert batch.preview["cases"]["new"] == 9
    # the error report carries every error next to the creditor's own row
    _name, data = __import__("recupero.imports.selectors", fromlist=["x"]).batch_report(batch, "csv")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:6] == ["riga", "campo", "codice", "messaggio", "valore", "gravità"]
    assert len(lines) == 1 + batch.preview["error_count"] + batch.preview["warning_count"]
    _, xlsx = __import__("recupero.imports.selectors", fromlist=["x"]).batch_report(batch, "xlsx")
    assert openpyxl.load_workbook(io.BytesIO(xlsx)).active.max_row == len(lines)


def _batch_rows(batch):
    return {
        "debtors": Debtor.objects.count(),
        "contacts": ContactPoint.objects.count(),
        "cases": Case.objects.count(),
        "claims": Claim.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "timeline": TimelineEvent.objects.count(),
        "reported": Claim.objects.filter(reported_outstanding__isnull=False).count(),
        "assignments": Assignment.objects.count(),
    }


def test_a_commit_killed_half_way_leaves_nothing_and_completes_when_run_again(run, monkeypatch):
    data = csv_bytes(
        row(),
        row(ref="C2", cf=CF[1], number="G-1"),
        row(ref="C3", cf="", vat=VAT[0], number="H-1", company="Alfa S.r.l."),
    )
    batch = run(("a.csv", data), commit=False)
    before = _batch_rows(batch)
    real = frames.write

    def dying(table, frame):
        count = real(table, frame)
        if table == "cases_case":
            raise RuntimeError("worker killed")
        return count

    monkeypatch.setattr(frames, "write", dying)
    with pytest.raises(RuntimeError):
        services.batch_commit(batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed" and "worker killed" in batch.error_message
    assert _batch_rows(batch) == before  # not one row of the batch exists
    monkeypatch.setattr(frames, "write", real)
    done = services.batch_commit(batch.pk)
    assert done.status == "committed"
    after = _batch_rows(done)
    assert {k: after[k] - before[k] for k in after} == {
        "debtors": 3,
        "contacts": 12,
        "cases": 3,
        "claims": 3,
        "ledger": 3,
        "timeline": 3,
        "reported": 3,
        "assignments": 1,
    }
    assert services.batch_commit(batch.pk).status == "committed"  # and once more: a no-op
    assert _batch_rows(done) == after


def test_commit_retry_from_committing(run):
    batch = run(("a.csv", csv_bytes(row())), commit=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status="committing")  # as left by a killed worker
    assert services.batch_commit(batch.pk).status == "committed"
    assert Case.objects.count() == 1


def test_discard(run, tenant, consultant):
    batch = run(("a.csv", csv_bytes(row())), commit=False)
    services.batch_discard(tenant=tenant, actor=consultant, batch=batch)
    assert batch.status == "discarded"
    with pytest.raises(Exception, match="Operazione non possibile"):
        services.batch_commit(batch.pk)
    assert Case.objects.count() == 0


def test_assignment_return_and_outcomes(run, tenant, consultant, tmp_path):
    from recupero.cases.services import case_transition
    from recupero.ledger.domain.accounts import Account, EntryKind
    from recupero.ledger.services import Line, entry_post

    run(
        (
            "a.csv",
            csv_bytes(row(), row(ref="C2", cf=CF[1], number="G-1"), row(ref="C3", cf=CF[2], number="K-1")),
        )
    )
    c1, c2, _c3 = (Case.objects.get(creditor_reference=r) for r in ("C1", "C2", "C3"))
    import datetime as dt

    entry_post(
        tenant=tenant,
        actor=system_actor(tenant),
        case=c1,
        kind=EntryKind.PAYMENT,
        posted_on=dt.date(2026, 2, 1),
        lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, Decimal("1000.00"))],
        summary="Incasso",
    )
    case_transition(
        tenant=tenant,
        actor=system_actor(tenant),
        case=c1,
        target=__import__("recupero.cases.domain.states", fromlist=["x"]).CaseStatus.PAID,
    )
    entry_post(
        tenant=tenant,
        actor=system_actor(tenant),
        case=c2,
        kind=EntryKind.PAYMENT,
        posted_on=dt.date(2026, 2, 3),
        lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, Decimal("250.50"))],
        summary="Incasso di 250.50 €",
    )
    assignment = c1.assignment
    result = services.assignment_return(
        tenant=tenant, actor=consultant, assignment=assignment, out_dir=tmp_path
    )
    assert (result.returned, result.cases) == (2, 3)
    c2.refresh_from_db()
    c1.refresh_from_db()
    assert (c1.status, c2.status) == ("paid", "returned") and c2.closed_on is not None
    assert (
        TimelineEvent.objects.filter(case=c2, kind="case.status", summary__contains="Restituita").count() == 1
    )
    assignment.refresh_from_db()
    assert assignment.status == "returned"
    lines = list(csv.reader(io.StringIO(result.csv_path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == [
        "riferimento pratica",
        "codice pratica",
        "debitore",
        "stato",
        "incassato",
        "residuo",
        "ultima azione",
        "data ultima azione",
        "note",
    ]
    by_ref = {line[0]: line for line in lines[1:]}
    assert by_ref["C1"][1:6] == [c1.code, "Rossi Mario", "Pagata", "1000,00", "0,00"]
    assert by_ref["C2"][3:7] == ["Restituita", "250,50", "749,50", "Incasso di 250.50 €"]
    assert by_ref["C2"][8] == "Restituita al committente: posizione non risolta"
    assert by_ref["C3"][3:6] == ["Restituita", "0,00", "1000,00"]
    assert openpyxl.load_workbook(result.xlsx_path).active.max_row == 4
    # again: nothing more changes
    again = services.assignment_return(
        tenant=tenant, actor=consultant, assignment=assignment, out_dir=tmp_path
    )
    assert again.returned == 0 and TimelineEvent.objects.filter(case=c2, kind="case.status").count() == 1


def test_cli_json_and_exit_codes(tenant, creditor, tmp_path, capsys):
    good = tmp_path / "affido.csv"
    good.write_bytes(csv_bytes(row(), row(ref="C2", cf="XX", number="G-1")))
    call_command(
        "import", str(good), "--creditor", "UTIL", "--assignment", "AFF-1", "--json", "--no-progress"
    )
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    # an unreadable code is a warning: the row is imported, its debtor's identity to verify
    assert (out["rows"], out["debtors_new"], out["cases_new"], out["claims_new"]) == (2, 2, 2, 2)
    assert out["errors"] == []
    assert out["warnings"] == [
        {"file": 0, "row": 3, "field": "tax_code", "code": "import.row.bad_tax_code", "value": "XX"}
    ]
    assert Case.objects.count() == 2
    assert Debtor.objects.get(other_tax_id="XX").identity_status == "to_verify"
    call_command("import", str(good), "--creditor", "UTIL", "--json", "--dry-run", "--no-progress")
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["status"] == "ready" and out["unchanged"]["cases"] == 2
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"PK\x03\x04broken")
    with pytest.raises(CommandError) as exc:
        call_command("import", str(bad), "--creditor", "UTIL", "--json", "--no-progress")
    assert exc.value.returncode == 2
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["refused"]["code"] == "import.zip_malformed"
    call_command("assignment-return", "AFF-1", "--creditor", "UTIL", "--out", str(tmp_path / "esiti"))
    assert (tmp_path / "esiti" / "esiti-AFF-1.csv").exists()
    assert set(Case.objects.values_list("status", flat=True)) == {"returned"}


def test_cli_commit_failure_exits_1(tenant, creditor, tmp_path, monkeypatch, capsys):
    good = tmp_path / "affido.csv"
    good.write_bytes(csv_bytes(row()))

    def broken(table, frame):
        raise RuntimeError("disco pieno")

    monkeypatch.setattr(frames, "write", broken)
    with pytest.raises(CommandError) as exc:
        call_command("import", str(good), "--creditor", "UTIL", "--json", "--no-progress")
    assert exc.value.returncode == 1
    assert Case.objects.count() == 0


def test_api_upload_progress_commit(client, tenant, creditor, consultant, django_capture_on_commit_callbacks):
    client.force_login(consultant)
    data = csv_bytes(row(), row(ref="C2", cf=CF[1], number="G-1"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/imports", {"files": [io.BytesIO(data)], "creditor": "UTIL", "assignment_code": "API-1"}
        )
    assert response.status_code == 201, response.content
    batch_id = response.json()["id"]
    body = client.get(f"/api/imports/{batch_id}").json()
    assert body["status"] == "ready" and body["preview"]["cases"]["new"] == 2
    assert body["progress"]["rows_done"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/imports/{batch_id}/commit")
    assert response.status_code == 202
    body = client.get(f"/api/imports/{batch_id}").json()
    assert body["status"] == "committed" and body["assignment_id"]
    assert client.get("/api/imports/999999").status_code == 404


def test_pages(client, tenant, creditor, consultant, django_capture_on_commit_callbacks):
    client.force_login(consultant)
    page = client.get("/importazioni/")
    assert page.status_code == 200 and "Nuovo affido" in page.content.decode()
    upload = io.BytesIO(csv_bytes(row(), row(ref="C2", cf="XX", number="G-1")))
    upload.name = "affido.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/importazioni/",
            {
                "creditor": creditor.pk,
                "files": upload,
                "assignment_code": "WEB-1",
                "received_on": "2026-01-10",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = client.get(response["Location"]).content.decode()
    assert "Anteprima" in detail and "import.row.bad_tax_code" in detail and "Conferma" in detail
    batch = ImportBatch.objects.get()
    assert client.get(f"/importazioni/{batch.pk}/errori.xlsx").status_code == 200
    assert client.get(f"/importazioni/{batch.pk}/mappatura/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/importazioni/{batch.pk}/conferma/")
    detail = client.get(f"/importazioni/{batch.pk}/").content.decode()
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert f"/pratiche/?assignment={batch.assignment_id}" in detail.replace("&amp;", "&")


def _indexes() -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        return {name for (name,) in cursor.fetchall()}


def test_a_big_load_rebuilds_the_indexes_it_drops_and_a_killed_one_keeps_them(run, monkeypatch):
    """BIG_LOAD lowered to 1 row: every table the commit fills takes the drop-and-rebuild path (SQLite)."""
    monkeypatch.setattr(frames, "BIG_LOAD", 1)
    data = csv_bytes(row(), row(ref="C2", cf=CF[1], number="G-1"), row(ref="C2", cf=CF[1], number="G-2"))
    batch = run(("a.csv", data), commit=False)
    indexes = _indexes()
    real = frames.write

    def dying(table, frame):
        count = real(table, frame)
        if table == "ledger_ledgerentry":
            raise RuntimeError("worker killed")
        return count

    monkeypatch.setattr(frames, "write", dying)
    with pytest.raises(RuntimeError):
        services.batch_commit(batch.pk)
    assert _indexes() == indexes and Case.objects.count() == 0
    monkeypatch.setattr(frames, "write", real)
    assert services.batch_commit(batch.pk).status == "committed"
    assert _indexes() == indexes
    assert (Case.objects.count(), Claim.objects.count(), LedgerEntry.objects.count()) == (2, 3, 3)
    assert sorted(Case.objects.values_list("code", flat=True)) == ["P00000018", "P00000026"]
