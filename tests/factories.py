"""The make_* builders of the tests: thin wrappers over the factories of tests/builders.py (the one home of the
builders), kept so that their many importers stay unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from recupero.cases.domain.claims import ClaimType
from recupero.cases.models import Assignment, Case
from recupero.core.domain.roles import Role
from recupero.core.models import Tenant, User
from recupero.parties.models import Creditor, Debtor
from tests.builders import (
    TEST_PASSWORD,
    AssignmentFactory,
    CaseFactory,
    ClaimFactory,
    CompanyDebtorFactory,
    ContactPointFactory,
    CreditorFactory,
    DebtorFactory,
    TenantFactory,
    UserFactory,
    otp_verify_session,
    seq,
)

__all__ = ["TEST_PASSWORD", "otp_verify_session"]

# Valid codes (check characters verified by python-stdnum).
TAX_CODES = ["RSSMRA85T10A562S", "BNCLRA90A41F205I", "VRDGPP75C15H501P", "FRRLCU80E20L219N"]
VAT_NUMBERS = ["00743110157", "02182030391", "00488410010", "01114601006"]


def make_tenant(code: str = "acme") -> Tenant:
    return TenantFactory(code=code)


def make_user(tenant: Tenant, role: Role, *, creditor: Creditor | None = None, username: str = "") -> User:
    extra = {"username": username} if username else {}
    return UserFactory(tenant=tenant, role=role, creditor=creditor, **extra)


def make_creditor(
    tenant: Tenant, code: str = "", sector: str = "utility", vat: str = "00743110157"
) -> Creditor:
    extra = {"code": code} if code else {}
    return CreditorFactory(tenant=tenant, sector=sector, vat_number=vat, **extra)


def make_debtor(
    tenant: Tenant, tax_code: str = TAX_CODES[0], *, last_name: str = "Rossi", first_name: str = "Mario"
) -> Debtor:
    debtor = DebtorFactory(tenant=tenant, tax_code=tax_code, last_name=last_name, first_name=first_name)
    ContactPointFactory(debtor=debtor)
    return debtor


def make_assignment(tenant: Tenant, creditor: Creditor, code: str = "") -> Assignment:
    extra = {"code": code} if code else {}
    return AssignmentFactory(tenant=tenant, creditor=creditor, **extra)


def make_case(
    tenant: Tenant,
    creditor: Creditor,
    debtor: Debtor,
    *,
    assignment: Assignment | None = None,
    amounts: tuple[str, ...] = ("120.50",),
    reference: str = "",
    invoice_prefix: str = "F",
) -> Case:
    assignment = assignment or make_assignment(tenant, creditor)
    n = seq()
    claims = [
        ClaimFactory(
            invoice_number=f"{invoice_prefix}{n}-{i}",
            issued_on=dt.date(2025, 1, 10 + i),
            due_on=dt.date(2025, 2, 10 + i),
            amount=Decimal(a),
        )
        for i, a in enumerate(amounts)
    ]
    return CaseFactory(
        tenant=tenant,
        creditor=creditor,
        assignment=assignment,
        debtor=debtor,
        creditor_reference=reference or f"REF{n}",
        claims=claims,
    )


def make_company_case(
    tenant: Tenant,
    creditor: Creditor,
    *,
    amount: str = "10000.00",
    issued: dt.date = dt.date(2023, 2, 13),
    due: dt.date = dt.date(2023, 3, 15),
    contract: dt.date | None = dt.date(2020, 1, 1),
    commercial: bool = True,
    vat: str = "00743110157",
    reference: str = "B2B-1",
) -> Case:
    """One invoice to a company, with its opening entry: the worked examples of the law engine on real books."""
    return CaseFactory(
        tenant=tenant,
        creditor=creditor,
        debtor=CompanyDebtorFactory(tenant=tenant, vat_number=vat),
        creditor_reference=reference,
        claim_type=ClaimType.ORDINARY,
        commercial=commercial,
        contract_date=contract,
        claims=[ClaimFactory(invoice_number="FT-1", issued_on=issued, amount=amount, due_on=due)],
        opened_on=dt.date(2023, 4, 1),
        province="",
    )
