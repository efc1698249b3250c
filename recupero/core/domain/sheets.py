"""Cells of the spreadsheets and CSV files the product writes for people (formula injection, CWE-1236)."""

from __future__ import annotations

from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell starting with = + - @ (or a tab / carriage return) is a formula to Excel and LibreOffice:
    prefix it with an apostrophe. Numbers, dates and text that is a plain signed number stay as they are."""
    if not isinstance(value, str) or not value or not value.startswith(_TRIGGERS):
        return value
    if _is_number(value):
        return value
    return "'" + value


def _is_number(cell: str) -> bool:
    return cell[1:].replace(",", "").replace(".", "").isdigit()
