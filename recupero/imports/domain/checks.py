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
# the accented vowels of Italian names (nicolò.rossi@...) are plain letters to email-validator, already in NFC
# (precomposed): it keeps them as they are, so they need not cost it a call each (~100 µs)
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~àáèéìíîòóùú-]+"
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
    """Codici fiscali: the plain shapes (16 letters and digits, or 11 digits) checked in polars, the rest (and
    every code the fast path refuses, for its exact verdict) through `normalize_tax_code`."""
    # the upper-cased text as a column of its own: inside the expressions it would be computed once per use
    frame = pl.DataFrame({"v": series, "upper": series.str.to_uppercase()})
    person = pl.col("v").str.contains(r"^[A-Za-z0-9]{16}$")
    fast = frame.select(pl.when(person).then(_person_code(pl.col("upper")))).to_series()
    # the 11-digit codes (companies, a few percent) checked apart: a when/otherwise would check every row twice
    eleven = series.str.len_bytes() == 11
    if eleven.any():
        where = eleven.arg_true()
        numbers = pl.DataFrame({"v": series.gather(where)}).select(_vat_code(pl.col("v"))).to_series()
        fast = fast.scatter(where, numbers)
    return _complete(series, fast, _tax_code)


def vat_numbers(series: pl.Series) -> pl.Series:
    """Partite IVA: 11 plain digits checked in polars, anything else through `normalize_vat_number`."""
    fast = pl.DataFrame({"v": series}).select(_vat_code(pl.col("v"))).to_series()
    return _complete(series, fast, _vat_number)


# The rules of recupero.law.codes (tested against it on every shape): a code passing them here is one
# normalize_tax_code / normalize_vat_number accepts unchanged; a code failing them goes to those functions.
_CF_SHAPE = r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
    2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
], strict=True))  # fmt: skip
_CF_EVEN = {**{str(d): d for d in range(10)}, **{chr(65 + i): i for i in range(26)}}
_CF_MONTHS = {letter: month for month, letter in enumerate("ABCDEHLMPRST", start=1)}
_CHECK_LETTERS = {i: chr(65 + i) for i in range(26)}


def _byte_table(values: dict[str, int], default: int | None) -> pl.Series:
    """A lookup by byte value (ASCII code) of `values`' characters; other bytes give `default`."""
    return pl.Series([values.get(chr(b), default) for b in range(256)], dtype=pl.Int32)


_ODD_BY_BYTE = _byte_table(_CF_ODD, 0)
_EVEN_BY_BYTE = _byte_table(_CF_EVEN, 0)
_MONTH_BY_BYTE = _byte_table(_CF_MONTHS, None)
_DIGIT_BY_BYTE = _byte_table(
    {**{str(d): d for d in range(10)}, **{c: d for d, c in enumerate("LMNPQRSTUV")}}, None
)
_MONTH_DAYS = pl.Series([None, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=pl.Int32)


def _person_code(code: pl.Expr) -> pl.Expr:
    """The upper-cased 16-character code where it is a valid codice fiscale, else null.

    The code is read as 16 bytes (only plain ASCII codes get here) and every character's value is looked up by
    byte: a string slice and a hash look-up per character cost ten times more on a million codes."""
    chars = code.cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, 16))

    def byte(i: int) -> pl.Expr:
        return chars.arr.get(i, null_on_oob=True).cast(pl.Int64)

    def look(table: pl.Series, i: int) -> pl.Expr:
        return pl.lit(table).gather(byte(i))

    total = pl.sum_horizontal(look(_ODD_BY_BYTE if i % 2 == 0 else _EVEN_BY_BYTE, i) for i in range(15))
    check_ok = (total % 26 + ord("A")) == byte(15)
    year = look(_DIGIT_BY_BYTE, 6) * 10 + look(_DIGIT_BY_BYTE, 7) + 1900
    year = pl.when(year < 1920).then(year + 100).otherwise(year)
    month = look(_MONTH_BY_BYTE, 8)
    day = (look(_DIGIT_BY_BYTE, 9) * 10 + look(_DIGIT_BY_BYTE, 10)) % 40
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = pl.lit(_MONTH_DAYS).gather(month.fill_null(0)) + ((month == 2) & leap).cast(pl.Int32)
    valid = code.str.contains(_CF_SHAPE) & check_ok & (day >= 1) & (day <= month_days)
    return pl.when(valid.fill_null(False)).then(code)


def _vat_code(number: pl.Expr) -> pl.Expr:
    """The 11 digits where they are a valid partita IVA (office code, Luhn check digit), else null."""
    digit = [number.str.slice(i, 1).cast(pl.Int32, strict=False) for i in range(11)]
    doubled = [(d * 2) // 10 + (d * 2) % 10 for d in digit[1::2]]
    luhn = pl.sum_horizontal(*digit[0::2], *doubled) % 10 == 0
    office = number.str.slice(7, 3)
    office_ok = office.is_between(pl.lit("001"), pl.lit("100")) | office.is_in(["120", "121", "888", "999"])
    valid = number.str.contains(r"^[0-9]{11}$") & (number.str.slice(0, 7) != "0000000") & office_ok & luhn
    return pl.when(valid.fill_null(False)).then(number)


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
        & (lowered.str.len_bytes() <= 254)  # email-validator counts the UTF-8 bytes of the address
    )
    plain = plain & (lowered.str.extract(r"^([^@]*)@", 1).str.len_bytes() <= 64)
    result = pl.select(pl.when(plain).then(lowered).otherwise(None)).to_series()
    return _complete(series, result, _email)


def _complete(series: pl.Series, fast: pl.Series, check: Callable[[str], str]) -> pl.Series:
    """Fill what the fast path left null (but the file had) with the real validator's verdict."""
    slow = pl.select(pl.when(fast.is_null()).then(series).otherwise(None)).to_series()
    if slow.null_count() == slow.len():
        return fast.alias(series.name)
    return fast.fill_null(by_distinct(slow, check)).alias(series.name)
