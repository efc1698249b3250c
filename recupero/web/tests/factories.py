"""A small, exact world for the back-office tests, built with the factories of tests/builders.py (through the
apps' services).

Two creditors of one agency (plus a second agency), five cases with known amounts, dates and debtors, and one
user per role. Every figure the tests assert is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from recupero.cases.domain.claims import ClaimType
from recupero.cases.domain.states import CaseStatus
from recupero.cases.models import Assignment, Case
from recupero.core.clock import today
from recupero.core.domain.roles import Role
from recupero.core.models import Tenant, User
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.models import Creditor, Debtor
from tests.builders import (
    AssignmentFactory,
    CaseFactory,
    ClaimFactory,
    CompanyDebtorFactory,
    ContactPointFactory,
    CreditorFactory,
    DebtorFactory,
    MandateFactory,
    PaymentEntryFactory,
    TenantFactory,
    UserFactory,
    case_moved,
)

PASSWORD = "prova-1234"
CF_ROSSI = "RSSMRA85T10A562S"
CF_BIANCHI = "BNCLRA90A41F205I"
CF_VERDI = "VRDGPP75C15H501P"
VAT_FERRO = "02182030391"


@dataclass
class World:
    tenant: Tenant
    other_tenant: Tenant
    energia: Creditor
    telco: Creditor
    cases: dict[str, Case] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    other_case: Case | None = None


def _user(
    tenant: Tenant, role: Role, username: str, first: str, last: str, creditor: Creditor | None = None
) -> User:
    return UserFactory(
        tenant=tenant,
        role=role,
        username=username,
        password=PASSWORD,
        first_name=first,
        last_name=last,
        creditor=creditor,
    )


def _person(tenant: Tenant, cf: str, last: str, first: str, **kw: object) -> Debtor:
    return DebtorFactory(tenant=tenant, tax_code=cf, last_name=last, first_name=first, **kw)


def _case(
    world: World,
    creditor: Creditor,
    assignment: Assignment,
    debtor: Debtor,
    ref: str,
    invoice: str,
    amount: str,
    due: dt.date,
    province: str,
) -> Case:
    claim = ClaimFactory(
        invoice_number=invoice,
        issued_on=due - dt.timedelta(days=30),
        amount=Decimal(amount),
        due_on=due,
        description="Fornitura energia elettrica",
        supply_reference="IT001E12345678",
        sdi_delivered_on=due - dt.timedelta(days=29),
    )
    return CaseFactory(
        tenant=world.tenant,
        creditor=creditor,
        assignment=assignment,
        debtor=debtor,
        creditor_reference=ref,
        province=province,
        claims=[claim],
        opened_on=today(),
    )


def _parties(tenant: Tenant) -> tuple[Creditor, Creditor, list[Assignment], dict[str, Debtor]]:
    """The two creditors, energia's mandate, one assignment each and the four debtors, in this order."""
    energia = CreditorFactory(
        tenant=tenant, code="ENE", name="Energia Nord S.p.A.", sector="utility", primary_colour="#0b5394"
    )
    telco = CreditorFactory(
        tenant=tenant, code="TEL", name="TeleSud S.r.l.", sector="telco", vat_number="00488410010"
    )
    MandateFactory(
        creditor=energia,
        reference="MAND-2025-01",
        starts_on=dt.date(2025, 1, 1),
        commission_percent=Decimal("12.50"),
        allowed_channels=["letter", "pec", "sms"],
        strategy_code="utility-std",
    )
    assignments = [
        AssignmentFactory(creditor=energia, code="ENE-2025-03", received_on=dt.date(2025, 3, 1)),
        AssignmentFactory(creditor=telco, code="TEL-2025-01", received_on=dt.date(2025, 1, 15)),
    ]
    rossi = _person(tenant, CF_ROSSI, "Rossi", "Mario")
    ContactPointFactory(debtor=rossi)
    ContactPointFactory(
        debtor=rossi, kind=ContactKind.MOBILE, value="+39 347 123 4567", source="rintraccio", status="valid"
    )
    debtors = {
        "rossi": rossi,
        "bianchi": _person(tenant, CF_BIANCHI, "Bianchi", "Laura", vulnerable=True),
        "verdi": _person(tenant, CF_VERDI, "Verdi", "Giuseppe"),
        "ferro": CompanyDebtorFactory(
            tenant=tenant, company_name="Ferro Costruzioni S.r.l.", vat_number=VAT_FERRO
        ),
    }
    return energia, telco, assignments, debtors


def _cases(world: World, assignments: list[Assignment], debtors: dict[str, Debtor]) -> None:
    energia, telco = world.energia, world.telco
    a_ene, a_tel = assignments
    rossi, bianchi, ferro, verdi = (debtors[k] for k in ("rossi", "bianchi", "ferro", "verdi"))
    day = today()
    c = world.cases
    c["rossi_ene"] = _case(
        world, energia, a_ene, rossi, "E-1", "FT-2024/0001", "1234.56", dt.date(2024, 1, 31), "MI"
    )
    c["bianchi_ene"] = _case(
        world, energia, a_ene, bianchi, "E-2", "FT-2024/0002", "80.00", day - dt.timedelta(days=10), "RM"
    )
    c["ferro_tel"] = _case(world, telco, a_tel, ferro, "T-1", "TC-77", "5000.00", dt.date(2023, 6, 30), "TO")
    c["verdi_tel"] = _case(
        world, telco, a_tel, verdi, "T-2", "TC-78", "250.00", day - dt.timedelta(days=200), "NA"
    )
    c["rossi_tel"] = _case(world, telco, a_tel, rossi, "T-3", "TC-79", "15000.00", dt.date(2022, 5, 31), "MI")
    case_moved(c["ferro_tel"], CaseStatus.WORKING)
    case_moved(c["rossi_tel"], CaseStatus.LEGAL)
    # A payment of 234,56 on Rossi's energy case: balance 1.000,00.
    PaymentEntryFactory(
        case=c["rossi_ene"],
        posted_on=day,
        amount=Decimal("234.56"),
        summary="Pagamento con bonifico: 234,56 €",
    )
    for case in c.values():
        case.refresh_from_db()


def _users(world: World) -> None:
    tenant, energia, telco = world.tenant, world.energia, world.telco
    u = world.users
    u["admin"] = _user(tenant, Role.ADMIN, "admin", "Anna", "Amministratori")
    u["supervisor"] = _user(tenant, Role.SUPERVISOR, "super", "Sergio", "Supervisori")
    u["consultant"] = _user(tenant, Role.CONSULTANT, "consu", "Chiara", "Consulenti")
    u["collector"] = _user(tenant, Role.COLLECTOR, "opera", "Olga", "Operatori")
    u["lawyer"] = _user(tenant, Role.LAWYER, "legale", "Luca", "Legali")
    u["energia_user"] = _user(tenant, Role.CREDITOR_USER, "energia", "Elena", "Nord", creditor=energia)
    u["telco_user"] = _user(tenant, Role.CREDITOR_USER, "telsud", "Tito", "Sud", creditor=telco)
    energia.consultants.add(u["consultant"])


def _other_case(other: Tenant) -> Case:
    """The other agency has its own creditor and a case for the same debtor code: never visible here."""
    other_creditor = CreditorFactory(
        tenant=other, code="ENE", name="Energia Altrove", sector="utility", vat_number=""
    )
    return CaseFactory(
        tenant=other,
        creditor=other_creditor,
        assignment=AssignmentFactory(creditor=other_creditor, code="X-1", received_on=dt.date(2025, 1, 1)),
        debtor=DebtorFactory(tenant=other, tax_code=CF_ROSSI),
        creditor_reference="O-1",
        claim_type=ClaimType.ORDINARY,
        opened_on=today(),
        province="",
        claims=[
            ClaimFactory(
                invoice_number="OT-1", issued_on=dt.date(2024, 1, 1), amount=Decimal("99.00"), due_on=None
            )
        ],
        opening=False,
    )


def build_world() -> World:
    tenant = TenantFactory(code="acme", name="Agenzia Acme Recupero Crediti")
    other = TenantFactory(code="other", name="Altra Agenzia")
    energia, telco, assignments, debtors = _parties(tenant)
    world = World(tenant=tenant, other_tenant=other, energia=energia, telco=telco)
    _cases(world, assignments, debtors)
    _users(world)
    world.other_case = _other_case(other)
    return world
