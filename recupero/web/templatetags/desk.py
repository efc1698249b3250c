"""Template helpers of the collector's desk: whether the user's role holds a capability (to leave out a form
the service would refuse anyway — the services decide, never the template)."""

from __future__ import annotations

from django import template

from recupero.core.domain.roles import can

register = template.Library()


@register.filter
def holds(user: object, capability: str) -> bool:
    return can(getattr(user, "role", ""), capability)


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key, []) if isinstance(mapping, dict) else []
