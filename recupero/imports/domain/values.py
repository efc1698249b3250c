"""Vectorised parsing of amounts and dates with polars: the hot path of validation.

Italian exports write `1.234,56`, SAP writes `1234,56-`, Excel writes `1234.56`; dates come as `31/01/2025`,
`31-01-25` or ISO. Each column is parsed in a handful of polars expressions instead of a Python call per cell,
and nothing is ever rounded: an amount with three decimals is an error for the creditor to fix, not ours to
guess.
"""

from __future__ import annotations

import polars as pl

_CURRENCY = r"(?i)\s|\u00a0|€|eur|'"
# grouping must be regular, or "1,5" read with "." as decimal separator would silently become 15
_COMMA_DECIMAL = r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"
_POINT_DECIMAL = r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$"
_PLAIN_NUMBER = r"^[+-]?\d+(\.\d+)?$"

# (shape, strftime format): the shape is checked first because chrono's %Y happily reads "25" as year 25
DATE_FORMATS: tuple[tuple[str, str], ...] = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y"),
    (r"^\d{1,2}-\d{1,2}-\d{4}$", "%d-%m-%Y"),
    (r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y"),
    (r"^\d{1,2}/\d{1,2}/\d{2}$", "%d/%m/%y"),
    (r"^\d{1,2}-\d{1,2}-\d{2}$", "%d-%m-%y"),
    (r"^\d{1,2}\.\d{1,2}\.\d{2}$", "%d.%m.%y"),
    (r"^\d{4}/\d{2}/\d{2}$", "%Y/%m/%d"),
    (r"^\d{8}$", "%Y%m%d"),
)
MIN_YEAR, MAX_YEAR = 1950, 2100


def detect_decimal_separator(values: pl.Series) -> str:
    """',' unless the column clearly uses '.' for decimals (more values end in .dd than ,dd)."""
    sample = values.drop_nulls().head(10_000).str.replace_all(_CURRENCY, "")
    comma = sample.str.contains(r",\d{1,2}-?$").sum()
    point = sample.str.contains(r"\.\d{1,2}-?$").sum()
    return "." if point > comma else ","


def amount_text(column: pl.Expr, decimal_separator: str, numeric_cells: bool = False) -> pl.Expr:
    """Canonical '-1234.56' text of an amount, or null when the text is not a well-formed number.

    `numeric_cells`: XLSX numbers arrive as '1234.56' whatever the creditor's locale, so a plain number with a
    point is taken as-is before the column's separator applies.
    """
    text = column.str.replace_all(_CURRENCY, "")
    text = pl.when(text.str.ends_with("-")).then("-" + text.str.strip_chars_end("-")).otherwise(text)
    shaped: pl.Expr
    if decimal_separator == ",":
        shaped = pl.when(text.str.contains(_COMMA_DECIMAL)).then(
            text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
        )
    else:
        shaped = pl.when(text.str.contains(_POINT_DECIMAL)).then(text.str.replace_all(",", "", literal=True))
    if numeric_cells:
        shaped = pl.when(text.str.contains(_PLAIN_NUMBER)).then(text).otherwise(shaped)
    return shaped.str.strip_prefix("+")


def decimals_count(canonical: pl.Expr) -> pl.Expr:
    """Digits after the point of a canonical amount text (0 when there is none)."""
    return canonical.str.extract(r"\.(\d+)$", 1).str.len_chars().fill_null(0)


def parse_dates(column: pl.Expr, date_format: str | None = None) -> pl.Expr:
    """pl.Date or null. An explicit profile format is tried first, then the usual Italian and ISO shapes."""
    text = column.str.strip_chars().str.replace(r"[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$", "")
    attempts = []
    if date_format:
        attempts.append(text.str.strptime(pl.Date, date_format, strict=False))
    for shape, fmt in DATE_FORMATS:
        attempts.append(pl.when(text.str.contains(shape)).then(text.str.strptime(pl.Date, fmt, strict=False)))
    parsed = pl.coalesce(attempts)
    year = parsed.dt.year()
    return pl.when((year >= MIN_YEAR) & (year <= MAX_YEAR)).then(parsed)


def parse_date_series(series: pl.Series, date_format: str | None = None) -> pl.Series:
    """`parse_dates` run once per distinct text: an affido has a million rows but a few hundred dates, and
    polars evaluates every format branch on every row."""
    distinct = pl.DataFrame({"text": series.drop_nulls().unique()})
    parsed = distinct.with_columns(parse_dates(pl.col("text"), date_format).alias("date"))
    lookup = pl.DataFrame({"text": series}).join(parsed, on="text", how="left", maintain_order="left")
    return lookup["date"].cast(pl.Date).alias(series.name)
