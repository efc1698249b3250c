"""The polars fast paths of the code checks give exactly the verdicts of recupero.law.codes, on every shape."""

from __future__ import annotations

import random
import string

import polars as pl
from stdnum import luhn

from recupero.imports.domain import checks
from recupero.law.codegen import tax_code, vat_number

OMOCODIA = dict(zip("0123456789", "LMNPQRSTUV", strict=True))


def _tax_code_variants(count: int) -> list[str]:
    rng = random.Random(4)
    values = []
    for _ in range(count):
        code = tax_code(
            surname=rng.choice(["Rossi", "Bianchi", "Esposito", "Li", "De Luca"]),
            name=rng.choice(["Maria", "Giuseppe", "Anna", "Wu"]),
            year=1900 + rng.randrange(125),
            month=1 + rng.randrange(12),
            day=1 + rng.randrange(31),
            female=rng.random() < 0.5,
            belfiore=rng.choice(["H501", "F205", "Z210", "A001"]),
        )
        values.append(code)
        chars = list(code)
        pick = rng.random()
        if pick < 0.15:  # omocodia: digits replaced by letters, check character recomputed or not
            for i in rng.sample([6, 7, 9, 10, 12, 13, 14], 2):
                chars[i] = OMOCODIA.get(chars[i], chars[i])
            values.append("".join(chars))
            values.append("".join(chars[:15]) + _check(chars[:15]))
        elif pick < 0.3:  # any character changed, check character recomputed (bad month, day 0, day 32...)
            i = rng.randrange(15)
            chars[i] = rng.choice(string.ascii_uppercase + string.digits)
            values.append("".join(chars[:15]) + _check(chars[:15]))
        elif pick < 0.4:
            values.append(code.lower())
            values.append(f" {code[:8]} {code[8:]} ")
            values.append(code[:15] + rng.choice(string.ascii_uppercase))
    # day 29-31 of short months, 29 February of leap and common years, days 40 / 70 / 72 (women)
    for year in ("00", "04", "19", "20", "23", "99"):
        for month in "ABCDEHLMPRST":
            for day in ("00", "28", "29", "30", "31", "32", "40", "41", "69", "70", "71", "72", "L0", "NV"):
                body = f"RSSMRA{year}{month}{day}H501"
                values.append(body + _check(list(body)))
    return values


def _check(chars: list[str]) -> str:
    total = sum(
        checks._CF_ODD[c] if i % 2 == 0 else checks._CF_EVEN[c] for i, c in enumerate(chars) if c.isalnum()
    )
    return chr(65 + total % 26)


def _vat_variants(count: int) -> list[str]:
    rng = random.Random(5)
    values = ["00000000000", "00000001234", "IT01114601006", "01114601006", "0111460100", "1234567890a", ""]
    for n in range(count):
        valid = vat_number(n + 1, 1 + n % 100)
        values += [valid, f"{rng.randrange(10**11):011d}", valid[:10] + str((int(valid[10]) + 1) % 10)]
        for office in ("000", "101", "120", "121", "888", "999"):
            body = (valid[:7] if n % 50 else "0000000") + office
            values += [body + valid[10], body + luhn.calc_check_digit(body)]
    return values


def _slow(series: pl.Series, check) -> pl.Series:
    return checks.by_distinct(series, check)


def test_tax_codes_fast_path_matches_the_law():
    values = _tax_code_variants(4000) + _vat_variants(300) + [None, "ABC", "RSSMRA80A01H501"]
    series = pl.Series("tax_code", values, dtype=pl.String)
    assert checks.tax_codes(series).to_list() == _slow(series, checks._tax_code).to_list()
    verdicts = checks.tax_codes(series)
    assert 0 < (verdicts == checks.INVALID).sum() < series.len() - series.null_count()


def test_vat_numbers_fast_path_matches_the_law():
    series = pl.Series("vat_number", [*_vat_variants(2000), None], dtype=pl.String)
    assert checks.vat_numbers(series).to_list() == _slow(series, checks._vat_number).to_list()
    verdicts = checks.vat_numbers(series)
    assert 0 < (verdicts == checks.INVALID).sum() < series.len() - series.null_count()


def test_case_codes_in_polars_are_case_code():
    from recupero.cases.bulk import case_codes
    from recupero.cases.domain.codes import case_code

    for seqs in (range(1, 3000), range(9_999_000, 10_000_500), range(0), range(123456, 123457)):
        assert case_codes(seqs).to_list() == [case_code(s) for s in seqs]


def test_person_code_fast_path_accepts_exactly_what_the_law_accepts_unchanged():
    # _complete hides a fast path that refuses too much; here the fast path alone must agree with the law
    from recupero.law.codes import normalize_tax_code
    from recupero.law.errors import LawError

    def accepted(value: str) -> bool:
        try:
            return normalize_tax_code(value) == value
        except LawError:
            return False

    values = [
        v for v in _tax_code_variants(4000) if len(v) == 16 and v.isascii() and v.isalnum() and v.isupper()
    ]
    fast = pl.DataFrame({"v": values}).select(checks._person_code(pl.col("v"))).to_series()
    assert [v is not None for v in fast.to_list()] == [accepted(v) for v in values]
    assert 0 < fast.null_count() < len(values)


def _email_variants() -> list[str]:
    rng = random.Random(6)
    accented = "àáèéìíîòóùúÀÈÉÌÒÙçñüöäßœ"
    values = [
        "nicolò.rossi@example.it",
        "NICOLÒ.Rossi@Example.IT",
        "zappalà14@pec.example.it",
        "e\u0301mile@example.it",  # decomposed: email-validator normalizes it to NFC
        "à@example.it",
        "a" * 31 + "ò" * 17 + "@example.it",  # 65 bytes of local part, 48 characters
        "a" * 32 + "ò" * 16 + "@example.it",  # 64 bytes
        "ò" * 100 + "@" + "b" * 60 + ".example.it",
        "nicolò..rossi@example.it",
        ".nicolò@example.it",
        "nicolò.@example.it",
        "nicolò@exàmple.it",
        "nicolò@localhost",
        "nicolò@example.test",
        "mario.rossi@example.it",
        "",
    ]
    for _ in range(3000):
        local = "".join(
            rng.choice(string.ascii_letters + string.digits + "._-+" + accented)
            for _ in range(rng.randrange(1, 70))
        )
        domain = rng.choice(
            ["example.it", "pec.example.it", "EXAMPLE.COM", "ex-ample.eu", "x.invalid", "a.b"]
        )
        values.append(f"{local}@{domain}")
    return values


def test_emails_fast_path_matches_email_validator():
    series = pl.Series("email", [*_email_variants(), None], dtype=pl.String)
    assert checks.emails(series).to_list() == _slow(series, checks._email).to_list()
    lowered = series.str.strip_chars().str.to_lowercase()
    fast = lowered.str.contains(checks._SIMPLE_EMAIL) & ~lowered.str.contains(checks._SPECIAL_TLDS)
    assert fast.head(3).all() and fast.sum() > 200  # the accented local parts do take the fast path
