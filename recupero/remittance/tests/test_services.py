"""Remittances on the database: exact figures, exactly once, the lock, late reversals, direct payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from recupero.cases.domain.states import CaseStatus
from recupero.cases.services import case_transition
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.remittance.models import Remittance, RemittanceLine
from recupero.remittance.services import remittance_build, remittance_issue
from recupero.remittance.tests.world import AGENCY_IBAN, PAYOUT_IBAN, pay, ready, reverse
from tests.factories import TAX_CODES, make_case, make_creditor, make_debtor, make_user

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 31)
APRIL = dt.date(2026, 4, 30)


@pytest.fixture
def books(tenant, creditor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ready(tenant, creditor)
    a = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("500.00",))
    b = make_case(
        tenant, creditor, make_debtor(tenant, TAX_CODES[1], last_name="Bianchi"), amounts=("300.00",)
    )
    return a, b


def issue(tenant, creditor, until):
    return remittance_issue(tenant=tenant, actor=system_actor(tenant), creditor=creditor, until=until)


def test_build_gives_the_figures_to_the_cent_and_writes_nothing(tenant, creditor, books):
    a, b = books
    pay(a, dt.date(2026, 3, 5), "200.00")
    pay(b, dt.date(2026, 3, 9), "100.00", costs="33.33")
    pay(a, dt.date(2026, 4, 2), "50.00")  # after the period
    draft = remittance_build(tenant=tenant, actor=system_actor(tenant), creditor=creditor, until=MARCH)
    assert draft.payments == 2
    assert draft.collected == D("333.33")
    # 15 % of 200.00 = 30.00 (VAT 6.60); 15 % of 133.33 = 19.9995 → 20.00 (VAT 4.40)
    assert draft.total("commission") == D("50.00")
    assert draft.total("vat") == D("11.00")
    assert draft.net == D("272.33")
    assert RemittanceLine.objects.count() == 0 and Remittance.objects.count() == 0


def test_issue_locks_the_period_and_a_payment_is_remitted_exactly_once(tenant, creditor, books):
    a, b = books
    pay(a, dt.date(2026, 3, 5), "200.00")
    pay(b, dt.date(2026, 3, 9), "100.00")
    first = issue(tenant, creditor, MARCH)
    assert first is not None and first.status == "ready"
    assert (first.number, first.payments, first.collected, first.commission, first.vat, first.net) == (
        f"{dt.date.today().year}/0001", 2, D("300.00"), D("45.00"), D("9.90"), D("245.10"),
    )  # fmt: skip
    assert (first.payout_iban, first.agency_iban) == (PAYOUT_IBAN, AGENCY_IBAN)
    assert issue(tenant, creditor, MARCH) is None  # nothing left: the same payments never twice
    pay(a, dt.date(2026, 4, 2), "50.00")
    second = issue(tenant, creditor, APRIL)
    assert (second.payments, second.collected, second.commission) == (1, D("50.00"), D("7.50"))
    assert RemittanceLine.objects.count() == 3
    assert len(set(RemittanceLine.objects.values_list("key", flat=True))) == 3


def test_a_late_reversal_is_a_negative_line_in_the_next_period(tenant, creditor, books):
    a, _ = books
    entries = pay(a, dt.date(2026, 3, 5), "200.00", interest="20.00")
    first = issue(tenant, creditor, MARCH)
    assert (first.collected, first.commission, first.vat, first.net) == (
        D("220.00"),
        D("33.00"),
        D("7.26"),
        D("179.74"),
    )
    reverse(entries)  # the cheque bounced after the remittance
    pay(a, dt.date(2026, 4, 10), "100.00")
    second = issue(tenant, creditor, APRIL)
    reversals = list(second.lines.filter(kind="reversal").order_by("collected"))
    assert len(reversals) == 2  # entry_reverse: one reversal group per entry reversed
    totals = [
        sum(getattr(line, f) for line in reversals) for f in ("collected", "commission", "vat", "remitted")
    ]
    assert totals == [D("-220.00"), D("-33.00"), D("-7.26"), D("-179.74")]
    # principal 200 of 220: 30.00 of the commission, the interest's line takes the rest (3.00)
    assert [(line.collected, line.commission) for line in reversals] == [
        (D("-200.00"), D("-30.00")),
        (D("-20.00"), D("-3.00")),
    ]
    assert (second.collected, second.commission, second.vat, second.net) == (
        D("-120.00"), D("-18.00"), D("-3.96"), D("-98.04"),
    )  # fmt: skip
    assert second.transfer.name == ""  # nothing to transfer: the creditor owes us this time
    assert second.invoice.name.endswith(".xml")  # a credit note (TD04)
    assert issue(tenant, creditor, APRIL) is None


def test_a_reversal_in_the_same_period_nets_to_zero(tenant, creditor, books):
    a, b = books
    reverse(pay(a, dt.date(2026, 3, 5), "200.00"))
    pay(b, dt.date(2026, 3, 9), "100.00")
    r = issue(tenant, creditor, MARCH)
    assert (r.payments, r.collected, r.commission, r.vat, r.net) == (
        2,
        D("100.00"),
        D("15.00"),
        D("3.30"),
        D("81.70"),
    )


def test_direct_payments_commission_is_to_invoice(tenant, creditor, books):
    a, b = books
    pay(a, dt.date(2026, 3, 5), "200.00", direct=True)
    pay(b, dt.date(2026, 3, 9), "100.00")
    r = issue(tenant, creditor, MARCH)
    # direct: 30.00 + 6.60 to invoice; the creditor holds the 200.00; agency: 100 - 15 - 3.30
    assert (r.collected, r.commission, r.vat, r.held, r.net, r.to_invoice) == (
        D("300.00"), D("45.00"), D("9.90"), D("200.00"), D("81.70"), D("36.60"),
    )  # fmt: skip
    assert r.collected == r.net - r.to_invoice + r.commission + r.vat + r.held


def test_interest_kept_and_principal_only_base(tenant, creditor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ready(tenant, creditor, base="principal", keep_interest=True, minimum_per_case=D("0"))
    a = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("500.00",))
    pay(a, dt.date(2026, 3, 5), "100.00", interest="12.34", costs="40.00")
    r = issue(tenant, creditor, MARCH)
    assert (r.collected, r.commission, r.vat, r.held, r.net) == (
        D("152.34"),
        D("15.00"),
        D("3.30"),
        D("12.34"),
        D("121.70"),
    )


def test_minimum_per_case_and_legal_phase(tenant, creditor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ready(tenant, creditor, minimum_per_case=D("25.00"))
    plain = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("500.00",))
    legal = make_case(
        tenant, creditor, make_debtor(tenant, TAX_CODES[1], last_name="Neri"), amounts=("500.00",)
    )
    case_transition(tenant=tenant, actor=system_actor(tenant), case=legal, target=CaseStatus.LEGAL)
    pay(plain, dt.date(2026, 3, 5), "60.00")
    pay(legal, dt.date(2026, 3, 5), "60.00")
    pay(legal, dt.date(2026, 3, 6), "200.00")
    r = issue(tenant, creditor, MARCH)
    rows = sorted(r.lines.values_list("case__code", "kind", "commission"))
    # out of court: 15 % of 60 = 9.00, topped up to 25.00; legal: 20 % of 60 + 20 % of 200 = 52.00, no top-up
    assert [(k, c) for code, k, c in rows if code == plain.code] == [
        ("minimum", D("16.00")),
        ("payment", D("9.00")),
    ]
    assert [(k, c) for code, k, c in rows if code == legal.code] == [
        ("payment", D("12.00")),
        ("payment", D("40.00")),
    ]
    assert (r.commission, r.vat) == (D("77.00"), D("16.94"))
    # a later payment on the topped-up case: the minimum already reached, the next line takes back nothing
    pay(plain, dt.date(2026, 4, 5), "100.00")
    r2 = issue(tenant, creditor, APRIL)
    # cumulative computed 9 + 15 = 24.00 < 25: the top-up (16.00) shrinks to 1.00, so -15.00 this time
    assert sorted(r2.lines.values_list("kind", "commission")) == [
        ("minimum", D("-15.00")),
        ("payment", D("15.00")),
    ]
    assert r2.commission == D("0.00")


def test_a_consultant_of_another_creditor_gets_not_found(tenant, creditor, books):
    other = make_creditor(tenant, "OTHER")
    consultant = make_user(tenant, Role.CONSULTANT)
    consultant.consulted_creditors.add(other)
    with pytest.raises(DomainError) as err:  # consultants do not issue remittances at all
        remittance_build(tenant=tenant, actor=consultant, creditor=creditor, until=MARCH)
    assert err.value.code == "auth.forbidden"
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    assert remittance_build(tenant=tenant, actor=supervisor, creditor=creditor, until=MARCH).payments == 0


def test_a_future_date_is_refused(tenant, creditor, books):
    with pytest.raises(DomainError) as err:
        issue(tenant, creditor, dt.date(2099, 1, 1))
    assert err.value.code == "remittance.future_date"
