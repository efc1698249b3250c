"""The one home of the test builders (issue 11, item 5): factory-boy factories that create rows through the
owners' services, so that tests exercise the same validation as the product.

`tests/factories.py` (make_*), `tests/portfolio.py` (b.*) and `recupero/web/tests/factories.py` (build_world)
are thin wrappers over these; tests/test_house_rules.py checks that they create nothing themselves.

Every factory here needs the owning rows passed in (tenant, creditor, debtor…): a factory never invents a tenant
behind the test's back. Defaults are those of `tests/factories.py`, the most used set.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from recupero.cases.domain.claims import ClaimType
from recupero.cases.domain.states import CaseStatus
from recupero.cases.models import Assignment, Case
from recupero.cases.services import ClaimInput, assignment_create, case_open, case_transition
from recupero.core.accounts import otp_device_of, otp_needed
from recupero.core.models import Tenant, User
from recupero.core.permissions import system_actor
from recupero.core.services import user_create
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.models import LedgerEntry
from recupero.ledger.services import Line, entry_post, opening_post
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.domain.debtors import DebtorKind, DebtorSize
from recupero.parties.models import ContactPoint, Creditor, Debtor, Mandate
from recupero.parties.services import contact_add, creditor_create, debtor_upsert, mandate_create

# One counter for every generated code, username and reference: unique within a test run.
_seq = itertools.count(1)


def seq() -> int:
    return next(_seq)


# Passes every password validator (length 10+, not common, not all digits, unlike the user's names).
TEST_PASSWORD = "prova-sicura-2026"


class TenantFactory(DjangoModelFactory):
    """The agency: the only row made directly (no service creates tenants; `recupero demo` does the same)."""

    class Meta:
        model = Tenant

    code = "acme"
    name = factory.LazyAttribute(lambda o: f"Agenzia {o.code}")


class _ServiceFactory(factory.Factory):
    """A factory whose `create` goes through the owner's service, as the system actor of the row's tenant."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        tenant = kwargs.pop("tenant")
        return cls._service(tenant=tenant, actor=system_actor(tenant), **kwargs)

    @classmethod
    def _service(cls, **kwargs: Any) -> Any:
        raise NotImplementedError


class UserFactory(_ServiceFactory):
    class Meta:
        model = User

    username = factory.LazyAttribute(lambda o: f"{o.role.value}-{o.tenant.code}-{seq()}")
    password = TEST_PASSWORD
    creditor = None

    @classmethod
    def _service(cls, *, creditor: Creditor | None, **kwargs: Any) -> User:
        return user_create(creditor_id=creditor.pk if creditor else None, **kwargs)


class CreditorFactory(_ServiceFactory):
    class Meta:
        model = Creditor

    code = factory.LazyFunction(lambda: f"CR{seq()}")
    name = factory.LazyAttribute(lambda o: f"Committente {o.code}")
    sector = "utility"
    vat_number = "00743110157"

    @classmethod
    def _service(cls, **kwargs: Any) -> Creditor:
        return creditor_create(**kwargs)


class MandateFactory(_ServiceFactory):
    class Meta:
        model = Mandate

    tenant = factory.LazyAttribute(lambda o: o.creditor.tenant)
    reference = factory.LazyFunction(lambda: f"MAND-{seq()}")
    starts_on = dt.date(2025, 1, 1)

    @classmethod
    def _service(cls, **kwargs: Any) -> Mandate:
        return mandate_create(**kwargs)


class DebtorFactory(_ServiceFactory):
    """A consumer, found again by codice fiscale if the tenant already knows them (debtor_upsert)."""

    class Meta:
        model = Debtor

    kind = DebtorKind.PERSON
    size = DebtorSize.CONSUMER
    first_name = "Mario"
    last_name = "Rossi"
    tax_code = "RSSMRA85T10A562S"

    @classmethod
    def _service(cls, **kwargs: Any) -> Debtor:
        return debtor_upsert(**kwargs)[0]


class CompanyDebtorFactory(_ServiceFactory):
    class Meta:
        model = Debtor

    kind = DebtorKind.COMPANY
    size = DebtorSize.SME
    vat_number = "00743110157"
    company_name = factory.LazyAttribute(lambda o: f"Impresa {o.vat_number}")

    @classmethod
    def _service(cls, **kwargs: Any) -> Debtor:
        return debtor_upsert(**kwargs)[0]


class ContactPointFactory(_ServiceFactory):
    """A contact of a debtor; an address gets the CAP, town and province of Milan unless told otherwise."""

    class Meta:
        model = ContactPoint

    tenant = factory.LazyAttribute(lambda o: o.debtor.tenant)
    kind = ContactKind.ADDRESS
    value = "Via Roma 1"
    cap = factory.LazyAttribute(lambda o: "20121" if o.kind == ContactKind.ADDRESS else "")
    municipality = factory.LazyAttribute(lambda o: "Milano" if o.kind == ContactKind.ADDRESS else "")
    province = factory.LazyAttribute(lambda o: "MI" if o.kind == ContactKind.ADDRESS else "")

    @classmethod
    def _service(cls, **kwargs: Any) -> ContactPoint:
        return contact_add(**kwargs)[0]


class AssignmentFactory(_ServiceFactory):
    class Meta:
        model = Assignment

    tenant = factory.LazyAttribute(lambda o: o.creditor.tenant)
    code = factory.LazyFunction(lambda: f"A{seq()}")
    received_on = dt.date(2026, 1, 10)

    @classmethod
    def _service(cls, **kwargs: Any) -> Assignment:
        return assignment_create(**kwargs)


class ClaimFactory(factory.Factory):
    """One invoice of a case: the input of case_open (claims are created by it, never alone)."""

    class Meta:
        model = ClaimInput

    invoice_number = factory.LazyFunction(lambda: f"F{seq()}")
    issued_on = dt.date(2025, 1, 10)
    amount = Decimal("120.50")
    due_on = dt.date(2025, 2, 10)


class CaseFactory(_ServiceFactory):
    """A case opened through case_open with its claims and, unless `opening=False`, its opening ledger entry
    posted on the day it was opened (the case is then re-read, balances included)."""

    class Meta:
        model = Case

    tenant = factory.LazyAttribute(lambda o: o.creditor.tenant)
    opening = True
    assignment = factory.LazyAttribute(lambda o: AssignmentFactory(creditor=o.creditor))
    creditor_reference = factory.LazyFunction(lambda: f"REF{seq()}")
    claim_type = ClaimType.ELECTRICITY
    commercial = False
    claims = factory.LazyFunction(lambda: [ClaimFactory()])
    opened_on = dt.date(2026, 1, 10)
    province = "MI"

    @classmethod
    def _create(cls, model_class: type, *args: Any, opening: bool = True, **kwargs: Any) -> Case:
        case: Case = super()._create(model_class, *args, **kwargs)
        if opening:
            opening_post(
                tenant=case.tenant, actor=system_actor(case.tenant), case=case, posted_on=kwargs["opened_on"]
            )
            case.refresh_from_db()
        return case

    @classmethod
    def _service(cls, **kwargs: Any) -> Case:
        return case_open(**kwargs)


class PaymentEntryFactory(_ServiceFactory):
    """A payment received on a case, booked against principal (entry_post)."""

    class Meta:
        model = LedgerEntry

    tenant = factory.LazyAttribute(lambda o: o.case.tenant)
    kind = EntryKind.PAYMENT
    summary = ""

    @classmethod
    def _service(cls, *, amount: Decimal, **kwargs: Any) -> list[LedgerEntry]:
        return entry_post(lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, amount)], **kwargs)


def case_moved(case: Case, target: CaseStatus) -> Case:
    """The case moved to another status through the transition table, as the system."""
    case_transition(tenant=case.tenant, actor=system_actor(case.tenant), case=case, target=target)
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
