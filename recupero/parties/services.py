"""Every write on creditors, mandates, debtors and contact points."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from recupero.core.clock import now
from recupero.core.domain.roles import (
    COMMIT_IMPORTS,
    EDIT_CASES,
    MANAGE_CREDITORS,
    RECORD_RECEIPTS,
    WORK_ITEMS,
)
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import actor_capability, case_q, service
from recupero.core.services import audit_record
from recupero.law.codes import normalize_tax_code, normalize_vat_number
from recupero.law.errors import LawError
from recupero.parties.domain.contacts import ContactKind, ContactStatus, normalize_email, normalize_phone
from recupero.parties.domain.debtors import DebtorKind, DebtorSize
from recupero.parties.domain.geo import cap_matches_province, is_province
from recupero.parties.models import ContactPoint, Creditor, Debtor, Mandate

# Who may mark a contact point wrong or valid: whoever works the debtor's cases, and the worker reading bounces.
CONTACT_MARKERS = (EDIT_CASES, WORK_ITEMS, RECORD_RECEIPTS)


def _require_debtor(actor: User, debtor: Debtor, permissions: tuple[str, ...]) -> None:
    """The actor reaches the debtor through at least one case in its scope (a debtor may owe several creditors);
    a debtor with no case yet (being created by the intake) is reached by whoever may import."""
    actor_capability(actor, permissions)
    cases = debtor.cases.all()  # type: ignore[attr-defined]
    if cases.exists() and not cases.filter(case_q(actor)).exists():
        raise DomainError("auth.not_found")


def _tax_code(value: str) -> str:
    try:
        return normalize_tax_code(value) if value else ""
    except LawError as exc:
        raise DomainError("party.bad_tax_code", value=value) from exc


def _vat(value: str) -> str:
    try:
        return normalize_vat_number(value) if value else ""
    except LawError as exc:
        raise DomainError("party.bad_vat_number", value=value) from exc


@service(MANAGE_CREDITORS)
@transaction.atomic
def creditor_create(
    *,
    tenant: Tenant,
    actor: User,
    code: str,
    name: str,
    sector: str,
    vat_number: str = "",
    tax_code: str = "",
    pec: str = "",
    **branding: Any,
) -> Creditor:
    creditor = Creditor.objects.create(
        tenant=tenant,
        code=code,
        name=name,
        sector=sector,
        vat_number=_vat(vat_number),
        tax_code=_tax_code(tax_code),
        pec=pec,
        **branding,
    )
    audit_record(tenant=tenant, actor=actor, action="creditor.create", obj=creditor)
    return creditor


@service(MANAGE_CREDITORS)
@transaction.atomic
def mandate_create(
    *,
    tenant: Tenant,
    actor: User,
    creditor: Creditor,
    reference: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    commission_percent: Decimal = Decimal("15.00"),
    max_discount_percent: Decimal = Decimal("0.00"),
    **terms: Any,
) -> Mandate:
    if creditor.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    for value in (commission_percent, max_discount_percent):
        if not Decimal(0) <= value <= Decimal(100):
            raise DomainError("party.bad_percentage", value=value)
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("party.bad_dates")
    mandate = Mandate.objects.create(
        tenant=tenant,
        creditor=creditor,
        reference=reference,
        starts_on=starts_on,
        ends_on=ends_on,
        commission_percent=commission_percent,
        max_discount_percent=max_discount_percent,
        **terms,
    )
    audit_record(tenant=tenant, actor=actor, action="mandate.create", obj=mandate)
    return mandate


def debtor_search_name(*, first_name: str = "", last_name: str = "", company_name: str = "") -> str:
    return (company_name or f"{last_name} {first_name}").strip().lower()


@service(COMMIT_IMPORTS)
@transaction.atomic
def debtor_upsert(
    *,
    tenant: Tenant,
    actor: User,
    kind: DebtorKind,
    size: DebtorSize,
    first_name: str = "",
    last_name: str = "",
    company_name: str = "",
    tax_code: str = "",
    vat_number: str = "",
    vulnerable: bool = False,
) -> tuple[Debtor, bool]:
    """Create a debtor, or return the one already known by codice fiscale / partita IVA (one per tenant)."""
    tax_code, vat_number = _tax_code(tax_code), _vat(vat_number)
    if not tax_code and not vat_number:
        raise DomainError("party.missing_identity")
    existing = Debtor.objects.filter(tenant=tenant)
    found = (existing.filter(tax_code=tax_code).first() if tax_code else None) or (
        existing.filter(vat_number=vat_number).first() if vat_number else None
    )
    if found is not None:
        return found, False
    debtor = Debtor.objects.create(
        tenant=tenant,
        kind=kind.value,
        size=size.value,
        first_name=first_name,
        last_name=last_name,
        company_name=company_name,
        tax_code=tax_code,
        vat_number=vat_number,
        vulnerable=vulnerable,
        search_name=debtor_search_name(first_name=first_name, last_name=last_name, company_name=company_name),
    )
    audit_record(tenant=tenant, actor=actor, action="debtor.create", obj=debtor)
    return debtor, True


def _contact_value(kind: ContactKind, value: str) -> str:
    if kind in (ContactKind.PHONE, ContactKind.MOBILE):
        normalized = normalize_phone(value)
    elif kind in (ContactKind.EMAIL, ContactKind.PEC):
        normalized = normalize_email(value)
    else:
        normalized = " ".join(value.split()) or None
    if normalized is None:
        raise DomainError("party.bad_contact", kind=kind.value, value=value)
    return normalized


@service(COMMIT_IMPORTS, EDIT_CASES)
@transaction.atomic
def contact_add(
    *,
    tenant: Tenant,
    actor: User,
    debtor: Debtor,
    kind: ContactKind,
    value: str,
    cap: str = "",
    municipality: str = "",
    province: str = "",
    source: str = "committente",
    status: str = "unverified",
    country: str = "IT",
) -> tuple[ContactPoint, bool]:
    """Add a contact point (validated and normalized); an existing identical one is returned unchanged. An
    address abroad (`country` ≠ IT, ISO alpha-2) is stored as given: no Italian province or CAP, its postcode
    in front of the town in `municipality`."""
    if debtor.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    _require_debtor(actor, debtor, (EDIT_CASES, COMMIT_IMPORTS))
    point = _contact_point(kind, value, cap, province, country)
    contact, created = _contact_store(tenant, debtor, point, municipality, source, status)
    if created:
        audit_record(
            tenant=tenant, actor=actor, action="contact.add", obj=contact, details={"kind": kind.value}
        )
    return contact, created


def _contact_store(
    tenant: Tenant, debtor: Debtor, point: ContactPoint, municipality: str, source: str, status: str
) -> tuple[ContactPoint, bool]:
    """The checked point (`_contact_point`) stored once per debtor, kind and value: (point, created)."""
    return ContactPoint.objects.get_or_create(
        tenant=tenant,
        debtor=debtor,
        kind=point.kind,
        value=point.value,
        defaults={
            "cap": point.cap,
            "municipality": municipality,
            "province": point.province,
            "country": point.country,
            "source": source,
            "status": status,
        },
    )


def _contact_point(kind: ContactKind, value: str, cap: str, province: str, country: str) -> ContactPoint:
    """The checked and normalized fields of a new point (unsaved): bad input raises, nothing is written."""
    normalized = _contact_value(kind, value)
    country = country.strip().upper()
    if kind == ContactKind.ADDRESS and country != "IT":
        cap, province = "", ""
    elif kind == ContactKind.ADDRESS:
        province = province.upper()
        if not is_province(province):
            raise DomainError("party.unknown_province", value=province)
        if not (len(cap) == 5 and cap.isdigit()):
            raise DomainError("party.bad_cap", value=cap)
        if not cap_matches_province(cap, province):
            raise DomainError("party.cap_province_mismatch", cap=cap, province=province)
    return ContactPoint(
        kind=kind.value,
        value=normalized,
        cap=cap,
        province=province,
        country=country if kind == ContactKind.ADDRESS else "IT",
    )


@service(*CONTACT_MARKERS)
@transaction.atomic
def contact_mark(
    *, tenant: Tenant, actor: User, contact: ContactPoint, status: str, reason: str = ""
) -> ContactPoint:
    """Change a contact point's status (a bounced e-mail, a wrong number: `wrong`; a check: `valid`).

    A point marked wrong or unreachable is never used again by the daily run (strategies.selectors)."""
    if contact.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    _require_debtor(actor, contact.debtor, CONTACT_MARKERS)
    if status not in {s.value for s in ContactStatus}:
        raise DomainError("party.bad_contact", kind=contact.kind, value=status)
    if contact.status == status:
        return contact
    previous = contact.status
    contact.status = status
    if status == ContactStatus.VALID:
        contact.verified_at = now()
    contact.save(update_fields=["status", "verified_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contact.mark",
        obj=contact,
        details={"from": previous, "to": status, "reason": reason},
    )
    return contact


# Who may confirm a debtor's data flagged at intake: whoever works the debtor's cases (the verification task).
DATA_VERIFIERS = (EDIT_CASES, WORK_ITEMS)


@service(*DATA_VERIFIERS)
@transaction.atomic
def debtor_data_verify(*, tenant: Tenant, actor: User, debtor: Debtor, reason: str = "") -> Debtor:
    """A person checked the debtor's identity and addresses flagged "to verify" at intake (verifica anagrafica):
    the identity becomes verified and the flagged addresses valid, so the planner's guards let the SIC, legal
    and postal steps go on. A debtor with nothing flagged is left as it is."""
    if debtor.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    _require_debtor(actor, debtor, DATA_VERIFIERS)
    debtor = Debtor.objects.select_for_update().get(pk=debtor.pk)
    flagged = list(debtor.contacts.filter(status=ContactStatus.TO_VERIFY))  # type: ignore[attr-defined]
    identity = debtor.identity_status == "to_verify"
    if identity:
        debtor.identity_status = "verified"
        debtor.save(update_fields=["identity_status"])
    for point in flagged:
        point.status, point.verified_at = ContactStatus.VALID.value, now()
        point.save(update_fields=["status", "verified_at"])
    if identity or flagged:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="debtor.verify",
            obj=debtor,
            details={"identity": identity, "contacts": [p.pk for p in flagged], "reason": reason},
        )
    return debtor


@service(MANAGE_CREDITORS)
@transaction.atomic
def creditor_consultant_add(*, tenant: Tenant, actor: User, creditor: Creditor, user: User) -> None:
    """An agency user looks after the creditor's portfolio (`Creditor.consultants`: a consultant's scope)."""
    if creditor.tenant_id != tenant.pk or user.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    creditor.consultants.add(user)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="creditor.consultant_add",
        obj=creditor,
        details={"user": user.username},
    )
