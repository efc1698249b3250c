"""Texts of the case timeline that several writers produce: one template each, for the single-row service
(`str.format`) and the set-based writers (`core.bulk.polars_template`: the same text with positional `{}`)."""

from __future__ import annotations

# "case.opened": `case_open`, the intake (via " da affido <code>") and the demo write it
OPENED = "Pratica aperta{via}: {claims} fatture, {amount} €"
OPENED_VIA_ASSIGNMENT = " da affido {code}"


def opened_summary(claims: int, amount: str, via: str = "") -> str:
    """`amount` is already text: `case_open` and the demo print it with `format_eur`, the intake as the file's
    decimal (kept so, the rows it writes are compared with those it wrote before)."""
    return OPENED.format(via=via, claims=claims, amount=amount)
