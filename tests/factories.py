"""Builders for tests, going through the real services (so tests exercise the same validation as the product)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from recupero.cases.domain.claims import ClaimType
from recupero.cases.models import Assignment, Case
from recupero.cases.services import ClaimInput, assignment_create, case_open
from recupero.core.accounts import otp_device_of, otp_needed
from recupero.core.domain.roles import Role
from recupero.core.models import Tenant, User
from recupero.core.permissions import system_actor
from recupero.core.services import user_create
from recupero.ledger.services import opening_post
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.domain.debtors import DebtorKind, DebtorSize
from recupero.parties.models import Creditor, Debtor
from recupero.parties.services import contact_add, creditor_create, debtor_upsert

_seq = itertools.count(1)
# Passes every password validator (length 10+, not common, not all digits, unlike the user's names).
TEST_PASSWORD = "prova-sicura-2026"

# Valid codes (check characters verified by python-stdnum).
TAX_CODES = ["RSSMRA85T10A562S", "BNCLRA90A41F205I", "VRDGPP75C15H501P", "FRRLCU80E20L219N"]
VAT_NUMBERS = ["00743110157", "02182030391", "00488410010", "01114601006"]


def make_tenant(code: str = "acme") -> Tenant:
    return Tenant.objects.create(code=code, name=f"Agenzia {code}")


def make_user(tenant: Tenant, role: Role, *, creditor: Creditor | None = None, username: str = "") -> User:
    return user_create(
        tenant=tenant,
        actor=system_actor(tenant),
        username=username or f"{role.value}-{tenant.code}-{next(_seq)}",
        password=TEST_PASSWORD,
        role=role,
        creditor_id=creditor.pk if creditor else None,
    )


def make_creditor(
    tenant: Tenant, code: str = "", sector: str = "utility", vat: str = "00743110157"
) -> Creditor:
    code = code or f"CR{next(_seq)}"
    return creditor_create(
        tenant=tenant,
        actor=system_actor(tenant),
        code=code,
        name=f"Committente {code}",
        sector=sector,
        vat_number=vat,
    )


def make_debtor(
    tenant: Tenant, tax_code: str = TAX_CODES[0], *, last_name: str = "Rossi", first_name: str = "Mario"
) -> Debtor:
    debtor, _ = debtor_upsert(
        tenant=tenant,
        actor=system_actor(tenant),
        kind=DebtorKind.PERSON,
        size=DebtorSize.CONSUMER,
        first_name=first_name,
        last_name=last_name,
        tax_code=tax_code,
    )
    contact_add(
        tenant=tenant,
        actor=system_actor(tenant),
        debtor=debtor,
        kind=ContactKind.ADDRESS,
        value="Via Roma 1",
        cap="20121",
        municipality="Milano",
        province="MI",
    )
    return debtor


def make_assignment(tenant: Tenant, creditor: Creditor, code: str = "") -> Assignment:
    return assignment_create(
        tenant=tenant,
        actor=system_actor(tenant),
        creditor=creditor,
        code=code or f"A{next(_seq)}",
        received_on=dt.date(2026, 1, 10),
    )


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
    n = next(_seq)
    claims = [
        ClaimInput(
            invoice_number=f"{invoice_prefix}{n}-{i}",
            issued_on=dt.date(2025, 1, 10 + i),
            due_on=dt.date(2025, 2, 10 + i),
            amount=Decimal(a),
        )
        for i, a in enumerate(amounts)
    ]
    case = case_open(
        tenant=tenant,
        actor=system_actor(tenant),
        creditor=creditor,
        assignment=assignment,
        debtor=debtor,
        creditor_reference=reference or f"REF{n}",
        claim_type=ClaimType.ELECTRICITY,
        commercial=False,
        claims=claims,
        opened_on=dt.date(2026, 1, 10),
        province="MI",
    )
    opening_post(tenant=tenant, actor=system_actor(tenant), case=case, posted_on=dt.date(2026, 1, 10))
    case.refresh_from_db()
    return case


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
    debtor, _ = debtor_upsert(
        tenant=tenant,
        actor=system_actor(tenant),
        kind=DebtorKind.COMPANY,
        size=DebtorSize.SME,
        company_name=f"Impresa {vat}",
        vat_number=vat,
    )
    case = case_open(
        tenant=tenant,
        actor=system_actor(tenant),
        creditor=creditor,
        assignment=make_assignment(tenant, creditor),
        debtor=debtor,
        creditor_reference=reference,
        claim_type=ClaimType.ORDINARY,
        commercial=commercial,
        contract_date=contract,
        claims=[ClaimInput("FT-1", issued, amount, due)],
        opened_on=dt.date(2023, 4, 1),
    )
    opening_post(tenant=tenant, actor=system_actor(tenant), case=case, posted_on=dt.date(2023, 4, 1))
    return case


def otp_verify_session(client: Client, user: User) -> None:
    """Mark the client's session as having passed the second step (TOTP) for a user who needs one, giving the
    user an authenticator if they have none. `client.force_login` calls it (root conftest): a forced login
    stands for a completed login. The second step itself is tested through the real pages
    (recupero/web/tests/test_accounts.py, tests/browser)."""
    if not otp_needed(user):
        return
    device = otp_device_of(user) or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
