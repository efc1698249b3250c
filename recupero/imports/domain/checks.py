"""Column checks that need a real validator (codes, IBAN, phones, e-mails), run once per distinct value.

An affido repeats the same debtor on many rows, and the validators cost 5-50 µs a call: checking each distinct
value once and mapping the verdicts back with polars keeps validation near the speed of the vectorised parts.
Phones and e-mails go further: the common, plainly valid shapes are normalised by a regex in polars, and only
the odd ones reach phonenumbers or email-validator.
"""

from __future__ import annotations

from collections.abc import Callable

import phonenumbers
import polars as pl
from email_validator import EmailNotValidError, validate_email
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from recupero.law.codes import normalize_tax_code, normalize_vat_number
from recupero.law.errors import LawError

INVALID = "\x00invalid"  # marker of a value the validator refused; never a legal normalized value

_PHONE_NOISE = r"[\s./\-()]"


def _it_phone_pattern() -> str:
    """Italian fixed-line and mobile numbers, built from phonenumbers' own metadata for IT: a number matching it
    is one `phonenumbers.is_valid_number` accepts (tested), so the fast path never accepts what the parties
    service would refuse; anything else goes through phonenumbers itself."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("IT")
    assert metadata is not None and metadata.fixed_line is not None and metadata.mobile is not None
    fixed = metadata.fixed_line.national_number_pattern
    mobile = metadata.mobile.national_number_pattern
    return rf"^(\+39|0039)?((?:{fixed})|(?:{mobile}))$"


_IT_PHONE = _it_phone_pattern()
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# a strict subset of what email-validator accepts: dot-atom local part, LDH labels, alphabetic TLD that is
# not one of the special-use names it refuses
_SIMPLE_EMAIL = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[a-z]{{2,24}}$"
_SPECIAL_TLDS = r"\.(arpa|invalid|local|localhost|onion|test|internal|home|lan)$"


def _tax_code(value: str) -> str:
    try:
        return normalize_tax_code(value)
    except LawError:
        return INVALID


def _vat_number(value: str) -> str:
    try:
        return normalize_vat_number(value)
    except LawError:
        return INVALID


def _iban(value: str) -> str:
    try:
        return IBAN(value).compact
    except (SchwiftyException, ValueError):
        return INVALID


def _phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, "IT")
    except phonenumbers.NumberParseException:
        return INVALID
    if not phonenumbers.is_valid_number(number):
        return INVALID
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(value: str) -> str:
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return INVALID
    return result.normalized.lower()


def by_distinct(series: pl.Series, check: Callable[[str], str]) -> pl.Series:
    """Apply `check` once per distinct non-null value; nulls stay null, refusals become INVALID."""
    distinct = series.drop_nulls().unique()
    verdicts = {value: check(value) for value in distinct.to_list()}
    return series.replace_strict(verdicts, default=None, return_dtype=pl.String)


def tax_codes(series: pl.Series) -> pl.Series:
    return by_distinct(series, _tax_code)


def vat_numbers(series: pl.Series) -> pl.Series:
    return by_distinct(series, _vat_number)


def ibans(series: pl.Series) -> pl.Series:
    return by_distinct(series, _iban)


def phones(series: pl.Series) -> pl.Series:
    """E.164 ('+393331234567'): the usual Italian shapes in polars, the rest through phonenumbers."""
    compact = series.str.replace_all(_PHONE_NOISE, "")
    fast = compact.str.extract(_IT_PHONE, 2)
    result = pl.select(pl.when(fast.is_not_null()).then("+39" + fast).otherwise(None)).to_series()
    return _complete(series, result, _phone)


def emails(series: pl.Series) -> pl.Series:
    """Lowercase addresses: plain ones by regex, the others (quoted, unicode, odd) through email-validator."""
    lowered = series.str.strip_chars().str.to_lowercase()
    plain = (
        lowered.str.contains(_SIMPLE_EMAIL)
        & ~lowered.str.contains(_SPECIAL_TLDS)
        & (lowered.str.len_chars() <= 254)
    )
    plain = plain & (lowered.str.extract(r"^([^@]*)@", 1).str.len_chars() <= 64)
    result = pl.select(pl.when(plain).then(lowered).otherwise(None)).to_series()
    return _complete(series, result, _email)


def _complete(series: pl.Series, fast: pl.Series, check: Callable[[str], str]) -> pl.Series:
    """Fill what the fast path left null (but the file had) with the real validator's verdict."""
    slow = pl.select(pl.when(fast.is_null()).then(series).otherwise(None)).to_series()
    if slow.null_count() == slow.len():
        return fast.alias(series.name)
    return fast.fill_null(by_distinct(slow, check)).alias(series.name)
