"""A small, exact world for the back-office tests, built through the apps' services.

Two creditors of one agency (plus a second agency), five cases with known amounts, dates and debtors, and one
user per role. Every figure the tests assert is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from recupero.cases.domain.claims import ClaimType
from recupero.cases.domain.states import CaseStatus
from recupero.cases.models import Case
from recupero.cases.services import ClaimInput, assignment_create, case_open, case_transition
from recupero.core.clock import today
from recupero.core.domain.roles import Role
from recupero.core.models import Tenant, User
from recupero.core.permissions import system_actor
from recupero.core.services import user_create
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.services import Line, entry_post, opening_post
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.domain.debtors import DebtorKind, DebtorSize
from recupero.parties.models import Creditor, Debtor
from recupero.parties.services import contact_add, creditor_create, debtor_upsert, mandate_create

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
    return user_create(
        tenant=tenant,
        actor=system_actor(tenant),
        username=username,
        password=PASSWORD,
        role=role,
        first_name=first,
        last_name=last,
        creditor_id=creditor.pk if creditor else None,
    )


def _person(tenant: Tenant, cf: str, last: str, first: str, **kw: object) -> Debtor:
    debtor, _ = debtor_upsert(
        tenant=tenant,
        actor=system_actor(tenant),
        kind=DebtorKind.PERSON,
        size=DebtorSize.CONSUMER,
        first_name=first,
        last_name=last,
        tax_code=cf,
        **kw,
    )
    return debtor


def _case(
    world: World,
    creditor: Creditor,
    assignment: object,
    debtor: Debtor,
    ref: str,
    invoice: str,
    amount: str,
    due: dt.date,
    province: str,
) -> Case:
    case = case_open(
        tenant=world.tenant,
        actor=system_actor(world.tenant),
        creditor=creditor,
        assignment=assignment,
        debtor=debtor,
        creditor_reference=ref,
        claim_type=ClaimType.ELECTRICITY,
        commercial=False,
        province=province,
        claims=[
            ClaimInput(
                invoice,
                due - dt.timedelta(days=30),
                Decimal(amount),
                due_on=due,
                description="Fornitura energia elettrica",
                supply_reference="IT001E12345678",
                sdi_delivered_on=due - dt.timedelta(days=29),
            )
        ],
        opened_on=today(),
    )
    opening_post(tenant=world.tenant, actor=system_actor(world.tenant), case=case, posted_on=today())
    case.refresh_from_db()
    return case


def build_world() -> World:
    tenant = Tenant.objects.create(code="acme", name="Agenzia Acme Recupero Crediti")
    other = Tenant.objects.create(code="other", name="Altra Agenzia")
    energia = creditor_create(
        tenant=tenant,
        actor=system_actor(tenant),
        code="ENE",
        name="Energia Nord S.p.A.",
        sector="utility",
        vat_number="00743110157",
        primary_colour="#0b5394",
    )
    telco = creditor_create(
        tenant=tenant,
        actor=system_actor(tenant),
        code="TEL",
        name="TeleSud S.r.l.",
        sector="telco",
        vat_number="00488410010",
    )
    world = World(tenant=tenant, other_tenant=other, energia=energia, telco=telco)
    mandate_create(
        tenant=tenant,
        actor=system_actor(tenant),
        creditor=energia,
        reference="MAND-2025-01",
        starts_on=dt.date(2025, 1, 1),
        commission_percent=Decimal("12.50"),
        allowed_channels=["letter", "pec", "sms"],
        strategy_code="utility-std",
    )
    a_ene = assignment_create(
        tenant=tenant,
        actor=system_actor(tenant),
        creditor=energia,
        code="ENE-2025-03",
        received_on=dt.date(2025, 3, 1),
    )
    a_tel = assignment_create(
        tenant=tenant,
        actor=system_actor(tenant),
        creditor=telco,
        code="TEL-2025-01",
        received_on=dt.date(2025, 1, 15),
    )
    rossi = _person(tenant, CF_ROSSI, "Rossi", "Mario")
    contact_add(
        tenant=tenant,
        actor=system_actor(tenant),
        debtor=rossi,
        kind=ContactKind.ADDRESS,
        value="Via Roma 1",
        cap="20121",
        municipality="Milano",
        province="MI",
    )
    contact_add(
        tenant=tenant,
        actor=system_actor(tenant),
        debtor=rossi,
        kind=ContactKind.MOBILE,
        value="+39 347 123 4567",
        source="rintraccio",
        status="valid",
    )
    bianchi = _person(tenant, CF_BIANCHI, "Bianchi", "Laura", vulnerable=True)
    verdi = _person(tenant, CF_VERDI, "Verdi", "Giuseppe")
    ferro, _ = debtor_upsert(
        tenant=tenant,
        actor=system_actor(tenant),
        kind=DebtorKind.COMPANY,
        size=DebtorSize.SME,
        company_name="Ferro Costruzioni S.r.l.",
        vat_number=VAT_FERRO,
    )
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
    case_transition(tenant=tenant, actor=system_actor(tenant), case=c["ferro_tel"], target=CaseStatus.WORKING)
    case_transition(tenant=tenant, actor=system_actor(tenant), case=c["rossi_tel"], target=CaseStatus.LEGAL)
    # A payment of 234,56 on Rossi's energy case: balance 1.000,00.
    entry_post(
        tenant=tenant,
        actor=system_actor(tenant),
        case=c["rossi_ene"],
        kind=EntryKind.PAYMENT,
        posted_on=day,
        lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, Decimal("234.56"))],
        summary="Pagamento con bonifico: 234,56 €",
    )
    for case in c.values():
        case.refresh_from_db()

    u = world.users
    u["admin"] = _user(tenant, Role.ADMIN, "admin", "Anna", "Amministratori")
    u["supervisor"] = _user(tenant, Role.SUPERVISOR, "super", "Sergio", "Supervisori")
    u["consultant"] = _user(tenant, Role.CONSULTANT, "consu", "Chiara", "Consulenti")
    u["collector"] = _user(tenant, Role.COLLECTOR, "opera", "Olga", "Operatori")
    u["lawyer"] = _user(tenant, Role.LAWYER, "legale", "Luca", "Legali")
    u["energia_user"] = _user(tenant, Role.CREDITOR_USER, "energia", "Elena", "Nord", creditor=energia)
    u["telco_user"] = _user(tenant, Role.CREDITOR_USER, "telsud", "Tito", "Sud", creditor=telco)
    energia.consultants.add(u["consultant"])

    # The other agency has its own creditor and a case for the same debtor code: never visible here.
    other_creditor = creditor_create(
        tenant=other, actor=system_actor(other), code="ENE", name="Energia Altrove", sector="utility"
    )
    other_assignment = assignment_create(
        tenant=other,
        actor=system_actor(other),
        creditor=other_creditor,
        code="X-1",
        received_on=dt.date(2025, 1, 1),
    )
    other_rossi, _ = debtor_upsert(
        tenant=other,
        actor=system_actor(other),
        kind=DebtorKind.PERSON,
        size=DebtorSize.CONSUMER,
        first_name="Mario",
        last_name="Rossi",
        tax_code=CF_ROSSI,
    )
    world.other_case = case_open(
        tenant=other,
        actor=system_actor(other),
        creditor=other_creditor,
        assignment=other_assignment,
        debtor=other_rossi,
        creditor_reference="O-1",
        claim_type=ClaimType.ORDINARY,
        commercial=False,
        opened_on=day,
        claims=[ClaimInput("OT-1", dt.date(2024, 1, 1), Decimal("99.00"))],
    )
    return world
