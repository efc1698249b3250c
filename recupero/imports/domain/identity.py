"""Who a row's debtor is, when the file is not tidy: countries, foreign tax ids, codes with a wrong check digit.

A row is refused only when nothing identifies its debtor (issue 10). A code with a wrong check digit is kept as
given and the debtor's identity is "to verify"; an EU VAT number (python-stdnum) makes a foreign debtor of that
country; any other code of a foreign debtor is kept as given. Every verdict is taken once per distinct value.
"""

from __future__ import annotations

import hashlib

import polars as pl
from stdnum.eu import vat as eu_vat

from recupero.imports.domain import checks
from recupero.imports.domain.mapping import fold

INVALID = checks.INVALID
# ISO 3166 alpha-2 of the countries a creditor's file names in words (Italian or English); two letters pass as they
# are. stdnum writes Greece as EL (VAT prefix): its ISO code is GR.
COUNTRY_NAMES = {
    "italia": "IT", "italy": "IT", "germania": "DE", "germany": "DE", "deutschland": "DE", "francia": "FR",
    "france": "FR", "spagna": "ES", "spain": "ES", "espana": "ES", "austria": "AT", "belgio": "BE",
    "belgium": "BE", "paesi bassi": "NL", "olanda": "NL", "netherlands": "NL", "portogallo": "PT",
    "portugal": "PT", "svizzera": "CH", "switzerland": "CH", "schweiz": "CH", "suisse": "CH",
    "regno unito": "GB", "united kingdom": "GB", "gran bretagna": "GB", "irlanda": "IE", "ireland": "IE",
    "grecia": "GR", "greece": "GR", "polonia": "PL", "poland": "PL", "romania": "RO", "slovenia": "SI",
    "croazia": "HR", "croatia": "HR", "lussemburgo": "LU", "luxembourg": "LU", "malta": "MT",
    "san marino": "SM", "citta del vaticano": "VA", "vaticano": "VA", "stati uniti": "US",
    "united states": "US", "usa": "US", "albania": "AL", "ucraina": "UA", "marocco": "MA", "cina": "CN",
    "svezia": "SE", "danimarca": "DK", "finlandia": "FI", "norvegia": "NO", "ungheria": "HU",
    "repubblica ceca": "CZ", "slovacchia": "SK", "bulgaria": "BG", "cipro": "CY", "estonia": "EE",
    "lettonia": "LV", "lituania": "LT", "principato di monaco": "MC", "monaco": "MC",
}  # fmt: skip
ITALIAN_WORDS = ("IT", "ITA", "ITALIA", "ITALY")


def country_code(value: str) -> str:
    """ISO alpha-2 of a country cell ('DE', 'Germania', 'ITALIA'), INVALID when not understood."""
    text = value.strip().upper()
    if text in ITALIAN_WORDS:
        return "IT"
    if len(text) == 2 and text.isalpha():
        return "GR" if text == "EL" else text
    return COUNTRY_NAMES.get(fold(value), INVALID)


def foreign_vat(value: str) -> str:
    """The compact EU VAT number ('DE136695976') when `value` is a valid one of a country other than Italy."""
    try:
        compact = eu_vat.compact(value)
        if compact[:2].isalpha() and compact[:2] != "IT" and eu_vat.is_valid(compact):
            return compact
    except Exception:  # stdnum raises its own errors for odd shapes: any of them means "not a VAT number"
        return ""
    return ""


def cleaned(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(r"[\s.\-/]", "").str.to_uppercase()


def identity_columns(frame: pl.DataFrame, default_country: str) -> list[pl.Series | pl.Expr]:
    """`foreign__n` (a valid EU VAT number found in the tax code or VAT column) and `country__n` (ISO code: the
    column's, else the EU VAT's prefix, else '' for an address abroad (province EE), else the profile's)."""
    bad_cf = pl.col("tax_code__n") == INVALID
    bad_vat = pl.col("vat_number__n") == INVALID
    suspects = frame.select(
        pl.when(bad_cf.fill_null(False))
        .then(pl.col("tax_code"))
        .when(bad_vat.fill_null(False))
        .then(pl.col("vat_number"))
        .alias("s")
    ).to_series()
    foreign = checks.by_distinct(suspects, foreign_vat).alias("foreign__n")
    stated = checks.by_distinct(frame["country"], country_code)
    prefix = foreign.str.slice(0, 2).replace({"EL": "GR"})
    abroad = frame["province__n"] == "EE"
    country = (
        pl.select(
            pl.when(stated.is_not_null())
            .then(stated)
            .when(foreign.is_not_null() & (foreign != ""))
            .then(prefix)
            .when(abroad.fill_null(False))
            .then(pl.lit(""))
            .otherwise(pl.lit(default_country.upper()))
        )
        .to_series()
        .alias("country__n")
    )
    return [foreign, country]


def italian_shape(column: str) -> pl.Expr:
    """A code written like an Italian one (16 letters and digits, or 11 digits, 'IT' prefix allowed)."""
    text = cleaned(column).str.replace(r"^IT(\d{11})$", "$1")
    return text.str.contains(r"^[A-Z0-9]{16}$") | text.str.contains(r"^\d{11}$")


def accepted_codes() -> list[pl.Expr]:
    """tax_code / vat_number (valid, or kept as given to be verified), other_tax_id, identity_status, and
    whether each bad code is a warning (an Italian code that fails its check, or an unreadable one at home)."""
    bad_cf = (pl.col("tax_code__n") == INVALID).fill_null(False)
    bad_vat = (pl.col("vat_number__n") == INVALID).fill_null(False)
    eu = (pl.col("foreign__n") != "").fill_null(False)
    italian = pl.col("country__n") == "IT"
    cf_shape = italian_shape("tax_code").fill_null(False)
    vat_shape = italian_shape("vat_number").fill_null(False)
    cf_verify = bad_cf & ~eu & (cf_shape | italian)
    vat_verify = bad_vat & ~(eu & ~bad_cf) & (vat_shape | italian)
    kept_cf = cleaned("tax_code")
    kept_vat = cleaned("vat_number").str.replace(r"^IT(\d{11})$", "$1")
    other = (
        pl.when(eu)
        .then(pl.col("foreign__n"))
        .when(bad_cf & ~cf_shape)
        .then(pl.col("tax_code").str.strip_chars().str.slice(0, 30))
        .when(bad_vat & ~vat_shape)
        .then(pl.col("vat_number").str.strip_chars().str.slice(0, 30))
    )
    return [
        pl.when(bad_cf & cf_shape & ~eu)
        .then(kept_cf)
        .when(~bad_cf)
        .then(pl.col("tax_code__n"))
        .alias("cf__k"),
        pl.when(bad_vat & vat_shape & ~(eu & ~bad_cf))
        .then(kept_vat)
        .when(~bad_vat)
        .then(pl.col("vat_number__n"))
        .alias("vat__k"),
        other.alias("other_tax_id__k"),
        pl.when(cf_verify | vat_verify)
        .then(pl.lit("to_verify"))
        .otherwise(pl.lit("unverified"))
        .alias("identity_status__k"),
        cf_verify.alias("cf_verify__k"),
        vat_verify.alias("vat_verify__k"),
    ]


def name_key(frame: pl.DataFrame) -> pl.Series:
    """A stable key of a debtor without any code: folded name, address and country (one hash per distinct)."""
    parts = [
        pl.col(n).fill_null("").str.to_lowercase().str.replace_all(r"[^\w]+", " ").str.strip_chars()
        for n in ("company_name", "surname", "name", "address", "municipality")
    ]
    text = frame.select(pl.concat_str([*parts, pl.col("country").fill_null("")], separator="|")).to_series()
    return checks.by_distinct(text, lambda v: "N:" + hashlib.sha256(v.encode()).hexdigest()[:20])
