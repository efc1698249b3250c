"""Published rates in the database: seeded from the bundled files, added by an administrator, read by the
position at once; and a case paid after the last published rate never shows more than is owed (issue 10)."""

import datetime as dt
from decimal import Decimal

import pytest

from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.models import AuditLog
from recupero.core.permissions import system_actor
from recupero.law.rates import default_rates
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.models import InterestRate
from recupero.ledger.position import case_position
from recupero.ledger.selectors import rate_rows, rate_table
from recupero.ledger.services import Line, entry_post, rate_add
from tests.factories import make_company_case, make_user

pytestmark = pytest.mark.django_db
D = Decimal
GU = "Comunicato MEF in Gazzetta Ufficiale, GU n.160 del 12/7/2026"
TODAY = dt.date(2026, 11, 22)


def _pay(tenant, case, on, amount):
    entry_post(
        tenant=tenant,
        actor=system_actor(tenant),
        case=case,
        kind=EntryKind.PAYMENT,
        posted_on=on,
        lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, D(amount))],
    )


def _paid_before_and_after(tenant, creditor):
    """10,000.00 due 15/03/2023; 2,000.00 paid on 01/05/2026 and 1,500.00 on 15/09/2026."""
    case = make_company_case(tenant, creditor)
    _pay(tenant, case, dt.date(2026, 5, 1), "2000.00")
    _pay(tenant, case, dt.date(2026, 9, 15), "1500.00")
    return case


def test_the_database_table_is_the_bundled_one_after_migrating():
    table, bundled = rate_table(), default_rates()
    assert (table.origin, table.ecb, table.legal) == ("database", bundled.ecb, bundled.legal)
    assert InterestRate.objects.count() == len(bundled.ecb) + len(bundled.legal) == 44


def test_payment_after_the_last_rate_day_is_deducted(tenant, creditor):
    # Interest 16/03/2023-30/06/2026 only (no ECB rate for 2026 H2): 10000 × Σ(rate × days)/36500 with
    # Σ = 10.50×107 + 12.00×184 + 12.50×182 + 12.25×184 + 11.15×181 + 10.15×365 = 13583.40 → 3721.48.
    # Owed: 10000 + 3721.48 + 40 = 13761.48, less both payments (3500.00) = 10261.48. Before the fix the
    # 1,500.00 of 15/09 (after 30/06) was listed but not deducted: 11761.48.
    pos = case_position(case=_paid_before_and_after(tenant, creditor), today=TODAY)
    assert (pos.until, pos.requested_until) == (dt.date(2026, 6, 30), TODAY)
    assert (pos.principal, pos.interest, pos.flat_compensation, pos.payments, pos.total_due) == (
        D("10000.00"),
        D("261.48"),
        D("0.00"),
        D("3500.00"),
        D("10261.48"),
    )
    assert pos.rate_warning == (
        "Tasso di riferimento BCE del 2º semestre 2026 non ancora pubblicato: interessi calcolati fino al "
        "30/06/2026, nessun tasso presunto; i pagamenti ricevuti dopo tale data sono comunque detratti."
    )
    assert pos.warnings == [pos.rate_warning]


def test_an_added_rate_is_used_at_once(tenant, creditor, admin_user):
    case = _paid_before_and_after(tenant, creditor)
    assert case_position(case=case, today=TODAY).total_due == D("10261.48")
    rate_add(
        tenant=tenant, actor=admin_user, kind="ecb", valid_from=dt.date(2026, 7, 1), rate=D("2.15"), source=GU
    )
    # Now through 22/11/2026: Σ += 10.15 × 145 (01/07-22/11) = 15055.15 → 10000 × 15055.15/36500 = 4124.70;
    # 2000.00 went to €40 + 1960.00 interest, 1500.00 to interest: 10000 + 4124.70 − 3460.00 = 10664.70.
    pos = case_position(case=case, today=TODAY)
    assert (pos.until, pos.interest, pos.total_due, pos.rate_warning) == (
        TODAY,
        D("664.70"),
        D("10664.70"),
        "",
    )
    assert rate_table().ecb[-1].source == GU


def test_rate_add_is_audited_in_every_agency(tenant, other_tenant, admin_user):
    row = rate_add(
        tenant=tenant,
        actor=admin_user,
        kind="legal",
        valid_from=dt.date(2027, 1, 1),
        rate=D("1.6"),
        source=GU,
    )
    assert (row.valid_to, row.rate, row.created_by) == (dt.date(2027, 12, 31), D("1.6000"), admin_user)
    logs = AuditLog.objects.filter(action="law.rate_add").order_by("tenant_id")
    assert [(log.tenant_id, log.actor_id) for log in logs] == [
        (tenant.pk, admin_user.pk),
        (other_tenant.pk, None),
    ]
    assert logs[0].details == {"kind": "legal", "from": "2027-01-01", "to": "2027-12-31", "rate": "1.6"}
    assert rate_rows(kind="legal")[0] == row


@pytest.mark.parametrize(
    ("kind", "start", "rate", "source", "code"),
    [
        ("ecb", dt.date(2026, 7, 2), "2.00", GU, "law.rate_bad_start"),
        ("legal", dt.date(2027, 7, 1), "2.00", GU, "law.rate_bad_start"),
        ("ecb", dt.date(2026, 1, 1), "2.00", GU, "law.rate_duplicate"),
        ("ecb", dt.date(2027, 1, 1), "2.00", GU, "law.rate_not_next"),
        ("ecb", dt.date(2026, 7, 1), "2.1234", GU, "law.bad_rate"),
        ("ecb", dt.date(2026, 7, 1), "-1", GU, "law.bad_rate"),
        ("ecb", dt.date(2026, 7, 1), "2.00", "", "law.rate_no_source"),
        ("prime", dt.date(2026, 7, 1), "2.00", GU, "law.rate_bad_kind"),
    ],
)
def test_rate_add_refuses_and_writes_nothing(tenant, admin_user, kind, start, rate, source, code):
    before = InterestRate.objects.count()
    with pytest.raises(DomainError) as refused:
        rate_add(tenant=tenant, actor=admin_user, kind=kind, valid_from=start, rate=D(rate), source=source)
    assert refused.value.code == code
    assert (InterestRate.objects.count(), AuditLog.objects.filter(action="law.rate_add").count()) == (
        before,
        0,
    )


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CONSULTANT, Role.AUDITOR, Role.CREDITOR_USER])
def test_only_an_administrator_adds_a_rate(tenant, creditor, role):
    user = make_user(
        tenant,
        role,
        creditor=creditor if role == Role.CREDITOR_USER else None,
        username=f"k{role.value[:3]}9",
    )
    with pytest.raises(DomainError) as refused:
        rate_add(
            tenant=tenant, actor=user, kind="ecb", valid_from=dt.date(2026, 7, 1), rate=D("2"), source=GU
        )
    assert refused.value.code == "auth.forbidden"
    assert not InterestRate.objects.filter(valid_from=dt.date(2026, 7, 1)).exists()


def test_rate_table_is_cached_until_another_process_adds_a_rate(django_assert_num_queries):
    first = rate_table()
    with django_assert_num_queries(1):  # the version check only
        assert rate_table() is first
    # a row written by another process (the web page, the command line) is seen on the next call here
    InterestRate.objects.create(
        kind="ecb", valid_from=dt.date(2026, 7, 1), valid_to=dt.date(2026, 12, 31), rate=D("2.15"), source=GU
    )
    second = rate_table()
    assert second is not first
    assert (second.last_day("ecb"), second.ecb[-1].rate) == (dt.date(2026, 12, 31), D("2.15"))


def test_a_claim_older_than_the_tables_is_said_so_and_its_payments_deducted(tenant, creditor):
    # Commercial invoice due 15/03/2012: the bundled ECB table starts on 01/01/2013, so no interest at all
    # (nothing is guessed); the 2,000.00 paid on 01/05/2026 is still deducted: 10000 − 2000 = 8000.00.
    case = make_company_case(tenant, creditor, issued=dt.date(2012, 2, 13), due=dt.date(2012, 3, 15))
    _pay(tenant, case, dt.date(2026, 5, 1), "2000.00")
    pos = case_position(case=case, today=TODAY)
    assert (pos.until, pos.interest, pos.total_due) == (dt.date(2012, 3, 15), D("0.00"), D("8000.00"))
    assert pos.rate_warning.startswith("Tasso di riferimento BCE del 1º semestre 2012 assente dalle tabelle:")


def test_adding_to_an_emptied_table_seeds_the_bundled_rows_first(tenant, admin_user):
    InterestRate.objects.all().delete()  # e.g. a flushed database: the engine falls back to the bundled files
    assert rate_table().origin == "bundled"
    rate_add(
        tenant=tenant, actor=admin_user, kind="ecb", valid_from=dt.date(2026, 7, 1), rate=D("2.15"), source=GU
    )
    table = rate_table()
    assert (table.origin, len(table.ecb), len(table.legal)) == ("database", 28, 17)
    assert table.ecb[:-1] == default_rates().ecb
