"""Audited reads (one row per request, from the selectors' audit_shown calls) and the auditor's pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from recupero.core.domain.roles import Role
from recupero.core.models import AuditLog, AuditSubject
from recupero.core.permissions import system_actor
from recupero.core.services import audit_record, user_create
from recupero.web.tests.factories import CF_ROSSI, PASSWORD

pytestmark = pytest.mark.django_db


def _views():
    return AuditLog.objects.filter(action="debtor.view").order_by("seq")


def _auditor(world):
    return user_create(
        tenant=world.tenant,
        actor=system_actor(world.tenant),
        username="revisore",
        password=PASSWORD,
        role=Role.AUDITOR,
    )


# ---------------------------------------------------------------- one row per request


def test_creditor_users_case_list_writes_one_row_listing_its_three_debtors(login, world):
    c = world.cases
    shown = [c["ferro_tel"], c["verdi_tel"], c["rossi_tel"]]
    response = login(world.users["telco_user"]).get(reverse("backoffice:case_list"), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    row = _views().get()
    debtors = sorted(k.debtor_id for k in shown)
    cases = sorted(k.pk for k in shown)
    assert (row.actor, row.ip, row.object_type, row.object_id) == (
        world.users["telco_user"],
        "10.1.2.3",
        "parties.debtor",
        "",
    )
    assert row.details == {
        "method": "GET",
        "path": "/pratiche/",
        "debtors": debtors,
        "cases": cases,
        "n_debtors": 3,
        "n_cases": 3,
    }
    subjects = AuditSubject.objects.filter(log=row)
    assert sorted(s.debtor_id for s in subjects if s.debtor_id) == debtors
    assert sorted(s.case_id for s in subjects if s.case_id) == cases


def test_creditor_users_search_and_api_list_each_write_one_row(login, world):
    client = login(world.users["energia_user"])
    client.get(reverse("backoffice:case_list"), {"q": CF_ROSSI})
    client.get("/api/cases", {"q": CF_ROSSI})
    rows = list(_views())
    rossi = world.cases["rossi_ene"]
    assert [(r.details["path"], r.details["debtors"], r.details["cases"]) for r in rows] == [
        (f"/pratiche/?q={CF_ROSSI}", [rossi.debtor_id], [rossi.pk]),
        (f"/api/cases?q={CF_ROSSI}", [rossi.debtor_id], [rossi.pk]),
    ]


def test_api_detail_of_a_case_writes_one_row(login, world):
    case = world.cases["rossi_ene"]
    login(world.users["energia_user"]).get(f"/api/cases/{case.pk}")
    row = _views().get()
    assert (row.details["path"], row.details["cases"], row.object_id) == (
        f"/api/cases/{case.pk}",
        [case.pk],
        str(case.debtor_id),
    )


def test_a_collectors_case_page_writes_one_row(login, world):
    case = world.cases["ferro_tel"]
    login(world.users["collector"]).get(reverse("backoffice:case_detail", args=[case.pk]))
    row = _views().get()
    assert (row.actor, row.details["debtors"], row.details["cases"]) == (
        world.users["collector"],
        [case.debtor_id],
        [case.pk],
    )


def test_an_agency_users_list_writes_no_row_but_a_failed_request_writes_none_either(login, world):
    client = login(world.users["collector"])
    assert client.get(reverse("backoffice:case_list")).status_code == 200
    assert client.get(reverse("backoffice:case_detail", args=[world.other_case.pk])).status_code == 404
    telco = login(world.users["telco_user"])
    assert telco.get(reverse("backoffice:case_detail", args=[world.cases["rossi_ene"].pk])).status_code == 404
    assert telco.get("/api/cases/999999").status_code == 404
    assert not _views().exists()


def test_an_empty_result_writes_no_row(login, world):
    login(world.users["telco_user"]).get(reverse("backoffice:case_list"), {"q": "Nessunoconquestonome"})
    assert not _views().exists()


# ---------------------------------------------------------------- the auditor's page


def test_auditor_page_lists_rows_newest_first_with_the_chain_status(login, world):
    login(world.users["telco_user"]).get(reverse("backoffice:case_list"))
    auditor = _auditor(world)
    response = login(auditor).get(reverse("backoffice:audit_log"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-chain="ok"' in html and "Catena integra" in html
    newest = AuditLog.objects.filter(tenant=world.tenant).order_by("-seq").first()
    assert html.index(f'data-seq="{newest.seq}"') < html.index('data-seq="1"')
    assert world.cases["ferro_tel"].code in html  # case codes of the view row
    assert 'href="/audit/"' in html  # in the navigation


@pytest.mark.parametrize("role", ["collector", "energia_user", "lawyer", "consultant"])
def test_only_audit_roles_open_the_audit_pages(login, world, role):
    client = login(world.users[role])
    for name in ("backoffice:audit_log", "backoffice:audit_export", "backoffice:affairs_register"):
        assert client.get(reverse(name)).status_code == 403
    assert 'href="/audit/"' not in client.get(reverse("backoffice:home")).content.decode()


def test_auditor_searches_by_debtor_case_user_action_and_date(login, world):
    energia, telco = world.users["energia_user"], world.users["telco_user"]
    login(energia).get(reverse("backoffice:case_detail", args=[world.cases["rossi_ene"].pk]))
    login(telco).get(reverse("backoffice:case_detail", args=[world.cases["verdi_tel"].pk]))
    client = login(_auditor(world))

    def seqs(**query):
        html = client.get(reverse("backoffice:audit_log"), query).content.decode()
        rows = AuditLog.objects.filter(tenant=world.tenant).order_by("-seq")
        return [r.seq for r in rows if f'data-seq="{r.seq}"' in html]

    views = list(_views())
    assert seqs(azione="debtor.view") == [views[1].seq, views[0].seq]
    assert seqs(azione="debtor.view", utente=str(telco.pk)) == [views[1].seq]
    assert seqs(azione="debtor.view", debitore="Verdi") == [views[1].seq]
    assert seqs(azione="debtor.view", debitore=CF_ROSSI) == [views[0].seq]
    assert seqs(azione="debtor.view", pratica=world.cases["rossi_ene"].code) == [views[0].seq]
    assert seqs(azione="debtor.view", debitore="Nessuno") == []
    today = dt.date.today()
    assert seqs(azione="debtor.view", dal=str(today), al=str(today)) == [views[1].seq, views[0].seq]
    assert seqs(azione="debtor.view", al=str(today - dt.timedelta(days=1))) == []


def test_keyset_pages_of_fifty(login, world):
    for i in range(60):
        audit_record(tenant=world.tenant, actor=None, action="test.page", object_type="x", object_id=str(i))
    client = login(_auditor(world))
    first = client.get(reverse("backoffice:audit_log"), {"azione": "test.page"}).content.decode()
    rows = list(AuditLog.objects.filter(action="test.page").order_by("-seq"))
    assert first.count('<tr data-seq="') == 50
    cursor = rows[49].seq
    assert f"prima={cursor}" in first
    second = client.get(
        reverse("backoffice:audit_log"), {"azione": "test.page", "prima": cursor}
    ).content.decode()
    assert second.count('<tr data-seq="') == 10 and f'data-seq="{rows[50].seq}"' in second


def test_broken_chain_is_shown_on_the_page(login, world):
    from django.db import connection

    from recupero.core.maintenance import unlocked

    row = AuditLog.objects.filter(tenant=world.tenant).order_by("seq")[2]
    with unlocked("test"), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET action = 'forged' WHERE id = %s", [row.pk])
    html = login(_auditor(world)).get(reverse("backoffice:audit_log")).content.decode()
    assert 'data-chain="broken"' in html
    assert f"Catena alterata alla riga n. {row.seq}: il contenuto non corrisponde alla sua impronta" in html


def test_export_csv_and_xlsx_defuse_formula_cells(login, world):
    audit_record(
        tenant=world.tenant, actor=None, action="test.export", object_type="x", object_id="=HYPERLINK(1)"
    )
    client = login(_auditor(world))
    response = client.get(reverse("backoffice:audit_export"), {"azione": "test.export", "formato": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["N.", "Data e ora", "Utente"] and len(rows) == 2
    assert (rows[1][2], rows[1][5], rows[1][7]) == ("sistema", "test.export", "'=HYPERLINK(1)")
    response = client.get(reverse("backoffice:audit_export"), {"azione": "test.export", "formato": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert len(values) == 2 and values[1][7] == "'=HYPERLINK(1)" and values[1][5] == "test.export"


# ---------------------------------------------------------------- register (art. 115 TULPS)


def test_register_lists_assignments_payments_and_closures_numbered(login, world):
    day = dt.date.today()
    html = (
        login(_auditor(world))
        .get(reverse("backoffice:affairs_register"), {"dal": "2000-01-01", "al": str(day)})
        .content.decode()
    )
    from recupero.ledger.register import register_lines

    lines = register_lines(tenant=world.tenant, actor=_first_admin(world), start=dt.date(2000, 1, 1), end=day)
    opened = [ln for ln in lines if ln.operation.startswith("Affido ricevuto")]
    payments = [ln for ln in lines if ln.operation == "Incasso"]
    assert len(opened) == 5 and [ln.n for ln in lines] == list(range(1, len(lines) + 1))
    rossi = next(ln for ln in opened if ln.case_code == world.cases["rossi_ene"].code)
    assert (rossi.creditor, rossi.debtor, rossi.tax_code, rossi.amount, rossi.operation) == (
        "Energia Nord S.p.A.",
        "Rossi Mario",
        CF_ROSSI,
        Decimal("1234.56"),
        "Affido ricevuto (ENE-2025-03)",
    )
    assert [(p.case_code, p.amount) for p in payments] == [(world.cases["rossi_ene"].code, Decimal("234.56"))]
    assert "Registro giornale degli affari" in html and "1.234,56" in html and "234,56" in html
    # A later period continues the numbering.
    tomorrow = day + dt.timedelta(days=1)
    later = register_lines(tenant=world.tenant, actor=_first_admin(world), start=tomorrow, end=tomorrow)
    assert later == []


def test_register_refuses_a_reversed_period(login, world):
    response = login(_auditor(world)).get(
        reverse("backoffice:affairs_register"), {"dal": "2026-02-01", "al": "2026-01-01"}
    )
    assert response.status_code == 422
    assert "la data di fine precede la data di inizio" in response.content.decode()


def _first_admin(world):
    return world.users["admin"]
