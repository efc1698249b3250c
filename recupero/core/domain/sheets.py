"""Cells of every spreadsheet or CSV the product writes for people (outcomes files, error reports, postal
manifests, audit exports): one function, `safe_cell`, so no writer can forget it.

Why: a value that came from a creditor's file or a debtor's record ("=HYPERLINK(...)", "@SUM(...)",
"+cmd|' /C calc'!A0") becomes a live formula when Excel or LibreOffice opens the file we hand back (CSV or formula
injection, OWASP). A leading apostrophe makes the spreadsheet show it as text. Numbers stay numbers, and a
number written as text ("-12,50", "+393331234567") is left as it is: it is not a formula, and an apostrophe
would spoil the amount the creditor reads.

The characters XML 1.0 forbids (NUL and the other C0 controls but tab, line feed and carriage return) make
openpyxl refuse the whole workbook: they become U+FFFD, so one bad cell cannot stop a report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

FORMULA_START = frozenset("=+-@\t\r")
# a plain number as text: an optional sign, digits with '.' or ',' separators; nothing a formula could call
_NUMBER = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_KEPT = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time)


def safe_cell(value: object) -> object:
    """The value to write in a cell: numbers, dates and None unchanged; text neutralised."""
    if value is None or isinstance(value, _KEPT):
        return value
    text = value if isinstance(value, str) else str(value)
    text = _XML_ILLEGAL.sub("\ufffd", text)
    if text and text[0] in FORMULA_START and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(values: Iterable[object]) -> list[object]:
    """`safe_cell` of every value of a row."""
    return [safe_cell(v) for v in values]
