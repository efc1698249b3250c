"""The shared kernel's services through the database: users with a role, the audit verdict, background jobs."""

from __future__ import annotations

import pytest
from django.db import transaction

from recupero.core import jobs
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.models import AuditLog, User
from recupero.core.permissions import system_actor
from recupero.core.services import audit_verify_record, user_create
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_user_create_gives_the_role_never_superuser_and_leaves_an_audit_row(tenant):
    admin = make_user(tenant, Role.ADMIN)
    before = AuditLog.objects.filter(tenant=tenant).count()
    user = user_create(
        tenant=tenant, actor=admin, username="mrossi", password=TEST_PASSWORD, role=Role.COLLECTOR
    )
    stored = User.objects.get(pk=user.pk)
    assert (stored.role, stored.is_superuser, stored.is_staff, stored.tenant_id) == (
        "collector",
        False,
        False,
        tenant.pk,
    )
    assert stored.check_password(TEST_PASSWORD)
    row = AuditLog.objects.filter(tenant=tenant).order_by("-seq").first()
    assert AuditLog.objects.filter(tenant=tenant).count() == before + 1
    assert (row.action, row.object_id, row.actor_id) == ("user.create", str(user.pk), admin.pk)


def test_a_weak_password_creates_nobody(tenant):
    admin = make_user(tenant, Role.ADMIN)
    users, rows = User.objects.count(), AuditLog.objects.count()
    with pytest.raises(DomainError):
        user_create(tenant=tenant, actor=admin, username="weak", password="123", role=Role.COLLECTOR)
    assert (User.objects.count(), AuditLog.objects.count()) == (users, rows)


def test_a_collector_may_not_create_users(tenant):
    collector = make_user(tenant, Role.COLLECTOR)
    with pytest.raises(DomainError) as err:
        user_create(tenant=tenant, actor=collector, username="x", password=TEST_PASSWORD, role=Role.ADMIN)
    assert err.value.code == "auth.forbidden"
    assert not User.objects.filter(username="x").exists()


def test_the_audit_verdict_is_itself_recorded(tenant):
    make_user(tenant, Role.ADMIN)
    verdict = audit_verify_record(tenant=tenant, actor=system_actor(tenant))
    assert verdict.ok is True
    last = AuditLog.objects.filter(tenant=tenant).order_by("-seq").first()
    assert (last.action, last.details["ok"]) == ("audit.verify", True)


def test_a_job_starts_on_commit_and_an_unknown_job_fails_at_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    started: list[tuple[int, ...]] = []
    monkeypatch.setattr(jobs, "_JOBS", {})
    jobs.job_register("test.job", lambda *args: started.append(args))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        jobs.job_enqueue_on_commit("test.job", 7, 8)
        assert started == []  # not before the commit
    assert (len(callbacks), started) == (1, [(7, 8)])
    with pytest.raises(LookupError):
        jobs.job_enqueue_on_commit("test.unknown", 1)
