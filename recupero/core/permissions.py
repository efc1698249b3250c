"""Enforcement of role permissions inside services and selectors (templates only hide, this refuses)."""

from __future__ import annotations

from recupero.core.domain.roles import can
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User


def require(actor: User | None, permission: str) -> None:
    if actor is None or not actor.is_active or not can(actor.role, permission):
        raise DomainError("auth.forbidden")


def require_tenant(tenant: Tenant, actor: User | None) -> None:
    if actor is not None and actor.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
