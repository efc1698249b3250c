"""The tenant a command works on: --tenant CODE, else the only one (or the demo agency)."""

from __future__ import annotations

from django.core.management.base import CommandError

from recupero.core.models import Tenant


def resolve_tenant(code: str | None) -> Tenant:
    if code:
        found = Tenant.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"agenzia sconosciuta: {code}")
        return found
    tenants = list(Tenant.objects.order_by("id")[:2])
    if len(tenants) == 1:
        return tenants[0]
    demo = Tenant.objects.filter(code="demo").first()
    if demo is not None:
        return demo
    raise CommandError("più agenzie: indicare --tenant CODICE" if tenants else "nessuna agenzia nel database")
