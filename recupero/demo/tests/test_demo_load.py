"""The demo loader: exact, valid, consistent with the ledger, deterministic, and reloadable."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.db.models import Count, Min, Sum
from django_otp.plugins.otp_totp.models import TOTPDevice
from schwifty import IBAN

from recupero.cases.domain.search import invoice_number_keys
from recupero.cases.domain.states import CaseStatus
from recupero.cases.models import Assignment, Case, Claim, TimelineEvent
from recupero.core.models import AuditLog, Tenant, User
from recupero.demo.loader import demo_load
from recupero.law.codegen import tax_code, vat_number
from recupero.law.codes import normalize_tax_code, normalize_vat_number
from recupero.ledger.domain.accounts import total_due
from recupero.ledger.models import LedgerEntry
from recupero.ledger.selectors import case_balances, unbalanced_cases
from recupero.parties.domain.contacts import normalize_email, normalize_phone
from recupero.parties.domain.geo import cap_matches_province
from recupero.parties.models import ContactPoint, Creditor, Debtor, Mandate

SEED = 7
CASES = 300

# Computed once from the loader and checked for sense: about half utility, a third telco, a sixth B2B;
# mostly new/working, every state represented across the portfolio.
EXPECTED = {
    ("DEMO-B2B", "closed"): 2,
    ("DEMO-B2B", "disputed"): 1,
    ("DEMO-B2B", "legal"): 3,
    ("DEMO-B2B", "new"): 12,
    ("DEMO-B2B", "paid"): 5,
    ("DEMO-B2B", "plan"): 4,
    ("DEMO-B2B", "prescribed"): 1,
    ("DEMO-B2B", "promise"): 2,
    ("DEMO-B2B", "returned"): 2,
    ("DEMO-B2B", "settlement"): 1,
    ("DEMO-B2B", "working"): 12,
    ("DEMO-TELCO", "closed"): 2,
    ("DEMO-TELCO", "disputed"): 5,
    ("DEMO-TELCO", "legal"): 4,
    ("DEMO-TELCO", "new"): 19,
    ("DEMO-TELCO", "paid"): 10,
    ("DEMO-TELCO", "plan"): 4,
    ("DEMO-TELCO", "prescribed"): 3,
    ("DEMO-TELCO", "promise"): 8,
    ("DEMO-TELCO", "returned"): 8,
    ("DEMO-TELCO", "settlement"): 1,
    ("DEMO-TELCO", "working"): 38,
    ("DEMO-UTILITY", "closed"): 12,
    ("DEMO-UTILITY", "disputed"): 7,
    ("DEMO-UTILITY", "legal"): 8,
    ("DEMO-UTILITY", "new"): 30,
    ("DEMO-UTILITY", "paid"): 10,
    ("DEMO-UTILITY", "plan"): 10,
    ("DEMO-UTILITY", "prescribed"): 3,
    ("DEMO-UTILITY", "promise"): 9,
    ("DEMO-UTILITY", "returned"): 13,
    ("DEMO-UTILITY", "settlement"): 5,
    ("DEMO-UTILITY", "working"): 46,
}  # per creditor 153 / 102 / 45 (51 / 34 / 15 %); working 96, new 61, paid 25, returned 23 ... prescribed 7

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    result = demo_load(cases=CASES, seed=SEED)
    return Tenant.objects.get(code="demo"), result


def digest(tenant: Tenant) -> str:
    h = hashlib.sha256()
    for row in (
        Case.objects.filter(tenant=tenant)
        .order_by("seq")
        .values_list("code", "original_amount", "balance", "status", "debtor__tax_code", "creditor_reference")
    ):
        h.update(repr(row).encode())
    for row in (
        Claim.objects.filter(tenant=tenant)
        .order_by("case__seq", "issued_on", "invoice_number")
        .values_list("invoice_number", "amount", "issued_on", "due_on", "supply_reference")
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


def test_generators_make_valid_codes():
    assert (
        tax_code(surname="Rossi", name="Mario", year=1980, month=1, day=1, female=False, belfiore="H501")
        == "RSSMRA80A01H501U"
    )
    code = tax_code(
        surname="D'Angelo", name="Giuseppina", year=1975, month=12, day=31, female=True, belfiore="F205"
    )
    assert normalize_tax_code(code) == code and code[9:11] == "71"
    for serial in (0, 1, 1234567, 9999999):
        for office in (1, 58, 100):
            assert normalize_vat_number(vat_number(serial, office))


def test_exact_counts_per_creditor_and_state(demo):
    tenant, result = demo
    counts = Counter(Case.objects.filter(tenant=tenant).values_list("creditor__code", "status"))
    assert dict(counts) == EXPECTED
    assert sum(counts.values()) == CASES == result.cases
    assert {s for _, s in counts} == {s.value for s in CaseStatus}
    assert result.rows == sum(result.per_table.values()) + 1  # + the audit record
    assert result.per_table["cases_case"] == CASES
    # the reference rows went through their owners' services (one audit row each), the bulk through the bulk
    # modules, and the load as a whole leaves one record: 72 assignments, 63 of them handed back already
    actions = Counter(AuditLog.objects.filter(tenant=tenant).values_list("action", flat=True))
    assert dict(actions) == {
        "creditor.create": 3,
        "creditor.consultant_add": 3,
        "mandate.create": 3,
        "assignment.create": 72,
        "assignment.return": 63,
        "arrangement.policy_set": 3,
        "remittance.plan_set": 3,
        "remittance.payout_set": 3,
        "remittance.agency_account_set": 1,
        "team.create": 1,
        "assignment_rule.add": 2,
        "demo.load": 1,
        "access.issue_many": 1,  # the debtors' personal links of the first cases (demo/access.py)
    }


def test_tenant_and_creditors(demo):
    tenant, _ = demo
    assert tenant.name == "Recupero Demo S.r.l." and "115 TULPS" in tenant.licence and tenant.pec
    assert IBAN(tenant.iban).country_code == "IT"
    creditors = {c.code: c for c in Creditor.objects.filter(tenant=tenant)}
    assert set(creditors) == {"DEMO-UTILITY", "DEMO-TELCO", "DEMO-B2B"}
    for creditor in creditors.values():
        assert normalize_vat_number(creditor.vat_number) == creditor.vat_number
        IBAN(creditor.iban).validate()
        assert creditor.pec and re.fullmatch(r"#[0-9a-f]{6}", creditor.primary_colour)
        mandate = Mandate.objects.get(creditor=creditor)
        assert mandate.commission_percent > 0 and mandate.allowed_channels and mandate.max_instalments > 0
        assert Assignment.objects.filter(creditor=creditor).count() >= 10
    consultant = User.objects.get(username="consultant")
    assert set(consultant.consulted_creditors.values_list("code", flat=True)) == {
        "DEMO-UTILITY",
        "DEMO-TELCO",
    }
    b2b = Case.objects.filter(creditor=creditors["DEMO-B2B"])
    assert set(b2b.values_list("claim_type", flat=True)) == {"ordinary"}
    assert set(b2b.values_list("commercial", flat=True)) == {True}
    assert b2b.filter(contract_date__lt=dt.date(2013, 1, 1)).exists()
    utility_types = set(
        Case.objects.filter(creditor=creditors["DEMO-UTILITY"]).values_list("claim_type", flat=True)
    )
    assert utility_types == {"electricity", "gas", "water"}


def test_every_code_contact_and_address_is_valid(demo):
    tenant, _ = demo
    debtors = list(Debtor.objects.filter(tenant=tenant))
    for d in debtors:
        assert normalize_tax_code(d.tax_code) == d.tax_code
        if d.kind == "person":
            assert len(d.tax_code) == 16 and not d.vat_number and d.first_name and d.last_name
        else:
            assert normalize_vat_number(d.vat_number) == d.vat_number
        assert d.search_name == (d.company_name or f"{d.last_name} {d.first_name}").lower()
    assert len({d.tax_code for d in debtors}) == len(debtors)
    addresses = {}
    for c in ContactPoint.objects.filter(tenant=tenant):
        if c.kind == "address":
            assert cap_matches_province(c.cap, c.province), (c.cap, c.province)
            addresses[c.debtor_id] = c.province
        elif c.kind in ("mobile", "phone"):
            assert normalize_phone(c.value) == c.value
        else:
            assert normalize_email(c.value) == c.value
    assert len(addresses) == len(debtors)
    for case in Case.objects.filter(tenant=tenant):
        assert case.province == addresses[case.debtor_id]
    # Some debtors owe two creditors; some are vulnerable.
    shared = Case.objects.filter(tenant=tenant).values("debtor").annotate(n=Count("creditor", distinct=True))
    assert shared.filter(n__gt=1).exists()
    assert Debtor.objects.filter(tenant=tenant, vulnerable=True).exists()


def test_claims_amounts_and_dates(demo):
    tenant, _ = demo
    for claim in Claim.objects.filter(tenant=tenant).select_related("case__creditor"):
        assert claim.due_on > claim.issued_on
        # The search keys are written with the claim (a claim without them cannot be found by "47985").
        assert (claim.number_head, claim.number_tail) == invoice_number_keys(claim.invoice_number) != ("", "")
        sector = claim.case.creditor.sector
        low, high = {"utility": (30, 600), "telco": (20, 300), "supplier": (500, 80_000)}[sector]
        assert Decimal(low) <= claim.amount <= Decimal(high)
        if claim.case.claim_type == "electricity":
            assert re.fullmatch(r"IT001E\d{8}", claim.supply_reference)
        elif claim.case.claim_type == "gas":
            assert re.fullmatch(r"\d{14}", claim.supply_reference)
    per_case = (
        Claim.objects.filter(tenant=tenant).values("case").annotate(total=Sum("amount"), due=Min("due_on"))
    )
    cases = {c.pk: c for c in Case.objects.filter(tenant=tenant)}
    for row in per_case:
        case = cases[row["case"]]
        assert case.original_amount == row["total"] and case.first_due_on == row["due"]
        assert dt.date(2012, 1, 1) < case.first_due_on <= case.opened_on <= dt.date(2026, 11, 22)


def test_balances_equal_the_ledger(demo):
    tenant, _ = demo
    differs = 0
    for case in Case.objects.filter(tenant=tenant):
        due = total_due(case_balances(case=case))
        assert case.balance == due, case.code
        assert Decimal(0) <= case.balance <= case.original_amount
        differs += case.balance != case.original_amount
        if case.status in ("paid", "closed"):
            assert case.balance == 0 and case.closed_on is not None
    assert differs > 10
    assert unbalanced_cases(tenant_id=tenant.pk) == []


def test_ledger_invariants(demo):
    tenant, _ = demo
    entries = LedgerEntry.objects.filter(tenant=tenant)
    assert not entries.filter(amount__lte=0).exists()
    for e in entries.only("debit_account", "credit_account", "kind"):
        assert e.debit_account != e.credit_account
        assert (e.kind, e.debit_account, e.credit_account) in {
            ("opening", "principal", "assigned"),
            ("payment", "payments_received", "principal"),
        }
    assert entries.filter(kind="opening").count() == Claim.objects.filter(tenant=tenant).count()
    opening = entries.filter(kind="opening").aggregate(t=Sum("amount"))["t"]
    assert opening == Case.objects.filter(tenant=tenant).aggregate(t=Sum("original_amount"))["t"]
    entry = entries.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))


def test_timeline_follows_the_status_path(demo):
    tenant, _ = demo
    events = Counter(TimelineEvent.objects.filter(tenant=tenant).values_list("case_id", "kind"))
    for case in Case.objects.filter(tenant=tenant):
        assert events[(case.pk, "case.opened")] == 1
        assert events[(case.pk, "case.status")] >= (0 if case.status == "new" else 1)
        payments = LedgerEntry.objects.filter(case=case, kind="payment").count()
        assert events[(case.pk, "ledger.payment")] == payments
    last = TimelineEvent.objects.filter(tenant=tenant, kind="case.status").order_by("case_id", "-at", "-id")
    final = {}
    for e in last:
        final.setdefault(e.case_id, e.data["to"])
    for case in Case.objects.filter(tenant=tenant).exclude(status="new"):
        assert final[case.pk] == case.status


def test_demo_users(demo):
    tenant, _ = demo
    roles = dict(User.objects.filter(tenant=tenant).values_list("username", "role"))
    assert roles == {
        "admin": "admin",
        "supervisor": "supervisor",
        "consultant": "consultant",
        "collector": "collector",
        "fieldagent": "field_agent",
        "lawyer": "lawyer",
        "auditor": "auditor",
        "client-utility": "creditor_user",
        "client-telco": "creditor_user",
        "client-b2b": "creditor_user",
    }
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser and admin.check_password("demo")
    # The roles that see every case log in with the documented TOTP secret; the others have no device.
    devices = TOTPDevice.objects.filter(confirmed=True).order_by("user__username")
    assert [(d.user.username, d.key) for d in devices] == [
        (name, "890547922e1918e9ba6f890547922e1918e9ba6f") for name in ("admin", "auditor", "supervisor")
    ]
    assert base64.b32encode(bytes.fromhex(devices[0].key)).decode() == "RECUPERODEMOTOTPRECUPERODEMOTOTP"
    for username, code in (
        ("client-utility", "DEMO-UTILITY"),
        ("client-telco", "DEMO-TELCO"),
        ("client-b2b", "DEMO-B2B"),
    ):
        user = User.objects.get(username=username)
        assert user.creditor_id == Creditor.objects.get(tenant=tenant, code=code).pk
        assert user.check_password("demo")


def test_same_seed_same_data_and_reset(demo):
    tenant, _ = demo
    first = digest(tenant)
    assert demo_load(cases=CASES, seed=SEED).skipped  # without --reset an existing demo is left alone
    demo_load(cases=CASES, seed=SEED, reset=True)
    tenant = Tenant.objects.get(code="demo")
    assert digest(tenant) == first
    assert Case.objects.filter(tenant=tenant).count() == CASES
    assert AuditLog.objects.filter(tenant=tenant).count() == 159  # the old chain went with the old tenant
    assert AuditLog.objects.filter(tenant=tenant, action="demo.load").count() == 1
    assert Tenant.objects.filter(code="demo").count() == 1
    # The append-only triggers are back after the reload.
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(tenant=tenant).delete()
    demo_load(cases=CASES, seed=SEED + 1, reset=True)
    assert digest(Tenant.objects.get(code="demo")) != first


def test_reset_keeps_other_tenants(demo):
    other = Tenant.objects.create(code="altra", name="Altra agenzia")
    Creditor.objects.create(tenant=other, code="X", name="X", sector="utility")
    demo_load(cases=50, seed=SEED, reset=True)
    assert Creditor.objects.filter(tenant=other).count() == 1
    assert Case.objects.filter(tenant__code="demo").count() == 50


def test_the_demo_prints_a_working_debtor_link(demo):
    """The link the demo prints opens its case's page with the code it prints; asking again reuses the links."""
    from django.test import Client

    from recupero.cases.models import AccessLink
    from recupero.demo.access import DEMO_LINKS, demo_links

    tenant, result = demo
    issued = AccessLink.objects.filter(tenant=tenant).count()
    open_cases = Case.objects.filter(tenant=tenant, status__in=("new", "working")).count()
    assert issued == min(DEMO_LINKS, open_cases) and result.link is not None
    assert demo_links(tenant) == result.link and AccessLink.objects.filter(tenant=tenant).count() == issued
    client = Client()
    path = "/" + result.link.url.split("://", 1)[1].split("/", 1)[1]
    response = client.post(path, {"factor": "tax_code", "answer": result.link.answer})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and result.link.case_code in page.content.decode()
