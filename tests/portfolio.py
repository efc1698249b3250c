"""Small-portfolio builders shared by the strategies, channels, worklists and daily-run tests."""

from __future__ import annotations

import datetime as dt
import itertools
import string
from decimal import Decimal

from stdnum.it import codicefiscale

from recupero.cases.domain.claims import ClaimType
from recupero.cases.models import Case
from recupero.cases.services import ClaimInput, assignment_create, case_open
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.ledger.services import opening_post
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.domain.debtors import DebtorKind, DebtorSize
from recupero.parties.models import Creditor, Debtor
from recupero.parties.services import contact_add, creditor_create, debtor_upsert

_seq = itertools.count(1)
IBAN = "IT60X0542811101000000123456"


def tax_code(n: int) -> str:
    letters = string.ascii_uppercase
    first = letters[n % 26] + letters[(n // 26) % 26] + letters[(n // 676) % 26]
    body = f"RSS{first}85T10A562"
    return body + codicefiscale.calc_check_digit(body)


def tenant(code: str = "acme") -> Tenant:
    return Tenant.objects.create(
        code=code,
        name="Gestione Pratiche Alfa S.r.l.",
        iban=IBAN,
        address="Via Dante 5, 20121 Milano MI",
        licence="Lic. 123/2020 Questura di Milano",
        pec="alfa@pec.example.it",
        phone="+390212345678",
    )


def creditor(t: Tenant, sector: str = "utility", code: str = "") -> Creditor:
    code = code or f"CR{next(_seq)}"
    return creditor_create(
        tenant=t,
        actor=system_actor(t),
        code=code,
        name=f"Energia {code} S.p.A.",
        sector=sector,
        vat_number="00743110157",
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
    n = next(_seq)
    d, _ = debtor_upsert(
        tenant=t,
        actor=system_actor(t),
        kind=DebtorKind.PERSON,
        size=DebtorSize.CONSUMER,
        first_name="Mario",
        last_name=last_name,
        tax_code=tax_code(n),
        vulnerable=vulnerable,
    )
    if address:
        contact_add(
            tenant=t,
            actor=system_actor(t),
            debtor=d,
            kind=ContactKind.ADDRESS,
            value=f"Via Roma {n}",
            cap="20121",
            municipality="Milano",
            province="MI",
        )
    if email:
        contact_add(
            tenant=t, actor=system_actor(t), debtor=d, kind=ContactKind.EMAIL, value=f"mario{n}@example.it"
        )
    if mobile:
        contact_add(
            tenant=t, actor=system_actor(t), debtor=d, kind=ContactKind.MOBILE, value=f"+39333{1000000 + n}"
        )
    if phone:
        contact_add(
            tenant=t, actor=system_actor(t), debtor=d, kind=ContactKind.PHONE, value=f"+3902{8000000 + n}"
        )
    if pec:
        contact_add(
            tenant=t, actor=system_actor(t), debtor=d, kind=ContactKind.PEC, value=f"mario{n}@pec.example.it"
        )
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
    a = assignment_create(
        tenant=t, actor=system_actor(t), creditor=cr, code=f"A{next(_seq)}", received_on=opened
    )
    n = next(_seq)
    c = case_open(
        tenant=t,
        actor=system_actor(t),
        creditor=cr,
        assignment=a,
        debtor=d,
        creditor_reference=f"REF{n}",
        claim_type=claim_type,
        commercial=False,
        opened_on=opened,
        province="MI",
        claims=[
            ClaimInput(
                invoice_number=f"F{n}",
                issued_on=due - dt.timedelta(days=30),
                due_on=due,
                amount=Decimal(amount),
            )
        ],
    )
    opening_post(tenant=t, actor=system_actor(t), case=c, posted_on=opened)
    c.refresh_from_db()
    return c
