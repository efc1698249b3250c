"""Filters of the debtor's pages."""

from __future__ import annotations

from django import template

from recupero.channels.documents.formatting import licence_parts

register = template.Library()


@register.filter
def tulps(licence: str) -> tuple[str, str]:
    """The licence's number and issuing authority, as the letters print them ("" when not on file)."""
    return licence_parts(licence or "")
