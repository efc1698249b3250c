"""Small-portfolio builders shared by the strategies, channels, worklists and daily-run tests: thin wrappers over
the factories of tests/builders.py, with the agency's letterhead, generated codici fiscali and optional contacts."""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal

from stdnum.it import codicefiscale

from recupero.cases.domain.claims import ClaimType
from recupero.cases.models import Case
from recupero.core.models import Tenant
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.models import Creditor, Debtor
from tests.builders import (
    AssignmentFactory,
    CaseFactory,
    ClaimFactory,
    ContactPointFactory,
    CreditorFactory,
    DebtorFactory,
    TenantFactory,
    seq,
)

IBAN = "IT60X0542811101000000123456"


def tax_code(n: int) -> str:
    letters = string.ascii_uppercase
    first = letters[n % 26] + letters[(n // 26) % 26] + letters[(n // 676) % 26]
    body = f"RSS{first}85T10A562"
    return body + codicefiscale.calc_check_digit(body)


def tenant(code: str = "acme") -> Tenant:
    return TenantFactory(
        code=code,
        name="Gestione Pratiche Alfa S.r.l.",
        iban=IBAN,
        address="Via Dante 5, 20121 Milano MI",
        licence="Lic. 123/2020 Questura di Milano",
        pec="alfa@pec.example.it",
        phone="+390212345678",
    )


def creditor(t: Tenant, sector: str = "utility", code: str = "") -> Creditor:
    code = code or f"CR{seq()}"
    return CreditorFactory(
        tenant=t,
        code=code,
        name=f"Energia {code} S.p.A.",
        sector=sector,
        iban=IBAN,
        contact_phone="+39800123456",
    )


def debtor(
    t: Tenant,
    *,
    email: bool = False,
    mobile: bool = False,
    address: bool = True,
    pec: bool = False,
    phone: bool = False,
    vulnerable: bool = False,
    last_name: str = "Rossi",
) -> Debtor:
    n = seq()
    d = DebtorFactory(tenant=t, last_name=last_name, tax_code=tax_code(n), vulnerable=vulnerable)
    contacts = {
        ContactKind.ADDRESS: (address, f"Via Roma {n}"),
        ContactKind.EMAIL: (email, f"mario{n}@example.it"),
        ContactKind.MOBILE: (mobile, f"+39333{1000000 + n}"),
        ContactKind.PHONE: (phone, f"+3902{8000000 + n}"),
        ContactKind.PEC: (pec, f"mario{n}@pec.example.it"),
    }
    for kind, (wanted, value) in contacts.items():
        if wanted:
            ContactPointFactory(debtor=d, kind=kind, value=value)
    return d


def case(
    t: Tenant,
    cr: Creditor,
    d: Debtor,
    *,
    amount: str = "120.50",
    due: dt.date = dt.date(2025, 2, 10),
    claim_type: ClaimType = ClaimType.ELECTRICITY,
    opened: dt.date = dt.date(2026, 1, 10),
) -> Case:
    a = AssignmentFactory(tenant=t, creditor=cr, received_on=opened)
    n = seq()
    claim = ClaimFactory(
        invoice_number=f"F{n}", issued_on=due - dt.timedelta(days=30), due_on=due, amount=Decimal(amount)
    )
    return CaseFactory(
        tenant=t,
        creditor=cr,
        assignment=a,
        debtor=d,
        creditor_reference=f"REF{n}",
        claim_type=claim_type,
        claims=[claim],
        opened_on=opened,
    )
