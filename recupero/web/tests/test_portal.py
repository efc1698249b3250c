"""The creditor portal's home and the agency's reports: exact figures, exports with neutralised cells, scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.payments.services import payment_record
from recupero.reporting.services import snapshot_build
from tests.factories import (
    TAX_CODES,
    make_assignment,
    make_case,
    make_creditor,
    make_debtor,
    make_tenant,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    tenant = make_tenant()
    acme, beta = make_creditor(tenant, "ACME"), make_creditor(tenant, "BETA", vat="02182030391")
    a1 = make_assignment(tenant, acme, "=HYPERLINK(1)")  # a hostile code: exported as text
    c1 = make_case(tenant, acme, make_debtor(tenant, TAX_CODES[0]), assignment=a1, amounts=("1000.00",))
    make_case(tenant, beta, make_debtor(tenant, TAX_CODES[1], last_name="Bianchi"), amounts=("400.00",))
    for amount, on in (("250.00", dt.date(2026, 2, 10)), ("150.00", dt.date(2026, 4, 2))):
        payment_record(
            tenant=tenant,
            actor=system_actor(tenant),
            case=c1,
            amount=Decimal(amount),
            value_date=on,
            method="bank_transfer",
        )
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=dt.date(2026, 3, 31))
    return tenant, acme, beta, a1


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_portal_home_shows_the_creditors_figures(portfolio):
    tenant, acme, _beta, a1 = portfolio
    user = make_user(tenant, Role.CREDITOR_USER, creditor=acme, username="acme1")
    response = _client(user).get("/portale/")
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.totals.assigned, page.totals.collected_total, page.rate) == (
        Decimal("1000.00"),
        Decimal("400.00"),
        Decimal("40.0"),
    )
    assert [line.code for line in page.lines] == [a1.code]
    # Affido 10/01/2026: January 0 %, February 25 %, March 25 %, April 40 % …
    assert page.lines[0].curve[:4] == [Decimal("0.0"), Decimal("25.0"), Decimal("25.0"), Decimal("40.0")]
    assert page.average[:4] == page.lines[0].curve[:4]
    assert page.totals.average_days_to_first_payment == Decimal("31.0")
    body = response.content.decode()
    assert "400,00 €" in body and "Committente BETA" not in body
    assert "vendor/chart.umd.min.js" in body and "cdn" not in body.lower()


def test_the_portal_exports_its_tables_with_formulas_neutralised(portfolio):
    tenant, acme, _beta, _a1 = portfolio
    user = make_user(tenant, Role.CREDITOR_USER, creditor=acme, username="acme1")
    response = _client(user).get("/portale/esporta/affidi.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][3:6] == (1, 1000, 400)
    csv = _client(user).get("/portale/esporta/curva.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[2].startswith("Mese 2;25.0;25.0")
    assert _client(user).get("/portale/esporta/altro.xlsx").status_code == 404


def test_the_agency_reports_add_up_and_are_refused_to_collectors(portfolio):
    tenant, _acme, _beta, _a1 = portfolio
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    response = _client(supervisor).get("/report/")
    assert response.status_code == 200
    tables = response.context["page"].tables
    assert sorted(row[3] for row in tables["committenti"].rows) == [Decimal("0.00"), Decimal("400.00")]
    assert [row[1:] for row in tables["anzianita"].rows if row[1]] == [[2, Decimal("1021.27")]]
    export = _client(supervisor).get("/report/esporta/committenti.csv")
    assert export.status_code == 200 and "Committente ACME;1;1000.00;400.00;40.0" in export.content.decode()
    assert _client(make_user(tenant, Role.COLLECTOR, username="luca")).get("/report/").status_code == 403
