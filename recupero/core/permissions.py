"""The one place that applies the permission model (`core/domain/roles.py`) to actors, querysets and writes.

- Reads: `case_q(actor)` / `creditor_q(actor)` cut a queryset to what the actor may see; selectors start there.
- Writes: every public service is declared with `@service(CAPABILITY)`, which refuses a missing or inactive
  actor, an actor of another agency and a role without the capability before the body runs; the body then
  checks the object it writes with `require_case` / `require_creditor` / `require_item`.
- What the actor may not know exists is "not found" (404), never "forbidden": a foreign id says nothing.
- The worker and the command line act as `system_actor(tenant)`: explicit, audited, never `None`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db.models import Q

from recupero.core.domain.roles import (
    CASE_SCOPE,
    OWN_ITEMS_ONLY,
    SCOPE_ASSIGNED_CREDITORS,
    SCOPE_LEGAL,
    SCOPE_OWN_CREDITOR,
    SCOPE_OWN_DEBTS,
    Role,
    can,
)
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User

P = ParamSpec("P")
R = TypeVar("R")

# Every function declared with @service, by dotted name: the service-layer permission test walks it.
SERVICES: dict[str, Callable[..., Any]] = {}
LEGAL_STATUS = "legal"  # cases.domain.states.CaseStatus.LEGAL (core sits below cases)


def system_actor(tenant: Tenant, name: str = "sistema") -> User:
    """The agency itself acting without a person: the worker, the daily run, a command run from a shell.
    An unsaved user (audit rows record no user id and say "sistema") that can never log in."""
    actor = User(username=name, role=Role.SYSTEM.value, tenant=tenant, is_active=True)
    actor.tenant_id = tenant.pk
    actor.set_unusable_password()
    return actor


def is_system(actor: User) -> bool:
    return actor.role == Role.SYSTEM.value and actor.pk is None


def debtor_actor(*, tenant_id: int, creditor_id: int, debtor_id: int, link_id: int, case_code: str) -> User:
    """The debtor who opened a personal link and passed its second factor (`cases.access`): an unsaved user with
    the `debtor` role, scoped to the cases of *that debtor with that creditor* — never their debts with other
    creditors of the agency — and never able to log in. Audit rows record no user id; they name the link."""
    actor = User(
        username=f"debitore:{case_code}", role=Role.DEBTOR.value, tenant_id=tenant_id, is_active=True
    )
    actor.creditor_id = creditor_id
    actor.debtor_id = debtor_id  # type: ignore[attr-defined]
    actor.access_link_id = link_id  # type: ignore[attr-defined]
    actor.set_unusable_password()
    return actor


def is_debtor(actor: User) -> bool:
    return actor.role == Role.DEBTOR.value and actor.pk is None


def require(actor: User | None, permission: str) -> None:
    if not isinstance(actor, User) or not actor.is_active or not can(actor.role, permission):
        raise DomainError("auth.forbidden")
    if actor.role in (Role.SYSTEM.value, Role.DEBTOR.value) and actor.pk is not None:
        raise DomainError("auth.forbidden")  # a stored user can never hold the system or debtor role


def require_tenant(tenant: Tenant | int, actor: User) -> None:
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    if actor.tenant_id is None or actor.tenant_id != tenant_id:
        raise DomainError("tenant.mismatch")


def check(actor: User | None, permission: str, tenant: Tenant | int) -> User:
    require(actor, permission)
    assert actor is not None
    require_tenant(tenant, actor)
    return actor


def creditor_ids(actor: User) -> frozenset[int] | None:
    """The creditors the actor's role reaches, or None for all of the agency's."""
    scope = CASE_SCOPE.get(Role(actor.role))
    if scope == SCOPE_OWN_CREDITOR:
        return frozenset({actor.creditor_id}) if actor.creditor_id else frozenset()
    if scope == SCOPE_ASSIGNED_CREDITORS:
        cached = getattr(actor, "_scope_creditors", None)
        if cached is None:
            cached = frozenset(actor.consulted_creditors.values_list("id", flat=True))  # type: ignore[attr-defined]
            actor._scope_creditors = cached  # type: ignore[attr-defined]
        return cached
    if scope in (SCOPE_LEGAL, SCOPE_OWN_DEBTS):
        # A debtor reaches no creditor as such (no list, no batch): only their own cases, through case_q.
        return frozenset() if scope == SCOPE_OWN_DEBTS else None
    return None


def _own_debts(actor: User) -> tuple[int, int]:
    """(debtor id, creditor id) of a debtor principal; a debtor-role user without them reaches nothing."""
    debtor_id, creditor_id = getattr(actor, "debtor_id", None), actor.creditor_id
    if not debtor_id or not creditor_id or actor.pk is not None:
        return (0, 0)
    return (int(debtor_id), int(creditor_id))


def case_q(actor: User, prefix: str = "") -> Q:
    """The condition that keeps the cases (or rows of a case, with `prefix="case__"`) the actor may reach."""
    scope = CASE_SCOPE.get(Role(actor.role))
    if scope is None:
        return Q(pk__in=[])
    if scope == SCOPE_LEGAL:
        return Q(**{f"{prefix}status": LEGAL_STATUS})
    if scope == SCOPE_OWN_DEBTS:
        debtor_id, creditor_id = _own_debts(actor)
        return Q(**{f"{prefix}debtor_id": debtor_id, f"{prefix}creditor_id": creditor_id})
    ids = creditor_ids(actor)
    if ids is None:
        return Q()
    return Q(**{f"{prefix}creditor_id__in": sorted(ids)})


def creditor_q(actor: User, field: str = "pk") -> Q:
    """The creditors the actor may see (a lawyer sees none: legal cases are reached through the cases)."""
    scope = CASE_SCOPE.get(Role(actor.role))
    if scope in (SCOPE_LEGAL, SCOPE_OWN_DEBTS):
        return Q(**{f"{field}__in": []})
    ids = creditor_ids(actor)
    return Q() if ids is None else Q(**{f"{field}__in": sorted(ids)})


def in_case_scope(actor: User, *, creditor_id: int, status: str, debtor_id: int | None = None) -> bool:
    scope = CASE_SCOPE.get(Role(actor.role))
    if scope == SCOPE_LEGAL:
        return status == LEGAL_STATUS
    if scope == SCOPE_OWN_DEBTS:
        return debtor_id is not None and (debtor_id, creditor_id) == _own_debts(actor)
    ids = creditor_ids(actor)
    return ids is None or creditor_id in ids


def require_case(actor: User, permission: str, case: Any) -> None:
    """The actor may do `permission` on this case (tenant and scope); out of scope looks like not found."""
    check(actor, permission, case.tenant_id)
    if not in_case_scope(actor, creditor_id=case.creditor_id, status=case.status, debtor_id=case.debtor_id):
        raise DomainError("auth.not_found")


def require_creditor(actor: User, permission: str, creditor_id: int, tenant_id: int) -> None:
    check(actor, permission, tenant_id)
    ids = creditor_ids(actor)
    if CASE_SCOPE.get(Role(actor.role)) in (SCOPE_LEGAL, SCOPE_OWN_DEBTS) or (
        ids is not None and creditor_id not in ids
    ):
        raise DomainError("auth.not_found")


def own_items_only(actor: User, permission: str) -> bool:
    return (Role(actor.role), permission) in OWN_ITEMS_ONLY


def require_item(actor: User, permission: str, *, assigned_to_id: int | None) -> None:
    """A role that works only its own items may act on one assigned to it or to nobody."""
    if own_items_only(actor, permission) and assigned_to_id not in (None, actor.pk):
        raise DomainError("auth.forbidden")


def require_any(actor: User | None, permissions: tuple[str, ...]) -> None:
    for permission in permissions:
        try:
            require(actor, permission)
            return
        except DomainError:
            continue
    raise DomainError("auth.forbidden")


def actor_capability(actor: User, permissions: tuple[str, ...]) -> str:
    """The first of `permissions` the actor holds (for a scope check after `@service` accepted one of them)."""
    for permission in permissions:
        if can(actor.role, permission):
            return permission
    raise DomainError("auth.forbidden")


def service(*permissions: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a public service: its actor must exist, belong to the tenant and hold one of `permissions`
    (several only where the object decides which one applies, e.g. a visit report or a call outcome).

    Checked before the body runs, so a refused call changes nothing. Object scope (which case, which creditor)
    is checked by the body with `require_case` & co., once it has loaded the object."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = kwargs.get("actor")
            require_any(actor, permissions)  # type: ignore[arg-type]
            tenant = kwargs.get("tenant")
            if tenant is None and "tenant_id" in kwargs:
                tenant = kwargs["tenant_id"]
            if tenant is not None:
                require_tenant(tenant, actor)  # type: ignore[arg-type]
            return fn(*args, **kwargs)

        wrapper.permissions = permissions  # type: ignore[attr-defined]
        SERVICES[f"{fn.__module__}.{fn.__name__}"] = wrapper
        return wrapper

    return decorate
