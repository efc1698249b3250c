"""Issue 10: a newcomer's file without a case reference imports whole, doubtful rows flagged, never refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from recupero.cases.models import Case, Claim
from recupero.parties.models import ContactPoint, Debtor

pytestmark = pytest.mark.django_db

NEWCOMER = Path(__file__).parent / "data" / "newcomer.csv"


def _codes(batch):
    return {g["code"]: g["count"] for g in batch.preview["errors"]}


def test_newcomer_csv_imports_all_twenty_rows(run):
    batch = run(("nuovi_clienti.csv", NEWCOMER.read_bytes()), commit=False)
    assert batch.status == "ready", batch.error_message
    preview = batch.preview
    assert preview["rows"] == 20
    assert preview["rows_rejected"] == 0
    assert _codes(batch) == {
        "import.row.bad_tax_code": 2,
        "import.row.due_before_issue": 1,
    }
    assert {n["code"] for n in preview["notices"]} == {"import.case_reference_derived"}
    assert preview["cases"]["new"] == 19 and preview["claims"]["new"] == 20
    from recupero.imports import services

    batch = services.batch_commit(batch.pk)
    assert batch.status == "committed"
    assert Claim.objects.count() == 20
    assert Case.objects.count() == 19
    rossi = Case.objects.get(debtor__tax_code="RSSMRA85T10A562S")
    assert rossi.creditor_reference == "AFF-2026-01/RSSMRA85T10A562S"
    assert rossi.balance == Decimal("208.57")
    to_verify = Debtor.objects.filter(identity_status="to_verify")
    assert sorted(d.tax_code for d in to_verify) == ["01114601007", "NREFNC65A01H501X"]
    foreign = Debtor.objects.get(other_tax_id="DE136695976")
    assert (foreign.country, foreign.tax_code, foreign.vat_number, foreign.kind) == ("DE", "", "", "company")
    address = ContactPoint.objects.get(debtor=foreign, kind="address")
    assert (address.country, address.cap, address.municipality, address.province, address.status) == (
        "DE",
        "",
        "10115 Berlin",
        "",
        "unverified",
    )
    # 00100, Rome's generic CAP, is one of RM's (ISTAT list): a good address
    rome = ContactPoint.objects.get(kind="address", cap="00100")
    assert (rome.status, rome.country) == ("unverified", "IT")
    assert ContactPoint.objects.filter(kind="address", status="to_verify").count() == 0
    late = Claim.objects.get(invoice_number="118/2025")
    assert (late.issued_on.isoformat(), late.due_on.isoformat()) == ("2025-03-18", "2025-02-18")


def test_newcomer_csv_twice_changes_nothing(run):
    run(("nuovi_clienti.csv", NEWCOMER.read_bytes()))
    again = run(("nuovi_clienti.csv", NEWCOMER.read_bytes()))
    assert again.status == "committed"
    assert again.result["cases"]["new"] == 0 and again.result["debtors"]["new"] == 0
    assert again.result["claims"]["new"] == 0
    assert Debtor.objects.count() == 19 and Case.objects.count() == 19


def test_a_batch_with_nothing_to_write_cannot_be_confirmed(run, tenant, consultant, client):
    from recupero.core.errors import DomainError
    from recupero.imports import services
    from recupero.imports.tests.conftest import csv_bytes, row

    # every row refused: no amount
    data = csv_bytes(row(amount="", outstanding=""), row(ref="C2", number="F-2", amount="", outstanding=""))
    batch = run(("vuoto.csv", data), commit=False)
    assert (batch.status, batch.preview["rows_rejected"], batch.has_writes) == ("ready", 2, False)
    with pytest.raises(DomainError) as exc:
        services.batch_request_commit(tenant=tenant, actor=consultant, batch=batch)
    assert exc.value.code == "import.nothing_to_write"
    batch.refresh_from_db()
    assert (batch.status, batch.phase) == ("ready", "anteprima pronta")
    client.force_login(consultant)
    page = client.get(f"/importazioni/{batch.pk}/").content.decode()
    assert 'id="btn-commit"' not in page and 'id="nothing-to-write"' in page
    listing = client.get("/importazioni/").content.decode()
    assert "0 accettate, 2 scartate" in listing


def test_the_commit_page_polls_until_the_commit_ends(run, consultant, client, tenant):
    from recupero.imports import services

    batch = run(("nuovi_clienti.csv", NEWCOMER.read_bytes()), commit=False)
    client.force_login(consultant)
    client.post(f"/importazioni/{batch.pk}/conferma/")  # the task is not run: the commit waits in the queue
    batch.refresh_from_db()
    assert (batch.status, batch.phase) == ("ready", "importazione in coda")
    panel = client.get(f"/importazioni/{batch.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in panel and 'id="btn-commit"' not in panel
    services.batch_commit(batch.pk)
    panel = client.get(f"/importazioni/{batch.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' not in panel and "Importato il" in panel
    assert "20 accettate, 0 scartate" in client.get("/importazioni/").content.decode()


def test_the_mapping_page_names_what_is_required_and_what_stands_in(run, consultant, client):
    batch = run(("nuovi_clienti.csv", NEWCOMER.read_bytes()), commit=False)
    client.force_login(consultant)
    page = client.get(f"/importazioni/{batch.pk}/mappatura/").content.decode()
    table = page[page.index('id="requirements"') :]
    table = table[: table.index("</table>")]
    assert "<td>Importo</td><td>sì</td>" in table
    # no case reference column in the newcomer's file: the stand-in is said, before anything is written
    assert (
        '<td>Riferimento pratica</td><td>no</td><td class="mono"><span class="muted">assente</span></td>'
        '<td class="small">una pratica per debitore in questo affido' in table
    )
    assert Case.objects.count() == 0


def test_the_import_form_offers_only_the_creditors_one_may_import_for(tenant, creditor, consultant, client):
    from tests.factories import make_creditor

    other = make_creditor(tenant, "TELCO", vat="00488410010")
    client.force_login(consultant)
    page = client.get("/importazioni/").content.decode()
    assert f'<option value="{creditor.pk}">' in page
    assert f'<option value="{other.pk}">' not in page
