import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import Account, EntryKind, balances, total_due
from recupero.ledger.models import LedgerEntry
from recupero.ledger.selectors import case_balances, unbalanced_cases
from recupero.ledger.services import Line, entry_post, entry_reverse
from tests.factories import make_case, make_debtor

D = Decimal
ON = dt.date(2026, 3, 1)


def test_balances_domain_sums_each_side():
    rows = [
        ("principal", "assigned", D("100.00")),
        ("payments_received", "principal", D("30.00")),
        ("late_interest", "interest_accrued", D("2.50")),
    ]
    out = balances(rows)
    assert out[Account.PRINCIPAL] == D("70.00")
    assert out[Account.ASSIGNED] == D("-100.00")
    assert total_due(out) == D("72.50")
    assert sum(out.values()) == D("0.00")


@pytest.mark.django_db
class TestPosting:
    def test_opening_payment_and_reversal(self, tenant, creditor):
        case = make_case(tenant, creditor, make_debtor(tenant), amounts=("100.00", "20.35"))
        assert case.balance == D("120.35")
        [pay] = entry_post(
            tenant=tenant,
            actor=system_actor(tenant),
            case=case,
            kind=EntryKind.PAYMENT,
            posted_on=ON,
            lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, D("50.00"))],
        )
        entry_post(
            tenant=tenant,
            actor=system_actor(tenant),
            case=case,
            kind=EntryKind.FLAT_COMPENSATION,
            posted_on=ON,
            lines=[Line(Account.FLAT_COMPENSATION, Account.COMPENSATION_ACCRUED, D("40.00"))],
        )
        case.refresh_from_db()
        assert case.balance == D("110.35")
        entry_reverse(tenant=tenant, actor=system_actor(tenant), entry=pay, reason="bonifico respinto")
        case.refresh_from_db()
        bal = case_balances(case=case)
        assert (bal[Account.PRINCIPAL], bal[Account.PAYMENTS_RECEIVED], case.balance) == (
            D("120.35"),
            D("0.00"),
            D("160.35"),
        )
        assert sum(bal.values()) == D("0.00")
        with pytest.raises(DomainError) as err:
            entry_reverse(tenant=tenant, actor=system_actor(tenant), entry=pay, reason="again")
        assert err.value.code == "ledger.already_reversed"
        assert unbalanced_cases() == []

    def test_idempotency_key_posts_once(self, tenant, creditor):
        case = make_case(tenant, creditor, make_debtor(tenant))
        for _ in range(2):
            entry_post(
                tenant=tenant,
                actor=system_actor(tenant),
                case=case,
                kind=EntryKind.INTEREST,
                posted_on=ON,
                lines=[Line(Account.LATE_INTEREST, Account.INTEREST_ACCRUED, D("1.23"))],
                idempotency_key=f"interest:{case.pk}:2026-03-01",
            )
        assert LedgerEntry.objects.filter(case=case, kind="interest").count() == 1

    @pytest.mark.parametrize("amount", [D("0.00"), D("-5.00"), D("1.005")])
    def test_service_refuses_bad_lines(self, tenant, creditor, amount):
        case = make_case(tenant, creditor, make_debtor(tenant))
        before = LedgerEntry.objects.count()
        with pytest.raises(DomainError) as err:
            entry_post(
                tenant=tenant,
                actor=system_actor(tenant),
                case=case,
                kind=EntryKind.COSTS,
                posted_on=ON,
                lines=[Line(Account.COLLECTION_COSTS, Account.COSTS_CHARGED, amount)],
            )
        assert err.value.code == "ledger.unbalanced"
        assert LedgerEntry.objects.count() == before


@pytest.mark.django_db(transaction=True)
class TestDatabaseRefuses:
    """The database itself keeps the books honest, whatever code talks to it."""

    def _entry(self, case, **kw):
        fields = {
            "tenant": case.tenant,
            "case": case,
            "group": uuid.uuid4(),
            "kind": "costs",
            "posted_on": ON,
            "debit_account": "collection_costs",
            "credit_account": "costs_charged",
            "amount": D("5.00"),
        }
        return LedgerEntry(**{**fields, **kw})

    @pytest.mark.parametrize(
        "override", [{"amount": D("0.00")}, {"amount": D("-5.00")}, {"credit_account": "collection_costs"}]
    )
    def test_check_constraints(self, tenant, creditor, override):
        case = make_case(tenant, creditor, make_debtor(tenant))
        with pytest.raises(IntegrityError), transaction.atomic():
            self._entry(case, **override).save()

    def test_update_and_delete_are_refused_by_trigger(self, tenant, creditor):
        case = make_case(tenant, creditor, make_debtor(tenant))
        entry = LedgerEntry.objects.filter(case=case).first()
        with pytest.raises(DatabaseError, match="append_only"), transaction.atomic():
            LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("1.00"))
        with (
            pytest.raises(DatabaseError, match="append_only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute("DELETE FROM ledger_ledgerentry WHERE id = %s", [entry.pk])
        assert LedgerEntry.objects.get(pk=entry.pk).amount == D("120.50")


@pytest.mark.django_db
def test_unbalanced_cases_finds_a_drifted_cache(tenant, creditor):
    from recupero.cases.models import Case

    good = make_case(tenant, creditor, make_debtor(tenant))
    bad = make_case(tenant, creditor, make_debtor(tenant, "BNCLRA90A41F205I", last_name="Bianchi"))
    Case.objects.filter(pk=bad.pk).update(balance=D("1.00"))  # a cache nobody should type in
    assert unbalanced_cases() == [bad.pk]
    assert good.pk not in unbalanced_cases()
