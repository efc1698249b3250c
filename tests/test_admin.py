"""The Django admin is cut to the administrator's agency, opened by the role's capability, and read-only where the
books are: walked over every registered ModelAdmin, so a new admin is covered without editing this test."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from recupero.cases.models import Assignment, Case, Claim
from recupero.core.admin import TenantScopedAdmin
from recupero.core.domain.roles import Role
from recupero.core.models import AuditLog, Tenant, User
from recupero.core.permissions import system_actor
from recupero.ledger.models import LedgerEntry
from recupero.ledger.services import opening_post
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.services import contact_add, mandate_create
from recupero.web.tests.factories import build_world
from recupero.worklists.services import WorkItemSpec, work_items_create
from tests.factories import make_user, otp_verify_session

pytestmark = pytest.mark.django_db

OTHER_NAMES = ("Altra Agenzia", "Energia Altrove")


@pytest.fixture
def world():
    world = build_world()
    other, case = world.other_tenant, world.other_case
    assert case is not None
    opening_post(tenant=other, actor=system_actor(other), case=case, posted_on=dt.date(2026, 1, 10))
    contact_add(
        tenant=other,
        actor=system_actor(other),
        debtor=case.debtor,
        kind=ContactKind.MOBILE,
        value="+39 347 765 4321",
    )
    mandate_create(
        tenant=other,
        actor=system_actor(other),
        creditor=case.creditor,
        reference="M-ALTRO",
        starts_on=dt.date(2025, 1, 1),
    )
    spec = WorkItemSpec(case.pk, "call", "call_1", "", dt.date(2026, 1, 12), None, "altro-1")
    work_items_create(tenant=other, actor=system_actor(other), specs=[spec])
    other_admin = make_user(other, Role.ADMIN, username="admin-altro")
    otp_verify_session(Client(), other_admin)  # the other agency's administrator has an authenticator
    return world


def scoped_admins() -> list[tuple[type, TenantScopedAdmin]]:
    registered = [(m, a) for m, a in admin.site._registry.items() if isinstance(a, TenantScopedAdmin)]
    assert len(registered) >= 16  # every Recupero model admin builds on TenantScopedAdmin
    return registered


def url(model: type, view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def foreign_rows(model: type, tenant: Tenant) -> list:
    if model is Tenant:
        return [tenant]
    if model is TOTPDevice:
        return list(TOTPDevice.objects.filter(user__tenant=tenant))
    return list(model._default_manager.filter(tenant=tenant)[:3])


def tenant_of_row(row) -> int:
    return (
        row.pk
        if isinstance(row, Tenant)
        else row.user.tenant_id
        if isinstance(row, TOTPDevice)
        else row.tenant_id
    )


def test_every_recupero_admin_is_tenant_scoped():
    """Third-party admins (login attempts, TOTP devices) are the only ones not built on the scoped base; they
    need Django permissions, which agency administrators do not have."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_config.name.startswith("recupero."):
            assert isinstance(model_admin, TenantScopedAdmin), model


def test_admin_sees_only_its_agency_on_every_changelist_and_change_page(client, world):
    client.force_login(world.users["admin"])
    mine, other = world.tenant, world.other_tenant
    with_foreign_rows = 0
    for model, _ in scoped_admins():
        listing = client.get(url(model, "changelist"))
        assert listing.status_code == 200, model
        rows = list(listing.context["cl"].queryset)
        assert all(tenant_of_row(r) == mine.pk for r in rows), model
        assert not any(name in listing.content.decode() for name in OTHER_NAMES), model
        for row in foreign_rows(model, other):
            with_foreign_rows += 1
            for view in ("change", "history"):
                assert client.get(url(model, view, row.pk)).status_code == 404, (model, view)
            # Delete: 403 where nothing may be deleted (asked before the look-up), else not found.
            assert client.post(url(model, "delete", row.pk), {"post": "yes"}).status_code in (403, 404), model
            assert model._default_manager.filter(pk=row.pk).exists()
        for row in foreign_rows(model, mine)[:1]:
            page = client.get(url(model, "change", row.pk))
            assert page.status_code == 200, model
            assert not any(name in page.content.decode() for name in OTHER_NAMES), model
    # The other agency has rows in (at least) these admins: the 404s above were tried, not skipped.
    assert with_foreign_rows >= 12


def test_foreign_key_choices_hold_only_the_agency_rows(client, world):
    client.force_login(world.users["admin"])
    case = world.cases["rossi_ene"]
    page = client.get(url(Case, "change", case.pk)).content.decode()
    assert "Energia Nord S.p.A." in page and "TeleSud S.r.l." in page
    assert "Energia Altrove" not in page
    # A forged id of the other agency's creditor is refused by the form and changes nothing.
    foreign = world.other_case.creditor
    response = client.post(
        url(Assignment, "add"), {"creditor": foreign.pk, "code": "FORGED", "received_on": "2026-01-10"}
    )
    assert response.status_code == 200 and "Scegli un&#x27;opzione valida" in response.content.decode()
    assert not Assignment.objects.filter(code="FORGED").exists()


def test_tenant_is_set_on_add_and_the_write_is_audited(client, world):
    admin_user = world.users["admin"]
    client.force_login(admin_user)
    response = client.post(
        url(Assignment, "add"),
        {"creditor": world.energia.pk, "code": "ENE-ADMIN-1", "received_on": "2026-02-01", "status": "open"},
    )
    assert response.status_code == 302
    added = Assignment.objects.get(code="ENE-ADMIN-1")
    assert added.tenant_id == world.tenant.pk
    row = AuditLog.objects.get(action="admin.add", object_id=str(added.pk))
    assert (row.tenant_id, row.actor_id, row.object_type) == (
        world.tenant.pk,
        admin_user.pk,
        "cases.assignment",
    )


def test_unique_codes_of_the_agency_are_form_errors(client, world):
    client.force_login(world.users["admin"])
    response = client.post(
        url(Assignment, "add"),
        {"creditor": world.energia.pk, "code": "ENE-2025-03", "received_on": "2026-02-01", "status": "open"},
    )
    assert response.status_code == 200
    assert Assignment.objects.filter(code="ENE-2025-03").count() == 1


def test_ledger_audit_and_claims_are_read_only(client, world):
    client.force_login(world.users["admin"])
    case = world.cases["rossi_ene"]
    entries, audits = LedgerEntry.objects.count(), AuditLog.objects.count()
    assert client.get(url(LedgerEntry, "add")).status_code == 403
    posted = client.post(url(LedgerEntry, "add"), {"case": case.pk, "amount": "1000.00", "kind": "payment"})
    assert posted.status_code == 403
    audit_row = AuditLog.objects.filter(tenant=world.tenant).first()
    assert client.post(url(AuditLog, "delete", audit_row.pk), {"post": "yes"}).status_code == 403
    bulk = client.post(
        url(AuditLog, "changelist"),
        {"action": "delete_selected", "_selected_action": [audit_row.pk], "post": "yes"},
    )
    assert bulk.status_code == 200  # "no action selected": delete_selected is not offered
    assert client.post(url(AuditLog, "change", audit_row.pk), {"action": "x"}).status_code == 403
    entry = LedgerEntry.objects.filter(tenant=world.tenant).first()
    assert client.post(url(LedgerEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    assert (LedgerEntry.objects.count(), AuditLog.objects.count()) == (entries, audits)
    # Claims show inline on the case, without inputs: an amount typed here would leave the books behind.
    page = client.get(url(Case, "change", case.pk)).content.decode()
    assert "FT-2024/0001" in page and 'name="claims-0-amount"' not in page
    claim = Claim.objects.get(case=case)
    client.post(
        url(Case, "change", case.pk),
        {
            "claims-TOTAL_FORMS": "1",
            "claims-INITIAL_FORMS": "1",
            "claims-0-id": claim.pk,
            "claims-0-amount": "1",
        },
    )
    claim.refresh_from_db()
    assert str(claim.amount) == "1234.56"


def test_user_admin_offers_no_superuser_flag_or_permissions(client, world):
    client.force_login(world.users["admin"])
    page = client.get(url(User, "change", world.users["collector"].pk)).content.decode()
    assert 'name="role"' in page
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    assert 'name="groups"' not in page and 'name="tenant"' not in page
    foreign = User.objects.get(username="admin-altro")
    assert client.get(url(User, "change", foreign.pk)).status_code == 404
    assert client.get(reverse("admin:auth_user_password_change", args=[foreign.pk])).status_code == 404


@pytest.mark.parametrize("role", ["supervisor", "consultant", "collector", "lawyer", "energia_user"])
def test_roles_without_the_capability_get_no_admin(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(url(Case, "changelist")).status_code == 403
    assert client.get(url(Case, "change", world.cases["rossi_ene"].pk)).status_code == 403


def test_anonymous_is_sent_to_the_one_login_page(client, world):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login") + "?next=/admin/"


def test_agency_admins_are_not_superusers_and_the_migration_clears_the_flag(world):
    assert not world.users["admin"].is_superuser
    User.objects.filter(pk=world.users["admin"].pk).update(is_superuser=True)
    operator = User.objects.create(username="operatore", is_superuser=True)  # createsuperuser: no agency
    migration = importlib.import_module("recupero.core.migrations.0002_agency_admins_not_superusers")
    migration.forwards(apps, None)
    assert not User.objects.get(pk=world.users["admin"].pk).is_superuser
    assert User.objects.get(pk=operator.pk).is_superuser


def test_admin_removes_the_authenticator_of_a_user_of_its_agency_only(client, world):
    admin_user, supervisor = world.users["admin"], world.users["supervisor"]
    client.force_login(supervisor)  # the supervisor enrols (test helper), then loses the phone
    device = TOTPDevice.objects.get(user=supervisor)
    client.force_login(admin_user)
    listing = client.get(url(TOTPDevice, "changelist")).content.decode()
    assert "super" in listing and "admin-altro" not in listing
    page = client.get(url(TOTPDevice, "change", device.pk)).content.decode()
    assert device.key not in page  # the secret is never shown
    assert client.get(url(TOTPDevice, "add")).status_code == 403
    foreign = TOTPDevice.objects.get(user__username="admin-altro")
    assert client.post(url(TOTPDevice, "delete", foreign.pk), {"post": "yes"}).status_code == 404
    assert client.post(url(TOTPDevice, "delete", device.pk), {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    assert TOTPDevice.objects.filter(pk=foreign.pk).exists()
    assert (
        AuditLog.objects.filter(
            action="admin.delete", actor=admin_user, object_type="otp_totp.totpdevice"
        ).count()
        == 1
    )
