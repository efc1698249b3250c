"""Rates in the back office: the administrators' page (list, add, refusals), the dashboard's missing-rate notice
from the 15th day, and the case page / API figures before and after a rate is added (issue 10 finding)."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.models import InterestRate
from recupero.ledger.services import Line, entry_post
from tests.factories import make_company_case, make_user

pytestmark = pytest.mark.django_db
RATES = reverse("backoffice:rate_list")
HOME = reverse("backoffice:home")
GU = "Comunicato MEF in Gazzetta Ufficiale, GU n.160 del 12/7/2026"
ADD = {"kind": "ecb", "valid_from": "01/07/2026", "rate": "2,15", "source": GU}


def at(day: dt.date, hour: int = 10):
    """Italian wall-clock time on `day` (the clock of the product is Europe/Rome)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False)


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def _paid_before_and_after(tenant, creditor):
    case = make_company_case(tenant, creditor)
    for on, amount in ((dt.date(2026, 5, 1), "2000.00"), (dt.date(2026, 9, 15), "1500.00")):
        entry_post(
            tenant=tenant,
            actor=system_actor(tenant),
            case=case,
            kind=EntryKind.PAYMENT,
            posted_on=on,
            lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, Decimal(amount))],
        )
    return case


# ------------------------------------------------------------------ the rates page


def test_admin_lists_the_seeded_rates(login, admin_user):
    page = text(login(admin_user).get(RATES))
    assert "Tasso di riferimento BCE" in page and "GU n.15 del 20/1/2026" in page
    assert page.count("<tr>") == 1 + 44  # header + 27 half-years (2013-2026 H1) + 17 years (2010-2026)


def test_admin_adds_a_rate(login, admin_user):
    client = login(admin_user)
    response = client.post(RATES, ADD)
    assert response.status_code == 302
    row = InterestRate.objects.get(kind="ecb", valid_from=dt.date(2026, 7, 1))
    assert (row.valid_to, row.rate, row.source, row.created_by) == (
        dt.date(2026, 12, 31),
        Decimal("2.1500"),
        GU,
        admin_user,
    )
    page = text(client.get(RATES))
    assert "Aggiunto: Tasso di riferimento BCE del 2º semestre 2026, 2,15%. In uso da subito." in page
    assert "boss" in page


@pytest.mark.parametrize(
    ("field", "value", "code", "message"),
    [
        ("valid_from", "02/07/2026", "law.rate_bad_start", "deve decorrere dal 1º gennaio o dal 1º luglio"),
        ("valid_from", "01/01/2026", "law.rate_duplicate", "1º semestre 2026 è già presente"),
        ("valid_from", "01/01/2027", "law.rate_not_next", "2º semestre 2026 (dal 01/07/2026)"),
        ("valid_from", "31/02/2026", "law.bad_date", "Data non valida"),
        ("rate", "2,1234", "law.bad_rate", "al massimo 3 decimali"),
        ("rate", "due", "law.bad_rate", "Tasso non valido"),
    ],
)
def test_a_refused_rate_keeps_the_typed_values_and_says_why(login, admin_user, field, value, code, message):
    before = InterestRate.objects.count()
    response = login(admin_user).post(RATES, {**ADD, field: value})
    page = text(response)
    assert response.status_code == 422
    assert f"[{code}]" in page and message in page
    assert f'value="{value}"' in page and f'value="{GU}"' in page
    assert InterestRate.objects.count() == before


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CONSULTANT, Role.COLLECTOR, Role.AUDITOR])
def test_only_administrators_see_the_rates_page(login, tenant, role):
    client = login(make_user(tenant, role, username=f"k{role.value[:3]}9"))
    assert client.get(RATES).status_code == 403
    assert client.post(RATES, ADD).status_code == 403
    assert not InterestRate.objects.filter(valid_from=dt.date(2026, 7, 1)).exists()
    assert RATES not in client.get(HOME).content.decode()


# ------------------------------------------------------------------ the dashboard


@pytest.mark.parametrize(
    ("day", "shown"),
    [(dt.date(2026, 7, 14), False), (dt.date(2026, 7, 15), True), (dt.date(2026, 12, 3), True)],
)
def test_dashboard_says_which_rate_is_missing_from_the_15th_day(login, admin_user, day, shown):
    with at(day):
        page = text(login(admin_user).get(HOME))
    notice = "Tasso di riferimento BCE del 2º semestre 2026 (dal 01/07/2026)"
    assert (notice in page) is shown
    assert ("Aggiungi il tasso" in page) is shown


def test_supervisor_is_told_and_a_consultant_is_not(login, tenant):
    with at(dt.date(2026, 7, 15)):
        supervisor = text(login(make_user(tenant, Role.SUPERVISOR, username="ksup9")).get(HOME))
        consultant = text(login(make_user(tenant, Role.CONSULTANT)).get(HOME))
    assert "2º semestre 2026" in supervisor and "Chieda a un amministratore" in supervisor
    assert "Tassi non pubblicati" not in consultant


def test_dashboard_notice_goes_once_the_rate_is_added(login, admin_user):
    client = login(admin_user)
    with at(dt.date(2026, 7, 20)):
        assert "Tassi non pubblicati" in text(client.get(HOME))
        client.post(RATES, ADD)
        assert "Tassi non pubblicati" not in text(client.get(HOME))


# ------------------------------------------------------------------ case page and API: the finding


def test_case_page_deducts_every_payment_warns_and_uses_an_added_rate(login, admin_user, creditor):
    case = _paid_before_and_after(admin_user.tenant, creditor)
    client = login(admin_user)
    url = reverse("backoffice:case_detail", args=[case.pk])
    with at(dt.date(2026, 11, 22)):
        before = client.get(url)
        # 10000 + 3721.48 interest to 30/06 + €40 − 3500.00 paid (before and after 30/06) = 10261.48;
        # the finding: 11.761,48 (the 1,500.00 of 15/09 listed but not deducted)
        head = re.search(r'class="card kpi head-kpi">(.*?)</div>', text(before)).group(1)
        assert "10.261,48 €" in head and "11.761,48" not in text(before)
        assert "Calcolo al 30/06/2026" in head
        assert "Tasso di riferimento BCE del 2º semestre 2026 non ancora pubblicato" in head
        assert client.post(RATES, ADD).status_code == 302
        after = text(client.get(url))
    # through 22/11/2026 at 10.15%: 10000 + 4124.70 − 3460.00 interest paid = 10664.70; no warning any more
    head = re.search(r'class="card kpi head-kpi">(.*?)</div>', after).group(1)
    assert "10.664,70 €" in head and "non ancora pubblicato" not in after
    assert "Calcolo al 22/11/2026" in after


def test_api_position_carries_the_same_figure_and_warning(login, admin_user, creditor):
    case = _paid_before_and_after(admin_user.tenant, creditor)
    client = login(admin_user)
    with at(dt.date(2026, 11, 22)):
        data = client.get(f"/api/cases/{case.pk}").json()
    position = data["position"]
    assert (position["requested_until"], position["computed_until"]) == ("2026-11-22", "2026-06-30")
    assert (Decimal(position["total_due"]), Decimal(position["payments"])) == (
        Decimal("10261.48"),
        Decimal("3500.00"),
    )
    assert position["rate_warning"].startswith("Tasso di riferimento BCE del 2º semestre 2026 non ancora")
    assert data["position_error"] == ""
    with at(dt.date(2026, 11, 22)):
        client.post(RATES, ADD)
        after = client.get(f"/api/cases/{case.pk}").json()["position"]
    assert (after["computed_until"], Decimal(after["total_due"]), after["rate_warning"]) == (
        "2026-11-22",
        Decimal("10664.70"),
        "",
    )
