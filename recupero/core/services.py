"""Writes of the shared kernel: the audit record, and user creation with a role."""

from __future__ import annotations

from typing import Any

from django.db import models

from recupero.core.context import current_ip
from recupero.core.domain.roles import MANAGE_USERS, Role
from recupero.core.models import AuditLog, Tenant, User
from recupero.core.passwords import password_check
from recupero.core.permissions import service


def audit_record(
    *,
    tenant: Tenant,
    actor: User,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one audit row. Called by every service write (inside its transaction) and by personal-data views."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditLog.objects.create(
        tenant=tenant,
        actor=actor if actor is not None and actor.pk else None,
        ip=current_ip.get(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details or {},
    )


@service(MANAGE_USERS)
def user_create(
    *,
    tenant: Tenant,
    actor: User,
    username: str,
    password: str,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    creditor_id: int | None = None,
    is_staff: bool = False,
) -> User:
    """A user of the agency with a role. Never a Django superuser: the role's capabilities decide what they do,
    the Django admin included (`core.admin_site`). The password must pass AUTH_PASSWORD_VALIDATORS."""
    user = User(
        tenant=tenant,
        username=username,
        role=role.value,
        first_name=first_name,
        last_name=last_name,
        creditor_id=creditor_id,
        is_staff=is_staff or role == Role.ADMIN,
        is_superuser=False,
    )
    password_check(password, user)
    user.set_password(password)
    user.save()
    audit_record(tenant=tenant, actor=actor, action="user.create", obj=user, details={"role": role.value})
    return user
