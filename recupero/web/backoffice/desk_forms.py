"""Choices of the desk's forms (labels in Italian, from the worklists' own tables)."""

from __future__ import annotations

from recupero.worklists.domain.items import OUTCOME_LABELS, OUTCOMES, ItemKind


def outcome_choices(kind: ItemKind) -> list[tuple[str, str]]:
    return [(o.value, OUTCOME_LABELS[o]) for o in OUTCOMES[kind]]
