"""Raw rows + a mapping profile -> normalized affido records, or per-field errors that never stop the file.

The work is columnar: every check is a polars expression or a once-per-distinct-value validator (see
`checks`), producing a boolean column per error code; only the failing cells become `RowError` objects, and
only rows with no error become `AffidoRecord`s. Warnings (an abolished province sigla, an address that cannot be
stored as an Italian postal address) are reported but keep the row.

`commit=True` adds what storing a row needs (the parties and cases services refuse a debtor without codice
fiscale or partita IVA, a claim without number or date): a row validation accepts is a row the commit can store.
Every length limit is the database column's, for the same reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from decimal import Decimal

import polars as pl

from recupero.imports.domain import checks, identity
from recupero.imports.domain.errors import WARNING, Notice, RowError
from recupero.imports.domain.mapping import FIELDS, MappingProfile, fold
from recupero.imports.domain.provinces import ABOLISHED, ABROAD, cap_verdict, current_sigla, province_sigla
from recupero.imports.domain.table import ROW, RawTable
from recupero.imports.domain.values import (
    amount_text,
    decimals_count,
    detect_decimal_separator,
    parse_date_series,
)

CREDIT_NOTES = frozenset({"TD04", "TD08"})  # nota di credito: a negative amount is its nature, not an error
# The database columns the commit writes (parties.Debtor, parties.ContactPoint, cases.Case, cases.Claim).
MAX_CHARS = {
    "description": 300,
    "notes": 2000,
    "address": 250,
    "company_name": 200,
    "name": 100,
    "surname": 100,
    "municipality": 100,
    "case_reference": 60,
    "invoice_number": 40,
    "supply_point": 60,
    "contract_reference": 60,
}
DEFAULT_MAX_CHARS = 120
# no case reference needed: one case per debtor per affido stands in for it (planning.prepare)
COMMIT_REQUIRED = ("amount", "invoice_number", "invoice_date")
MONEY = pl.Decimal(20, 2)

CLAIM_TYPE_WORDS = {
    "ordinary": ("ordinario", "ordinaria", "ordinary", "commerciale", "fattura"),
    "periodic": ("periodico", "periodica", "periodic", "canone", "abbonamento"),
    "electricity": ("electricity", "luce", "energia", "energia elettrica", "elettricita", "ee", "power"),
    "gas": ("gas", "metano", "gas naturale"),
    "water": ("water", "acqua", "idrico", "servizio idrico"),
    "telecom": ("telecom", "telefonia", "tlc", "telefono", "internet", "mobile", "fisso"),
}
# Yes/no facts a creditor states per case ("Fornitura attiva: sì", "Stato fornitura: cessata").
FLAG_WORDS = {
    "1": ("si", "sì", "s", "yes", "y", "1", "vero", "true", "x", "attiva", "attivo", "in corso", "active"),
    "0": (
        "no",
        "n",
        "0",
        "falso",
        "false",
        "cessata",
        "cessato",
        "chiusa",
        "chiuso",
        "disattivata",
        "ceased",
    ),
}
FLAGS = ("supply_active", "first_invoice_default")
DEBTOR_TYPE_WORDS = {
    "consumer": (
        "consumer",
        "consumatore",
        "privato",
        "persona fisica",
        "pf",
        "f",
        "residenziale",
        "domestico",
    ),
    "business": (
        "business",
        "azienda",
        "impresa",
        "societa",
        "persona giuridica",
        "pg",
        "g",
        "ditta",
        "professionista",
        "business",
        "non domestico",
        "p iva",
    ),
}
CHOICES = {
    "claim_type": "ordinario, periodico, luce, gas, acqua, telefonia",
    "debtor_type": "consumatore, azienda",
    "supply_active": "sì (attiva), no (cessata)",
    "first_invoice_default": "sì, no",
}
_CLAIM_TYPES = {word: key for key, words in CLAIM_TYPE_WORDS.items() for word in words}
_DEBTOR_TYPES = {word: key for key, words in DEBTOR_TYPE_WORDS.items() for word in words}
_FLAGS = {word: key for key, words in FLAG_WORDS.items() for word in words}


@dataclass(slots=True)
class AffidoRecord:
    """One normalized row of an affido: one claim (invoice or instalment) of one debtor."""

    row: int
    case_reference: str | None
    debtor_type: str
    tax_code: str | None
    vat_number: str | None
    name: str | None
    surname: str | None
    company_name: str | None
    address: str | None
    cap: str | None
    municipality: str | None
    province: str | None
    country: str | None
    phone: str | None
    mobile: str | None
    email: str | None
    pec: str | None
    invoice_number: str | None
    invoice_date: dt.date | None
    due_date: dt.date | None
    amount: Decimal | None
    outstanding: Decimal | None
    claim_type: str
    supply_point: str | None
    contract_reference: str | None
    description: str | None
    iban: str | None
    notes: str | None
    document_type: str | None = None
    supply_active: bool | None = None  # the creditor's word; None: not stated
    first_invoice_default: bool | None = None
    other_tax_id: str | None = None  # a foreign code (EU VAT with prefix, or as given)
    identity_status: str = "unverified"  # "to_verify": a code with a wrong check digit, kept as given
    linked_invoice: str | None = None  # a credit note's invoice (DatiFattureCollegate, "fattura collegata")


RECORD_FIELDS = tuple(f.name for f in fields(AffidoRecord))


@dataclass(slots=True)
class ValidationResult:
    """`frame` holds the accepted rows, one typed column per `AffidoRecord` field (amounts Decimal(20, 2),
    dates Date): the lead's bulk load can COPY it as is. `records` builds the dataclasses on demand, because
    turning a million rows into Python objects costs more than validating them.
    """

    frame: pl.DataFrame
    errors: list[RowError]  # errors and warnings, sorted by row
    total_rows: int
    notices: list[Notice] = field(default_factory=list)

    @property
    def rejected_rows(self) -> set[int]:
        return {e.row for e in self.errors if e.severity != WARNING}

    @property
    def records(self) -> list[AffidoRecord]:
        return list(self.iter_records())

    def iter_records(self) -> Iterator[AffidoRecord]:
        # polars' own Decimal -> Python conversion is slow; Decimal(text) is not
        texts = self.frame.with_columns(pl.col("amount", "outstanding").cast(pl.String))
        amount, outstanding = RECORD_FIELDS.index("amount"), RECORD_FIELDS.index("outstanding")
        for row in texts.iter_rows():
            values = list(row)
            for index in (amount, outstanding):
                if values[index] is not None:
                    values[index] = Decimal(values[index])
            yield AffidoRecord(*values)


# Rows validated at once: the ~70 normalized and problem columns are built for one chunk at a time and freed,
# so validation's working memory does not grow with the file (issue 4).
CHUNK_ROWS = 200_000


def validate(
    table: RawTable, profile: MappingProfile, *, commit: bool = False, chunk_rows: int = CHUNK_ROWS
) -> ValidationResult:
    """Validate every row; a bad cell marks its row rejected, the other rows carry on. With `commit`, also what
    storing the row needs (identity code, invoice number and date; credit notes are not claims).

    Rows are validated `chunk_rows` at a time; what depends on the whole file is settled first on the few columns
    it needs (each amount column's decimal separator, the parsed dates and the duplicate key), so the result is
    the same whatever the chunk size."""
    raw = _select(table, profile)
    if commit:
        required = tuple(dict.fromkeys((*profile.required, *COMMIT_REQUIRED)))
        profile = MappingProfile(**{**profile.to_dict(), "required": required})
    separators = {
        n: profile.decimal_separator or detect_decimal_separator(raw[n]) for n in ("amount", "outstanding")
    }
    raw = _whole_file_columns(raw, profile)
    total = raw.height
    accepted: list[pl.DataFrame] = []
    errors: list[RowError] = []
    for start in range(0, max(total, 1), max(chunk_rows, 1)):
        part, part_errors = _validate_chunk(
            raw.slice(start, chunk_rows), profile, separators, table.kind == "xlsx", commit
        )
        accepted.append(part)
        errors += part_errors
    del raw
    frame = accepted[0] if len(accepted) == 1 else pl.concat(accepted, how="vertical")
    del accepted
    errors.sort(key=lambda e: (e.row, e.field))  # already in order for a file read top to bottom: cheap
    return ValidationResult(frame, errors, total, list(table.notices))


def _validate_chunk(
    raw: pl.DataFrame, profile: MappingProfile, separators: dict[str, str], numeric_cells: bool, commit: bool
) -> tuple[pl.DataFrame, list[RowError]]:
    """The accepted rows (typed) and the errors of a slice of `_whole_file_columns`' frame."""
    frame, problems = _normalize(raw, profile, separators, numeric_cells)
    if commit:
        problems += _commit_problems()
    frame = frame.with_columns(problems)
    errors = _collect(frame, [p.meta.output_name() for p in problems])
    rejected = {e.row for e in errors if e.severity != WARNING}
    good = frame.filter(~pl.col(ROW).is_in(list(rejected))) if rejected else frame
    return _accepted(good, profile), errors


def _select(table: RawTable, profile: MappingProfile) -> pl.DataFrame:
    """One Utf8 column per target field (null where unmapped) plus ROW."""
    by_field = profile.field_to_header()
    present = set(table.frame.columns)
    columns = [pl.col(ROW)]
    for name in (*FIELDS, "document_type"):
        header = by_field.get(name, name if name == "document_type" else None)
        expr = pl.col(header) if header in present else pl.lit(None, dtype=pl.String)
        columns.append(expr.alias(name))
    return table.frame.select(columns)


# Each problem is a boolean column named "<code>|<field>"; `_collect` turns true cells into RowErrors.
def _problem(code: str, name: str, condition: pl.Expr) -> pl.Expr:
    return condition.fill_null(False).alias(f"{code}|{name}")


def _whole_file_columns(raw: pl.DataFrame, profile: MappingProfile) -> pl.DataFrame:
    """`raw` plus what needs every row of the file: the parsed dates (cheap: one parse per distinct text), and
    the duplicate verdict with the first row of each key, from the key columns only."""
    # without a case reference the debtor stands in for it (one case per debtor per affido)
    who = pl.coalesce(identity.cleaned("tax_code"), identity.cleaned("vat_number"), "company_name", "surname")
    who = pl.concat_str([who.fill_null(""), pl.col("name").fill_null("")], separator="|")
    dates = raw.select(
        ROW,
        pl.coalesce("case_reference", who).alias("case_reference"),
        "invoice_number",
        *(
            parse_date_series(raw[n], profile.date_format).alias(f"{n}__date")
            for n in ("invoice_date", "due_date")
        ),
    )
    key = pl.struct(*DUPLICATE_KEY)
    verdict = dates.select(
        (pl.col("invoice_number").is_not_null() & ~key.is_first_distinct()).alias(DUPLICATE),
        pl.col(ROW).min().over(list(DUPLICATE_KEY)).alias(DUPLICATE_FIRST),
    )
    return raw.with_columns(dates["invoice_date__date"], dates["due_date__date"], *verdict.get_columns())


def _normalize(
    raw: pl.DataFrame, profile: MappingProfile, separators: dict[str, str], numeric_cells: bool
) -> tuple[pl.DataFrame, list[pl.Expr]]:
    frame = raw.with_columns(_text_columns(profile))
    frame = frame.with_columns(_coded_columns(frame, profile))
    frame = frame.with_columns(identity.identity_columns(frame, profile.default_country))
    frame = frame.with_columns(identity.accepted_codes())
    frame = frame.with_columns(_cap_match_column(frame))
    frame = _money_columns(frame, separators, numeric_cells)
    problems = [
        *_presence_problems(profile),
        *_code_problems(),
        *_money_problems(),
        *_date_problems(),
        *_place_problems(),
        _duplicate_problem(),
        *_length_problems(),
        *_nul_problems(),
    ]
    return frame, problems


def _text_columns(profile: MappingProfile) -> list[pl.Expr]:
    return [
        pl.col("cap").str.replace_all(r"\s", "").alias("cap__n"),
        pl.col("supply_point").str.replace_all(r"\s", "").str.to_uppercase().alias("supply_point__n"),
    ]


def _word(table: dict[str, str]):
    return lambda value: table.get(fold(value), "")


def _coded_columns(frame: pl.DataFrame, profile: MappingProfile) -> list[pl.Series]:
    claim = checks.by_distinct(frame["claim_type"], _word(_CLAIM_TYPES))
    return [
        checks.by_distinct(frame["province"], lambda v: province_sigla(v) or "").alias("province__n"),
        checks.by_distinct(frame["province"], lambda v: current_sigla(province_sigla(v) or "") or "").alias(
            "province__cur"
        ),
        claim.fill_null(profile.default_claim_type).alias("claim_type__n"),
        checks.by_distinct(frame["debtor_type"], _word(_DEBTOR_TYPES)).alias("debtor_type__n"),
        *(checks.by_distinct(frame[name], _word(_FLAGS)).alias(f"{name}__n") for name in FLAGS),
        checks.tax_codes(frame["tax_code"]).alias("tax_code__n"),
        checks.vat_numbers(frame["vat_number"]).alias("vat_number__n"),
        checks.ibans(frame["iban"]).alias("iban__n"),
        checks.phones(frame["phone"]).alias("phone__n"),
        checks.phones(frame["mobile"]).alias("mobile__n"),
        checks.emails(frame["email"]).alias("email__n"),
        checks.emails(frame["pec"]).alias("pec__n"),
    ]


def _money_columns(frame: pl.DataFrame, separators: dict[str, str], numeric_cells: bool) -> pl.DataFrame:
    columns = []
    for name in ("amount", "outstanding"):
        canonical = amount_text(pl.col(name), separators[name], numeric_cells)
        columns += [canonical.alias(f"{name}__text")]
    frame = frame.with_columns(columns)
    return frame.with_columns(
        pl.when(decimals_count(pl.col(f"{n}__text")) <= 2)
        .then(pl.col(f"{n}__text").cast(MONEY, strict=False))
        .alias(f"{n}__n")
        for n in ("amount", "outstanding")
    )


def _presence_problems(profile: MappingProfile) -> list[pl.Expr]:
    result = [_problem("import.row.missing_field", name, pl.col(name).is_null()) for name in profile.required]
    nameless = pl.col("company_name").is_null() & pl.col("surname").is_null() & pl.col("name").is_null()
    if "company_name" not in profile.required and "surname" not in profile.required:
        result.append(_problem("import.row.missing_field", "company_name", nameless))
    return result


def _code_problems() -> list[pl.Expr]:
    # a code with a wrong check digit: a warning, the debtor's identity is to verify (identity.accepted_codes)
    result = [
        _problem("import.row.bad_tax_code", "tax_code", pl.col("cf_verify__k")),
        _problem("import.row.bad_vat_number", "vat_number", pl.col("vat_verify__k")),
        _problem("import.row.unknown_country", "country", pl.col("country__n") == checks.INVALID),
    ]
    pairs = [
        ("iban", "import.row.bad_iban"),
        ("phone", "import.row.bad_phone"),
        ("mobile", "import.row.bad_phone"),
        ("email", "import.row.bad_email"),
        ("pec", "import.row.bad_email"),
    ]
    result += [_problem(code, name, pl.col(f"{name}__n") == checks.INVALID) for name, code in pairs]
    for name, choice in ((n, f"{n}__n") for n in ("claim_type", "debtor_type", *FLAGS)):
        result.append(
            _problem("import.row.bad_choice", name, pl.col(name).is_not_null() & (pl.col(choice) == ""))
        )
    return result


def _money_problems() -> list[pl.Expr]:
    # A zero or negative document (or a credit note) is no refused row: planning.split_documents skips it with a
    # notice, or applies it as a credit note to the invoice it names (issue 10). A negative residual of an
    # invoice is still an error.
    result = []
    for name in ("amount", "outstanding"):
        value = pl.col(f"{name}__n")
        result.append(_problem("import.row.bad_amount", name, pl.col(name).is_not_null() & value.is_null()))
    negative = (pl.col("outstanding__n") < 0) & (pl.col("amount__n") > 0)
    result.append(_problem("import.row.negative_amount", "outstanding", negative))
    # only against a valid positive amount: a bad amount is already reported, once
    exceeds = (pl.col("amount__n") > 0) & (pl.col("outstanding__n") > pl.col("amount__n"))
    result.append(_problem("import.row.outstanding_exceeds_amount", "outstanding", exceeds))
    return result


def _date_problems() -> list[pl.Expr]:
    result = [
        _problem("import.row.bad_date", n, pl.col(n).is_not_null() & pl.col(f"{n}__date").is_null())
        for n in ("invoice_date", "due_date")
    ]
    result.append(
        _problem(
            "import.row.due_before_issue", "due_date", pl.col("due_date__date") < pl.col("invoice_date__date")
        )
    )
    return result


def _place_problems() -> list[pl.Expr]:
    italian = pl.col("country__n") == "IT"  # a foreign address is not checked against Italian lists
    cap_ok = pl.col("cap__n").str.contains(r"^\d{5}$")
    known = pl.col("province__n") != ""
    abroad = pl.col("province__n") == ABROAD
    matching = pl.col("cap_match__n") != "0"  # "?" = the ISTAT list has no CAP there: not an error
    storable = italian & cap_ok & (pl.col("province__cur") != "") & (pl.col("cap_match__n") == "1")
    storable = storable.fill_null(False)
    incomplete = (
        pl.col("address").is_not_null()
        & italian
        & ~storable
        & (pl.col("cap").is_null() | pl.col("province").is_null() | (pl.col("cap_match__n") == "?"))
    )
    return [
        _problem("import.row.bad_cap", "cap", italian & pl.col("cap").is_not_null() & ~cap_ok),
        _problem(
            "import.row.unknown_province", "province", italian & pl.col("province").is_not_null() & ~known
        ),
        _problem("import.row.cap_province_mismatch", "cap", italian & cap_ok & known & ~abroad & ~matching),
        _problem("import.row.province_abolished", "province", pl.col("province__n").is_in(list(ABOLISHED))),
        _problem("import.row.address_incomplete", "address", incomplete),
    ]


def _cap_match_column(frame: pl.DataFrame) -> pl.Series:
    """'1' where the CAP is one of the province's ISTAT codes, checked once per distinct (province, CAP)."""
    pair = (frame["province__n"] + "|" + frame["cap__n"]).alias("pair")

    def verdict(value: str) -> str:
        sigla, cap = value.split("|")
        return cap_verdict(cap, sigla)

    return checks.by_distinct(pair, verdict).alias("cap_match__n")


def _commit_problems() -> list[pl.Expr]:
    # without any code, name + address + country identify the debtor (the name is required apart)
    codeless = pl.col("cf__k").is_null() & pl.col("vat__k").is_null() & pl.col("other_tax_id__k").is_null()
    nameless = codeless & pl.col("address").is_null()
    return [_problem("import.row.missing_identity", "tax_code", nameless)]


# The due date is part of the key: instalments of one invoice (rate) share its number and date legitimately.
DUPLICATE_KEY = ("case_reference", "invoice_number", "invoice_date__date", "due_date__date")
DUPLICATE, DUPLICATE_FIRST = "duplicate__n", "duplicate_first__n"  # computed over the whole file


def _duplicate_problem() -> pl.Expr:
    return _problem("import.row.duplicate", "invoice_number", pl.col(DUPLICATE))


def _length_problems() -> list[pl.Expr]:
    return [
        _problem(
            "import.row.value_too_long", n, pl.col(n).str.len_chars() > MAX_CHARS.get(n, DEFAULT_MAX_CHARS)
        )
        for n in FIELDS
    ]


def _nul_problems() -> list[pl.Expr]:
    """A NUL character: PostgreSQL refuses it in text (the whole COPY would fail), SQLite would store it."""
    return [
        _problem("import.row.nul_character", n, pl.col(n).str.contains("\x00", literal=True)) for n in FIELDS
    ]


# Doubtful but collectable (issue 10): the row is imported and the debtor or address flagged "to verify".
WARNINGS = frozenset(
    {
        "import.row.province_abolished",
        "import.row.address_incomplete",
        "import.row.bad_tax_code",
        "import.row.bad_vat_number",
        "import.row.due_before_issue",
        "import.row.cap_province_mismatch",
        "import.row.unknown_province",
        "import.row.bad_cap",
        "import.row.unknown_country",
    }
)


def _collect(frame: pl.DataFrame, problem_columns: list[str]) -> list[RowError]:
    counts = frame.select(pl.col(problem_columns).sum()).row(0, named=True)
    errors: list[RowError] = []
    for column in problem_columns:
        if not counts[column]:
            continue
        code, name = column.split("|")
        hits = frame.select(ROW, column, pl.col(name).alias("value"), *_detail(code)).filter(pl.col(column))
        for hit in hits.iter_rows(named=True):
            params = _params(code, name, hit)
            severity = WARNING if code in WARNINGS else "error"
            errors.append(RowError.of(hit[ROW], name, code, hit["value"], severity, **params))
    errors.sort(key=lambda e: (e.row, e.field))
    return errors


def _detail(code: str) -> list[pl.Expr]:
    if code == "import.row.duplicate":
        return [pl.col(DUPLICATE_FIRST).alias("first")]
    return []


def _params(code: str, name: str, hit: dict) -> dict:
    if code == "import.row.duplicate":
        return {"first": hit["first"]}
    if code == "import.row.value_too_long":
        return {"limit": MAX_CHARS.get(name, DEFAULT_MAX_CHARS)}
    if code == "import.row.bad_choice":
        return {"choices": CHOICES[name]}
    return {}


def _accepted(frame: pl.DataFrame, profile: MappingProfile) -> pl.DataFrame:
    """The normalized columns, named as AffidoRecord's fields; debtor type defaults to the profile's, else
    to what the codes say (a P.IVA or an 11-digit codice fiscale is a business)."""
    business = (
        pl.col("vat__k").is_not_null()
        | (pl.col("cf__k").str.len_chars() == 11)
        | pl.col("foreign__n").fill_null("").ne("")
    )
    inferred = pl.when(business).then(pl.lit("business")).otherwise(pl.lit("consumer"))
    if profile.default_debtor_type:
        inferred = pl.lit(profile.default_debtor_type)
    debtor = (
        pl.when(pl.col("debtor_type__n").is_null() | (pl.col("debtor_type__n") == ""))
        .then(inferred)
        .otherwise(pl.col("debtor_type__n"))
    )
    selection = [
        pl.col(ROW),
        pl.col("case_reference"),
        debtor.alias("debtor_type"),
        *(_normalized(n) for n in RECORD_FIELDS[3:]),
    ]
    return frame.select(selection).rename({ROW: "row"})


_NORMALIZED = {
    "invoice_date": "invoice_date__date",
    "due_date": "due_date__date",
    "amount": "amount__n",
    "outstanding": "outstanding__n",
    "province": "province__cur",
    "country": "country__n",
    "tax_code": "cf__k",
    "vat_number": "vat__k",
    "other_tax_id": "other_tax_id__k",
    "identity_status": "identity_status__k",
}


def _normalized(name: str) -> pl.Expr:
    if name in FLAGS:  # "1" / "0" from the words; "" (a word not understood) is an error row, never accepted
        return (
            pl.col(f"{name}__n")
            .replace_strict({"1": True, "0": False}, default=None, return_dtype=pl.Boolean)
            .alias(name)
        )
    if name in _NORMALIZED:
        column = pl.col(_NORMALIZED[name])
    elif name in (
        "iban",
        "phone",
        "mobile",
        "email",
        "pec",
        "cap",
        "claim_type",
        "supply_point",
    ):
        column = pl.col(f"{name}__n")
    else:
        column = pl.col(name)
    if name == "province":
        column = pl.when(column == "").then(None).otherwise(column)
    return column.alias(name)
