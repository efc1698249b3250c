"""One way to change a status (rule 7): a compare-and-set through the entity's transition table.

Every app keeps its own table (`channels.domain.states.TRANSITIONS`, `imports.domain.states.TRANSITIONS`…); this
is the one function that applies one. The UPDATE names the statuses the table allows the target from, so of two
workers moving the same row only one wins, and a refused move (a late, out-of-order receipt) changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Any

from django.db import models


def sources_of(transitions: Mapping[Any, Collection[Any]], target: str) -> list[str]:
    """The statuses from which the table allows `target`."""
    return sorted(str(source) for source, targets in transitions.items() if target in targets)


def status_move(
    obj: models.Model,
    target: StrEnum,
    transitions: Mapping[Any, Collection[Any]],
    *,
    only_from: Collection[str] | None = None,
    **fields: Any,
) -> bool:
    """Move `obj.status` to `target` if the table allows it from the status in the database (narrowed to
    `only_from` when given), writing `fields` in the same UPDATE; True if this call moved it (and `obj` then
    holds the new values)."""
    sources = sources_of(transitions, target)
    if only_from is not None:
        allowed = {str(s) for s in only_from}
        assert allowed <= set(sources), f"{sorted(allowed)} → {target} is not in the table"
        sources = [s for s in sources if s in allowed]
    moved = (
        type(obj)._default_manager.filter(pk=obj.pk, status__in=sources).update(status=target.value, **fields)
    )
    if moved:
        obj.status = target.value  # type: ignore[attr-defined]
        for name, value in fields.items():
            setattr(obj, name, value)
    return bool(moved)
