"""What a validated affido will create, update or leave alone: the comparison with the database, in bulk.

`prepare` is pure (polars): one row per instalment becomes one claim per invoice, the same row in two files is
taken once, a case reference carrying two different debtors is an error. `plan` then loads the keys the file
touches — debtors by codice fiscale / partita IVA in the whole tenant, the creditor's cases by reference, their
claims by (case, number, date), the matched debtors' contact points — through temporary key tables (a few joins,
never a query per row), and splits every debtor, contact, case and claim into new / changed / unchanged.
The parse calls it for the preview, the commit again inside its transaction: what is written is what the
database holds at commit time, which is also what makes a second commit of the same file a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from recupero.cases.domain.states import OPEN_STATUSES
from recupero.imports import credits, frames
from recupero.imports.domain import checks, identity
from recupero.imports.domain.errors import Notice, RowError
from recupero.imports.domain.provinces import cap_verdict
from recupero.imports.domain.validate import FLAGS

MONEY = pl.Decimal(20, 2)
ITALY = ["IT", "ITALIA", "ITALY"]
CONTACT_KINDS = ("phone", "mobile", "email", "pec")
OPEN = [s.value for s in OPEN_STATUSES]


@dataclass
class Plan:
    debtors_new: pl.DataFrame  # dkey, tax_code, vat_number, name, surname, company_name, debtor_type
    debtor_map: pl.DataFrame  # dkey -> debtor_id (existing debtors only)
    contacts_new: pl.DataFrame  # dkey, debtor_id?, case_reference, kind, value, cap, municipality, province
    # case_reference, dkey, claim_type, debtor_type, province, supply_active, first_invoice_default
    cases_new: pl.DataFrame
    cases_existing: pl.DataFrame  # case_reference, case_id, debtor_id, status, balance, first_due_on, FLAGS
    claims_new: pl.DataFrame  # case_reference, case_id?, invoice_number, invoice_date, due_date, amount, ...
    claims_changed: pl.DataFrame  # claim_id, case_id, invoice_number, invoice_date, before, after, delta, ...
    # existing cases whose stated facts the file changes: case_id, then each flag as stated and as it was
    facts_changed: pl.DataFrame = field(default_factory=pl.DataFrame)
    counts: dict[str, Any] = field(default_factory=dict)
    # zero and negative documents (credits.split_documents): never claims; credit notes reduce their invoice
    credits: pl.DataFrame = field(default_factory=pl.DataFrame)
    # the instalments of new claims paid in several (CLAIM_KEY, number, due_date, amount); empty: none
    instalments: pl.DataFrame = field(default_factory=pl.DataFrame)


# ---- pure preparation -------------------------------------------------------------------------------------
def prepare(
    frame: pl.DataFrame, stand_in: str = "affido"
) -> tuple[pl.DataFrame, list[tuple[int, RowError]], list[Notice]]:
    """Rows of all files -> rows to plan; errors (file, RowError) for debtor conflicts; notices.

    A row without a case reference gets "<stand_in>/<debtor key>": one case per debtor per affido."""
    notices: list[Notice] = []
    frame = _with_debtor_key(frame)
    missing = frame["case_reference"].null_count()
    if missing:
        notices.append(Notice.of("import.case_reference_derived", count=missing))
        derived = pl.lit(stand_in[:27] + "/") + pl.col("dkey").str.slice(0, 32)
        frame = frame.with_columns(pl.coalesce("case_reference", derived).alias("case_reference"))
    key = ["case_reference", "invoice_number", "invoice_date", "due_date"]
    # a mask, and a filter only when something repeats: `unique` would copy every column of every row
    first_of_key = frame.select(pl.struct(key).is_first_distinct()).to_series()
    unique = frame if first_of_key.all() else frame.filter(first_of_key)
    if unique.height < frame.height:
        notices.append(Notice.of("import.duplicate_across_files", count=frame.height - unique.height))
    rows = unique.with_columns(
        pl.coalesce("outstanding", "amount").alias("outstanding_eff"),
        pl.coalesce("supply_point", "contract_reference").alias("supply"),
    )
    # the conflict check on the four columns it needs: a group_by or join of the whole (wide) frame would copy
    # every column of every row (~0.4 GB more at a million rows)
    keys = rows.select("case_reference", "dkey", "row", "file")
    first = keys.group_by("case_reference").agg(
        pl.col("dkey").first().alias("first_dkey"), pl.col("row").first().alias("first_row")
    )
    keys = keys.join(first, on="case_reference", how="left", maintain_order="left")
    conflict = keys.filter(pl.col("dkey") != pl.col("first_dkey"))
    errors = [
        (
            r["file"],
            RowError.of(r["row"], "tax_code", "import.row.debtor_conflict", r["dkey"], first=r["first_row"]),
        )
        for r in conflict.select("file", "row", "dkey", "first_row").iter_rows(named=True)
    ]
    if conflict.height:
        rows = rows.filter((keys["dkey"] == keys["first_dkey"]).fill_null(False))
    return rows, errors, notices


def _with_debtor_key(frame: pl.DataFrame) -> pl.DataFrame:
    """dkey: codice fiscale, else partita IVA, else "X:<foreign id>", else "N:<hash of name, address, country>"."""
    coded = pl.coalesce("tax_code", "vat_number", pl.lit("X:") + pl.col("other_tax_id"))
    if frame.select(coded.is_null().any()).item():
        return frame.with_columns(pl.coalesce(coded, identity.name_key(frame)).alias("dkey"))
    return frame.with_columns(coded.alias("dkey"))


# Each group_by first selects the columns it reads: on the whole frame polars copies every column (measured at
# a million rows: +650 MB for the case group_by, +220 MB when narrowed).
def _debtors(rows: pl.DataFrame, creditor_id: int) -> pl.DataFrame:
    fields = [
        "tax_code",
        "vat_number",
        "other_tax_id",
        "name",
        "surname",
        "company_name",
        "debtor_type",
        "country",
    ]
    debtors = (
        rows.select("dkey", *fields, "identity_status")
        .group_by("dkey", maintain_order=True)
        .agg(
            pl.col(fields).drop_nulls().first(),
            (pl.col("identity_status") == "to_verify").any().alias("verify"),
        )
    )
    # a debtor without codes is found again within the creditor only: names repeat across creditors
    key = (
        pl.when(pl.col("dkey").str.starts_with("N:"))
        .then(pl.lit(f"N{creditor_id}:") + pl.col("dkey").str.slice(2))
        .when(pl.col("dkey").str.starts_with("X:"))
        .then(pl.col("dkey"))
    )
    status = pl.when(pl.col("verify")).then(pl.lit("to_verify")).otherwise(pl.lit("unverified"))
    return debtors.with_columns(key.alias("identity_key"), status.alias("identity_status")).drop("verify")


def _cases(rows: pl.DataFrame) -> pl.DataFrame:
    # the creditor's yes/no facts (FLAGS): the first row that states them
    narrow = rows.select("case_reference", "dkey", "claim_type", "debtor_type", "province", *FLAGS)
    return narrow.group_by("case_reference", maintain_order=True).agg(
        pl.col("dkey").first(),
        pl.col("claim_type").first(),
        pl.col("debtor_type").first(),
        pl.col("province").drop_nulls().first(),
        *(pl.col(f).drop_nulls().first() for f in FLAGS),
    )


CLAIM_KEY = ["case_reference", "invoice_number", "invoice_date"]


def _claims(rows: pl.DataFrame) -> pl.DataFrame:
    """One claim per invoice: instalments (rate) of one invoice share its number and date; `parts` counts them."""
    narrow = rows.select(*CLAIM_KEY, "amount", "outstanding_eff", "due_date", "description", "supply")
    return narrow.group_by(CLAIM_KEY, maintain_order=True).agg(
        pl.col("amount").sum(),
        pl.col("outstanding_eff").sum().alias("outstanding"),
        pl.col("due_date").min(),
        pl.col("description").drop_nulls().first(),
        pl.col("supply").drop_nulls().first(),
        pl.len().cast(pl.Int32).alias("parts"),
    )


def _instalments(rows: pl.DataFrame, claims_new: pl.DataFrame) -> pl.DataFrame:
    """The rows of the new claims paid in several instalments: CLAIM_KEY, number, due_date, amount (issue 10:
    one claim with its instalments, each its own due date for interest and prescription)."""
    if claims_new.height == 0 or (claims_new["parts"].max() or 0) < 2:  # type: ignore[operator]
        return pl.DataFrame()
    several = claims_new.filter(pl.col("parts") > 1).select(CLAIM_KEY)
    # an instalment without a due date falls due with the invoice (the claim's own rule would be 30 days later:
    # earlier is the reading that never lets a prescription pass unseen)
    due = pl.coalesce("due_date", "invoice_date").alias("due_date")
    parts = rows.select(*CLAIM_KEY, due, "amount").join(several, on=CLAIM_KEY, how="semi")
    parts = parts.sort(*CLAIM_KEY, "due_date", nulls_last=True)
    return parts.with_columns(pl.int_range(1, pl.len() + 1).over(CLAIM_KEY).cast(pl.Int32).alias("number"))


def _contacts(rows: pl.DataFrame) -> pl.DataFrame:
    """Candidate contact points, normalized as the parties service stores them, one per (debtor, kind, value)."""
    pair = (rows["province"] + "|" + rows["cap"]).alias("pair")
    verdict = checks.by_distinct(pair, lambda v: cap_verdict(*reversed(v.split("|"))))
    used = [
        "dkey",
        "case_reference",
        "row",
        "address",
        "country",
        "cap",
        "municipality",
        "province",
        *CONTACT_KINDS,
    ]
    rows = rows.select(used).with_columns(verdict.alias("cap_ok"))
    # an Italian address whose CAP, province or list disagree is stored "to verify" (issue 10); a foreign one is
    # stored as given, its postcode in front of the town (the CAP column holds Italian CAPs only)
    italian = (pl.col("country") == "IT").fill_null(False)
    storable = pl.col("address").is_not_null() & (
        ~italian | (pl.col("cap").is_not_null() & pl.col("municipality").is_not_null())
    )
    cap_ok = pl.col("cap").fill_null("").str.contains(r"^\d{5}$")
    doubtful = italian & (~cap_ok | pl.col("province").is_null() | (pl.col("cap_ok") == "0").fill_null(False))
    town = pl.concat_str([pl.col("cap"), pl.col("municipality")], separator=" ", ignore_nulls=True)
    base = [pl.col("dkey"), pl.col("case_reference"), pl.col("row")]
    blank = [pl.lit("").alias(n) for n in ("cap", "municipality", "province", "country")]
    blank.append(pl.lit("unverified").alias("status"))
    lazy = rows.lazy()
    parts = [
        lazy.filter(storable).select(
            *base,
            pl.lit("address").alias("kind"),
            pl.col("address").str.replace_all(r"\s+", " ").str.strip_chars().alias("value"),
            pl.when(italian & cap_ok).then(pl.col("cap")).otherwise(pl.lit("")).alias("cap"),
            pl.when(italian)
            .then(pl.col("municipality"))
            .otherwise(town)
            .fill_null("")
            .str.slice(0, 100)
            .alias("municipality"),
            pl.col("province").fill_null(""),
            pl.col("country").fill_null(""),
            pl.when(doubtful).then(pl.lit("to_verify")).otherwise(pl.lit("unverified")).alias("status"),
        )
    ]
    for kind in CONTACT_KINDS:
        parts.append(
            lazy.filter(pl.col(kind).is_not_null()).select(
                *base, pl.lit(kind).alias("kind"), pl.col(kind).alias("value"), *blank
            )
        )
    # One lazy query. Each kind is deduplicated on its own (its rows are in file order: the first occurrence is
    # kept), then the survivors are put in file order, a row's kinds in the order above: the candidates (several
    # per row) are never all materialised next to a sorted copy.
    unique = [part.unique(subset=["dkey", "value"], keep="first", maintain_order=True) for part in parts]
    return pl.concat(unique).sort("row", maintain_order=True).collect()


# ---- against the database -----------------------------------------------------------------------------------
def _existing_debtors(tenant_id: int, debtors: pl.DataFrame) -> pl.DataFrame:
    """dkey -> debtor_id, by codice fiscale, then partita IVA, then an 11-digit codice fiscale as partita IVA."""
    codes = (
        pl.concat([debtors["tax_code"], debtors["vat_number"], debtors["identity_key"]]).drop_nulls().unique()
    )
    schema = {"id": pl.Int64, "tax_code": pl.String, "vat_number": pl.String, "identity_key": pl.String}
    columns = "SELECT d.id, d.tax_code, d.vat_number, d.identity_key FROM parties_debtor d"
    if frames.at_most("parties_debtor d", "d.tenant_id = %s", [tenant_id], codes.len()):
        found = frames.query(f"{columns} WHERE d.tenant_id = %s", [tenant_id], schema).filter(
            pl.col("tax_code").is_in(codes.implode())
            | pl.col("vat_number").is_in(codes.implode())
            | pl.col("identity_key").is_in(codes.implode())
        )
    else:
        with frames.TempKeys("codes", codes) as tmp:
            found = frames.query(
                f'{columns} JOIN "{tmp}" t ON t.k = d.tax_code WHERE d.tenant_id = %s UNION '
                f'{columns} JOIN "{tmp}" t ON t.k = d.vat_number WHERE d.tenant_id = %s UNION '
                f'{columns} JOIN "{tmp}" t ON t.k = d.identity_key WHERE d.tenant_id = %s',
                [tenant_id, tenant_id, tenant_id],
                schema,
            )
    by_cf = found.filter(pl.col("tax_code") != "").group_by("tax_code").agg(pl.col("id").min().alias("by_cf"))
    by_vat = (
        found.filter(pl.col("vat_number") != "")
        .group_by("vat_number")
        .agg(pl.col("id").min().alias("by_vat"))
    )
    by_cf_vat = by_vat.rename({"vat_number": "tax_code", "by_vat": "by_cf_vat"})
    by_key = (
        found.filter(pl.col("identity_key") != "")
        .group_by("identity_key")
        .agg(pl.col("id").min().alias("by_key"))
    )
    matched = (
        debtors.select("dkey", "tax_code", "vat_number", "identity_key")
        .join(by_cf, on="tax_code", how="left")
        .join(by_vat, on="vat_number", how="left")
        .join(by_cf_vat, on="tax_code", how="left")
        .join(by_key, on="identity_key", how="left")
    )
    found_id = pl.coalesce("by_cf", "by_vat", "by_cf_vat", "by_key")
    return matched.select("dkey", found_id.alias("debtor_id")).filter(pl.col("debtor_id").is_not_null())


def _existing_cases(tenant_id: int, creditor_id: int, cases: pl.DataFrame) -> pl.DataFrame:
    schema = {
        "case_id": pl.Int64,
        "case_reference": pl.String,
        "debtor_id": pl.Int64,
        "status": pl.String,
        "balance": pl.String,
        "first_due_on": pl.String,
        **{flag: pl.Int64 for flag in FLAGS},
    }
    refs = cases["case_reference"]
    columns = (
        "SELECT c.id, c.creditor_reference, c.debtor_id, c.status, CAST(c.balance AS TEXT), "
        "CAST(c.first_due_on AS TEXT), CAST(c.supply_active AS INTEGER), CAST(c.first_invoice_default AS INTEGER) "
        "FROM cases_case c"
    )
    where, params = "c.tenant_id = %s AND c.creditor_id = %s", [tenant_id, creditor_id]
    if frames.at_most("cases_case c", where, params, refs.len()):
        found = frames.query(f"{columns} WHERE {where}", params, schema).filter(
            pl.col("case_reference").is_in(refs.implode())
        )
    else:
        with frames.TempKeys("refs", refs) as tmp:
            found = frames.query(
                f'{columns} JOIN "{tmp}" t ON t.k = c.creditor_reference WHERE {where}', params, schema
            )
    return found.with_columns(
        _money("balance"),
        pl.col("first_due_on").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
        *(pl.col(flag).cast(pl.Boolean) for flag in FLAGS),
    )


def _facts_changed(cases: pl.DataFrame, existing: pl.DataFrame) -> pl.DataFrame:
    """Existing cases for which the file states a fact that differs from the one on record (a fact the file does
    not state is left as it is)."""
    both = cases.select("case_reference", *FLAGS).join(
        existing.select("case_reference", "case_id", *(pl.col(f).alias(f"{f}_before") for f in FLAGS)),
        on="case_reference",
        how="inner",
        maintain_order="left",
    )
    differs = pl.any_horizontal(
        pl.col(f).is_not_null() & pl.col(f).ne_missing(pl.col(f"{f}_before")) for f in FLAGS
    )
    return both.filter(differs).select(
        "case_id",
        "case_reference",
        *(pl.coalesce(f, f"{f}_before").alias(f) for f in FLAGS),
        *(f"{f}_before" for f in FLAGS),
    )


def _money(name: str) -> pl.Expr:
    """Decimal(20, 2) from the database's text (SQLite stores decimals as numbers: '12.3', '12')."""
    return pl.col(name).str.to_decimal(scale=2).cast(MONEY)


def _existing_claims(case_ids: pl.Series) -> pl.DataFrame:
    schema = {
        "claim_id": pl.Int64,
        "case_id": pl.Int64,
        "invoice_number": pl.String,
        "invoice_date": pl.String,
        "claim_amount": pl.String,
        "reported": pl.String,
    }
    if case_ids.len() == 0:
        found = pl.DataFrame(schema=schema)
    else:
        with frames.TempKeys("case_ids", case_ids) as tmp:
            found = frames.query(
                f"SELECT cl.id, cl.case_id, cl.invoice_number, CAST(cl.issued_on AS TEXT), CAST(cl.amount AS TEXT), "
                f'CAST(cl.reported_outstanding AS TEXT) FROM cases_claim cl JOIN "{tmp}" t ON t.k = cl.case_id',
                [],
                schema,
            )
    return found.with_columns(
        pl.col("invoice_date").str.slice(0, 10).str.to_date("%Y-%m-%d"),
        pl.coalesce(_money("reported"), _money("claim_amount")).alias("before"),
    ).drop("claim_amount", "reported")


def _existing_contacts(debtor_ids: pl.Series) -> pl.DataFrame:
    schema = {"debtor_id": pl.Int64, "kind": pl.String, "value": pl.String}
    if debtor_ids.len() == 0:
        return pl.DataFrame(schema=schema)
    with frames.TempKeys("debtor_ids", debtor_ids) as tmp:
        return frames.query(
            f'SELECT p.debtor_id, p.kind, p.value FROM parties_contactpoint p JOIN "{tmp}" t ON t.k = p.debtor_id',
            [],
            schema,
        )


def plan(tenant_id: int, creditor_id: int, rows: pl.DataFrame) -> tuple[Plan, list[Notice]]:
    notices: list[Notice] = []
    rows, credit_notes, zero = credits.split_documents(rows)
    cases = _cases(rows)
    cases_existing = _existing_cases(tenant_id, creditor_id, cases)
    closed = cases_existing.filter(~pl.col("status").is_in(OPEN))
    if closed.height:
        notices.append(Notice.of("import.case_closed", count=closed.height))
        rows = rows.filter(~pl.col("case_reference").is_in(closed["case_reference"].implode()))
        cases = cases.filter(~pl.col("case_reference").is_in(closed["case_reference"].implode()))
        cases_existing = cases_existing.filter(pl.col("status").is_in(OPEN))
    debtors = _debtors(rows, creditor_id)
    debtor_map = _existing_debtors(tenant_id, debtors)
    contacts_new = _contacts(rows)  # unique per (dkey, kind, value)
    if debtor_map.height:  # (a creditor's first affido skips these joins of a million rows with nothing)
        contacts_new = contacts_new.join(debtor_map, on="dkey", how="left", maintain_order="left")
        known = _existing_contacts(debtor_map["debtor_id"])
        if known.height:
            contacts_new = contacts_new.join(
                known, on=["debtor_id", "kind", "value"], how="anti", maintain_order="left"
            )
        # two file debtors (one with CF, one with P.IVA only) may be one known debtor: one contact row each
        again = (
            pl.col("debtor_id").is_not_null() & ~pl.struct("debtor_id", "kind", "value").is_first_distinct()
        )
        contacts_new = contacts_new.filter(~again)
    else:
        contacts_new = contacts_new.with_columns(pl.lit(None, pl.Int64).alias("debtor_id"))

    claims = _claims(rows).join(
        cases_existing.select("case_reference", "case_id"),
        on="case_reference",
        how="left",
        maintain_order="left",
    )
    existing_claims = _existing_claims(cases_existing["case_id"])
    claims = claims.join(
        existing_claims, on=["case_id", "invoice_number", "invoice_date"], how="left", maintain_order="left"
    )
    claims_new = claims.filter(pl.col("claim_id").is_null()).drop("claim_id", "before")
    matched = claims.filter(pl.col("claim_id").is_not_null())
    claims_changed = matched.filter(pl.col("outstanding") != pl.col("before")).with_columns(
        (pl.col("outstanding") - pl.col("before")).alias("delta")
    )
    cases_new = cases.join(cases_existing.select("case_reference"), on="case_reference", how="anti")
    debtors_new = debtors.join(debtor_map, on="dkey", how="anti")
    result = Plan(
        debtors_new,
        debtor_map,
        contacts_new,
        cases_new,
        cases_existing,
        claims_new,
        claims_changed,
        _facts_changed(cases, cases_existing),
    )
    result.counts = _counts(result, matched.height, closed.height, rows.height)
    result.credits = credit_notes
    result.instalments = _instalments(rows, claims_new)
    if result.instalments.height:
        invoices = result.instalments.select(CLAIM_KEY).n_unique()
        result.counts["claims"]["instalments"] = result.instalments.height
        notices.append(Notice.of("import.instalments", count=invoices, parts=result.instalments.height))
    matched_credits = credits.match(tenant_id, creditor_id, credit_notes, debtor_map)
    more, credit_counts = credits.preview(matched_credits, claims_new, zero)
    result.counts.update(credit_counts)
    return result, notices + more


def _counts(p: Plan, matched_claims: int, closed: int, rows: int) -> dict[str, Any]:
    existing_ids = p.cases_existing["case_id"]
    touched = pl.concat(
        [
            p.claims_new.filter(pl.col("case_id").is_not_null())["case_id"],
            p.claims_changed["case_id"],
            p.contacts_new.join(p.cases_existing, on="case_reference", how="inner")["case_id"],
            p.facts_changed["case_id"],
        ]
    ).unique()
    debtor_ids = p.debtor_map["debtor_id"].unique()
    debtors_touched = p.contacts_new.filter(pl.col("debtor_id").is_not_null())["debtor_id"].unique()
    new_total = p.claims_new["outstanding"].sum() if p.claims_new.height else Decimal("0")
    up = p.claims_changed.filter(pl.col("delta") > 0)["delta"].sum() if p.claims_changed.height else 0
    down = p.claims_changed.filter(pl.col("delta") < 0)["delta"].sum() if p.claims_changed.height else 0
    return {
        "rows": rows,
        "debtors": {
            "new": p.debtors_new.height,
            "updated": debtors_touched.len(),
            "unchanged": debtor_ids.len() - debtors_touched.len(),
        },
        "cases": {
            "new": p.cases_new.height,
            "updated": touched.len(),
            "unchanged": existing_ids.len() - touched.len(),
            "closed": closed,
        },
        "claims": {
            "new": p.claims_new.height,
            "updated": p.claims_changed.height,
            "unchanged": matched_claims - p.claims_changed.height,
        },
        "contacts_new": p.contacts_new.height,
        "amount_new": str(new_total or Decimal("0.00")),
        "adjustment_up": str(up or Decimal("0.00")),
        "adjustment_down": str(-(down or Decimal("0.00"))),
    }
