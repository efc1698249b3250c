"""The commit's writes: a `Plan` turned into rows of parties, cases, ledger and timeline, in bulk.

This is the bulk-load exception of rule 2 (as the demo loader): the services of those apps write one row at a
time, so the intake writes their tables itself, with the same normalisations and invariants — debtors deduplicated
by code, contact points unique per debtor, case numbers from `next_case_seqs` and codes from `case_code`, one
opening ledger line per claim (same idempotency keys as `ledger.services.opening_post`), adjustments as new
entries (the ledger is append-only), Case.balance = the receivables of its entries, one timeline event per new
case and per change. Everything runs inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from recupero.cases.domain.codes import case_code
from recupero.cases.services import next_case_seqs
from recupero.core.models import Tenant
from recupero.imports import frames
from recupero.imports.planning import Plan

KIND_LABELS = {
    "address": "indirizzo",
    "phone": "telefono",
    "mobile": "cellulare",
    "email": "e-mail",
    "pec": "PEC",
}


@dataclass
class Context:
    tenant: Tenant
    creditor_id: int
    assignment_id: int
    assignment_code: str
    batch_id: int
    actor_id: int | None
    opened_on: str  # ISO date: the assignment's received_on
    now: str  # timestamp text for the backend (staging.timestamp)
    progress: Callable[[str, int, int], None]

    @property
    def source(self) -> str:
        return f"affido {self.assignment_code}"[:60]


def _lit(value: object, dtype: pl.DataType | type[pl.DataType] = pl.String) -> pl.Expr:
    return pl.lit(value, dtype=dtype)


def _it_date(name: str) -> pl.Expr:
    return pl.col(name).dt.strftime("%d/%m/%Y")


def apply(plan: Plan, ctx: Context) -> dict[str, int]:
    written: dict[str, int] = {}
    total = sum(
        f.height
        for f in (plan.debtors_new, plan.contacts_new, plan.cases_new, plan.claims_new, plan.claims_changed)
    )
    done = 0
    loader = frames.Loader()

    def step(table: str, frame: pl.DataFrame) -> None:
        nonlocal done
        written[table] = written.get(table, 0) + loader.write(table, frame)
        done += frame.height
        ctx.progress(f"scrittura {table}", min(done, total), total)

    debtor_map = _debtors(plan, ctx, step)
    _contacts(plan, ctx, debtor_map, step)
    case_map = _cases(plan, ctx, debtor_map, step)
    claims = _claims(plan, ctx, case_map, step)
    _instalments(plan, ctx, claims, step)
    _outstanding(plan)
    _ledger(plan, ctx, claims, step)
    _case_updates(plan, claims)
    _case_facts(plan)
    _timeline(plan, ctx, claims, case_map, step)
    return written


# ---- parties -----------------------------------------------------------------------------------------------
def _debtors(plan: Plan, ctx: Context, step: Callable[[str, pl.DataFrame], None]) -> pl.DataFrame:
    new = plan.debtors_new
    ids = frames.reserve_ids("parties_debtor", new.height)
    consumer = pl.col("debtor_type") == "consumer"
    person_code = pl.col("tax_code").str.len_chars().fill_null(0) == 16
    first, last, company = (pl.col(n).fill_null("") for n in ("name", "surname", "company_name"))
    search = pl.when(company != "").then(company).otherwise(pl.concat_str([last, first], separator=" "))
    rows = new.with_columns(ids.alias("id")).select(
        "id",
        _lit(ctx.tenant.pk, pl.Int64).alias("tenant_id"),
        pl.when(consumer)
        .then(pl.lit("person"))
        .when(person_code)
        .then(pl.lit("sole_trader"))
        .otherwise(pl.lit("company"))
        .alias("kind"),
        pl.when(consumer)
        .then(pl.lit("consumer"))
        .when(person_code)
        .then(pl.lit("micro"))
        .otherwise(pl.lit("sme"))
        .alias("size"),
        first.alias("first_name"),
        last.alias("last_name"),
        company.alias("company_name"),
        pl.col("tax_code").fill_null(""),
        pl.col("vat_number").fill_null(""),
        _lit(False, pl.Boolean).alias("vulnerable"),
        pl.col("country").fill_null(""),
        pl.col("other_tax_id").fill_null(""),
        "identity_status",
        pl.col("identity_key").fill_null(""),
        search.str.strip_chars().str.to_lowercase().str.slice(0, 220).alias("search_name"),
        _lit(ctx.now).alias("created_at"),
    )
    step("parties_debtor", rows)
    return pl.concat([plan.debtor_map, new.select("dkey").with_columns(ids.alias("debtor_id"))])


def _contacts(
    plan: Plan, ctx: Context, debtor_map: pl.DataFrame, step: Callable[[str, pl.DataFrame], None]
) -> None:
    contacts = plan.contacts_new.drop("debtor_id").join(
        debtor_map, on="dkey", how="left", maintain_order="left"
    )
    ids = frames.reserve_ids("parties_contactpoint", contacts.height)
    rows = contacts.with_columns(ids.alias("id")).select(
        "id",
        _lit(ctx.tenant.pk, pl.Int64).alias("tenant_id"),
        "debtor_id",
        "kind",
        "value",
        "cap",
        "municipality",
        "province",
        "country",
        _lit(ctx.source).alias("source"),
        "status",
        _lit(None).alias("verified_at"),
        _lit(ctx.now).alias("created_at"),
    )
    step("parties_contactpoint", rows)


# ---- cases and claims --------------------------------------------------------------------------------------
def _cases(
    plan: Plan, ctx: Context, debtor_map: pl.DataFrame, step: Callable[[str, pl.DataFrame], None]
) -> pl.DataFrame:
    """Write the new cases; returns case_reference -> case_id for new and existing ones."""
    new = plan.cases_new.join(debtor_map, on="dkey", how="left", maintain_order="left")
    totals = (
        plan.claims_new.filter(pl.col("case_id").is_null())
        .group_by("case_reference")
        .agg(pl.col("outstanding").sum().alias("total"), pl.col("due_date").min().alias("first_due_on"))
    )
    new = new.join(totals, on="case_reference", how="left", maintain_order="left")
    ids = frames.reserve_ids("cases_case", new.height)
    seqs = next_case_seqs(ctx.tenant, new.height) if new.height else range(0)
    rows = new.with_columns(
        ids.alias("id"),
        pl.Series("seq", seqs, dtype=pl.Int64),
        case_codes(seqs),
    ).select(
        "id",
        _lit(ctx.tenant.pk, pl.Int64).alias("tenant_id"),
        "seq",
        "code",
        _lit(ctx.creditor_id, pl.Int64).alias("creditor_id"),
        _lit(ctx.assignment_id, pl.Int64).alias("assignment_id"),
        "debtor_id",
        pl.col("case_reference").alias("creditor_reference"),
        "claim_type",
        (pl.col("debtor_type") == "business").alias("commercial"),
        _lit(None, pl.Date).alias("contract_date"),
        _lit("new").alias("status"),
        _lit(ctx.opened_on).alias("opened_on"),
        _lit(None, pl.Date).alias("closed_on"),
        "first_due_on",
        pl.col("province").fill_null(""),
        pl.col("total").alias("original_amount"),
        pl.col("total").alias("balance"),
        _lit(None, pl.Int64).alias("consultant_id"),
        _lit(None, pl.Date).alias("filing_date"),
        _lit(False, pl.Boolean).alias("title_grants_commercial_rate"),
        "supply_active",
        "first_invoice_default",
    )
    step("cases_case", rows)
    created = rows.select("creditor_reference", pl.col("id").alias("case_id"), pl.lit(True).alias("is_new"))
    existing = plan.cases_existing.select(
        pl.col("case_reference").alias("creditor_reference"), "case_id", pl.lit(False).alias("is_new")
    )
    return pl.concat([created, existing]).rename({"creditor_reference": "case_reference"})


def case_codes(seqs: range) -> pl.Series:
    """`case_code` of each number, in polars while numbers have 7 digits (the Luhn digit of 'P' + 7 digits)."""
    if not seqs or seqs[-1] >= 10**7 or seqs[0] < 0:
        return pl.Series("code", [case_code(s) for s in seqs], dtype=pl.String)
    body = pl.int_range(seqs[0], seqs[-1] + 1, dtype=pl.Int64, eager=True).cast(pl.String).str.zfill(7)
    frame = pl.DataFrame({"body": body})
    digit = [pl.col("body").str.slice(j, 1).cast(pl.Int32) for j in range(7)]
    doubled = [pl.when(d * 2 > 9).then(d * 2 - 9).otherwise(d * 2) for d in digit[0::2]]
    total = pl.sum_horizontal(*doubled, *digit[1::2])
    check = ((10 - total % 10) % 10).cast(pl.String)
    return frame.select(pl.concat_str(pl.lit("P"), pl.col("body"), check).alias("code")).to_series()


def _claims(
    plan: Plan, ctx: Context, case_map: pl.DataFrame, step: Callable[[str, pl.DataFrame], None]
) -> pl.DataFrame:
    """Write the new claims; returns them with ids, case ids and whether their case is new."""
    new = plan.claims_new.drop("case_id").join(
        case_map, on="case_reference", how="left", maintain_order="left"
    )
    new = new.with_columns(frames.reserve_ids("cases_claim", new.height).alias("claim_id"))
    rows = new.select(
        pl.col("claim_id").alias("id"),
        _lit(ctx.tenant.pk, pl.Int64).alias("tenant_id"),
        "case_id",
        "invoice_number",
        pl.col("invoice_date").alias("issued_on"),
        pl.col("due_date").alias("due_on"),
        "amount",
        pl.col("description").fill_null("").str.slice(0, 300).alias("description"),
        pl.col("supply").fill_null("").str.slice(0, 60).alias("supply_reference"),
        _lit(None, pl.Date).alias("sdi_delivered_on"),
        pl.col("outstanding").alias("reported_outstanding"),
        *number_key_columns(pl.col("invoice_number")),
    )
    step("cases_claim", rows)
    return new


def _instalments(
    plan: Plan, ctx: Context, claims: pl.DataFrame, step: Callable[[str, pl.DataFrame], None]
) -> None:
    """The instalments of the new claims paid in several (cases.ClaimInstalment)."""
    if plan.instalments.height == 0:
        return
    key = ["case_reference", "invoice_number", "invoice_date"]
    parts = plan.instalments.join(claims.select(*key, "claim_id"), on=key, how="inner")
    rows = parts.select(
        frames.reserve_ids("cases_claiminstalment", parts.height).alias("id"),
        _lit(ctx.tenant.pk, pl.Int64).alias("tenant_id"),
        "claim_id",
        "number",
        pl.col("due_date").alias("due_on"),
        "amount",
    )
    step("cases_claiminstalment", rows)


def number_key_columns(number: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """`cases.domain.search.invoice_number_keys` for a whole column: the first and last digit groups without
    leading zeros ("47985/2025" → 47985, 2025); no tail when there is one group (a test compares the two)."""
    groups = number.str.extract_all(r"\d+").list.eval(
        pl.element().str.replace(r"^0+(\d)", "$1").str.slice(0, 40)
    )
    head = groups.list.first().fill_null("").alias("number_head")
    tail = pl.when(groups.list.len() > 1).then(groups.list.last()).otherwise(pl.lit("")).alias("number_tail")
    return head, tail


def _outstanding(plan: Plan) -> None:
    """Claims already known: the creditor's newly reported outstanding (new claims carry it in their row); the
    next file is compared with it."""
    updates = plan.claims_changed.select(pl.col("outstanding").cast(pl.String), "claim_id")
    frames.update("UPDATE cases_claim SET reported_outstanding = %s WHERE id = %s", updates.rows())


# ---- books -------------------------------------------------------------------------------------------------
LEDGER_COLUMNS = (
    "id", "tenant_id", "case_id", "group", "kind", "posted_on", "debit_account", "credit_account", "amount",
    "description", "reverses_id", "idempotency_key", "created_at", "actor_id",
)  # fmt: skip


def _pad(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).str.zfill(16)


def _group_prefix(ctx: Context, kind: int) -> str:
    """Entry groups (UUIDs) made of decimal digits, which are hex digits too: batch, kind, case or claim id."""
    return f"{ctx.batch_id % 10**15:015d}{kind}"


def _ledger(
    plan: Plan, ctx: Context, claims: pl.DataFrame, step: Callable[[str, pl.DataFrame], None]
) -> None:
    openings = claims.filter(pl.col("outstanding") > 0).sort("case_id", "invoice_date", "claim_id")
    # a new case's lines carry opening_post's own keys, so a later opening_post on it is a no-op
    index = pl.int_range(pl.len()).over("case_id").cast(pl.String)
    batch_key = pl.format("import:{}:claim:{}#0", _lit(str(ctx.batch_id)), pl.col("claim_id"))
    openings = openings.select(
        "case_id",
        pl.when(pl.col("is_new"))
        .then(pl.format("{}{}", _lit(_group_prefix(ctx, 0)), _pad("case_id")))
        .otherwise(pl.format("{}{}", _lit(_group_prefix(ctx, 1)), _pad("claim_id")))
        .alias("group"),
        _lit("opening").alias("kind"),
        _lit("principal").alias("debit_account"),
        _lit("assigned").alias("credit_account"),
        pl.col("outstanding").alias("amount"),
        pl.format("Fattura {} del {}", "invoice_number", _it_date("invoice_date"))
        .str.slice(0, 200)
        .alias("description"),
        pl.when(pl.col("is_new"))
        .then(pl.format("opening:{}#{}", pl.col("case_id"), index))
        .otherwise(batch_key)
        .alias("idempotency_key"),
    )
    changed = plan.claims_changed
    increase = pl.col("delta") > 0
    adjustments = changed.select(
        "case_id",
        pl.format("{}{}", _lit(_group_prefix(ctx, 2)), _pad("claim_id")).alias("group"),
        pl.when(increase).then(pl.lit("opening")).otherwise(pl.lit("credit")).alias("kind"),
        pl.when(increase).then(pl.lit("principal")).otherwise(pl.lit("credits")).alias("debit_account"),
        pl.when(increase).then(pl.lit("assigned")).otherwise(pl.lit("principal")).alias("credit_account"),
        pl.col("delta").abs().alias("amount"),
        pl.format(
            "Residuo fattura {} del {}: {} € → {} € (affido {})",
            "invoice_number",
            _it_date("invoice_date"),
            pl.col("before").cast(pl.String),
            pl.col("outstanding").cast(pl.String),
            _lit(ctx.assignment_code),
        )
        .str.slice(0, 200)
        .alias("description"),
        pl.format("import:{}:adjust:{}#0", _lit(str(ctx.batch_id)), pl.col("claim_id")).alias(
            "idempotency_key"
        ),
    )
    entries = pl.concat([openings, adjustments.cast({"amount": openings.schema["amount"]})])
    ids = frames.reserve_ids("ledger_ledgerentry", entries.height)
    rows = entries.with_columns(
        ids.alias("id"),
        _lit(ctx.tenant.pk, pl.Int64).alias("tenant_id"),
        _lit(ctx.opened_on).alias("posted_on"),
        _lit(None, pl.Int64).alias("reverses_id"),
        _lit(ctx.now).alias("created_at"),
        _lit(ctx.actor_id, pl.Int64).alias("actor_id"),
    ).select(LEDGER_COLUMNS)
    step("ledger_ledgerentry", rows)


def _case_updates(plan: Plan, claims: pl.DataFrame) -> None:
    """Existing cases: balance += what this file added or changed (the same amounts just posted), earliest due."""
    added = (
        claims.filter(~pl.col("is_new"))
        .group_by("case_id")
        .agg(pl.col("outstanding").sum().alias("delta"), pl.col("due_date").min().alias("due"))
    )
    changed = plan.claims_changed.group_by("case_id").agg(
        pl.col("delta").sum(), pl.lit(None, pl.Date).alias("due")
    )
    moves = (
        pl.concat([added, changed.cast({"delta": added.schema["delta"]})])
        .group_by("case_id")
        .agg(pl.col("delta").sum(), pl.col("due").min())
    )
    if moves.height == 0:
        return
    rows = moves.join(plan.cases_existing, on="case_id", how="inner").select(
        (pl.col("balance") + pl.col("delta")).cast(pl.Decimal(20, 2)).cast(pl.String),
        pl.min_horizontal("first_due_on", "due").cast(pl.String),
        "case_id",
    )
    frames.update("UPDATE cases_case SET balance = %s, first_due_on = %s WHERE id = %s", rows.rows())


def _case_facts(plan: Plan) -> None:
    """Existing cases: the yes/no facts the file states differently from the record (the timeline says so)."""
    rows = plan.facts_changed.select("supply_active", "first_invoice_default", "case_id").rows()
    frames.update("UPDATE cases_case SET supply_active = %s, first_invoice_default = %s WHERE id = %s", rows)


FACT_LABELS = {"supply_active": "fornitura attiva", "first_invoice_default": "prima fattura insoluta"}


def _yes_no(name: str) -> pl.Expr:
    return (
        pl.when(pl.col(name)).then(pl.lit("sì")).when(~pl.col(name)).then(pl.lit("no")).otherwise(pl.lit("—"))
    )


# ---- timeline ----------------------------------------------------------------------------------------------
def _timeline(
    plan: Plan,
    ctx: Context,
    claims: pl.DataFrame,
    case_map: pl.DataFrame,
    step: Callable[[str, pl.DataFrame], None],
) -> None:
    code = ctx.assignment_code
    opened = (
        claims.filter(pl.col("is_new"))
        .group_by("case_id", maintain_order=True)
        .agg(pl.len().alias("n"), pl.col("outstanding").sum().alias("total"))
    )
    events = [
        opened.select(
            "case_id",
            _lit("case.opened").alias("kind"),
            pl.format(
                "Pratica aperta da affido {}: {} fatture, {} €",
                _lit(code),
                "n",
                pl.col("total").cast(pl.String),
            ).alias("summary"),
        ),
        claims.filter(~pl.col("is_new")).select(
            "case_id",
            _lit("import.claim_added").alias("kind"),
            pl.format(
                "Fattura {} del {} aggiunta da affido {}: {} €",
                "invoice_number",
                _it_date("invoice_date"),
                _lit(code),
                pl.col("outstanding").cast(pl.String),
            ).alias("summary"),
        ),
        plan.claims_changed.select(
            "case_id",
            _lit("import.amount_changed").alias("kind"),
            pl.format(
                "Residuo fattura {} del {}: {} € → {} € (affido {})",
                "invoice_number",
                _it_date("invoice_date"),
                pl.col("before").cast(pl.String),
                pl.col("outstanding").cast(pl.String),
                _lit(code),
            ).alias("summary"),
        ),
        plan.contacts_new.join(case_map.filter(~pl.col("is_new")), on="case_reference", how="inner").select(
            "case_id",
            _lit("import.contact_added").alias("kind"),
            pl.format(
                "Recapito aggiunto da affido {}: {} {}",
                _lit(code),
                pl.col("kind").replace_strict(KIND_LABELS, return_dtype=pl.String),
                "value",
            ).alias("summary"),
        ),
    ]
    for fact, label in FACT_LABELS.items():
        events.append(
            plan.facts_changed.filter(pl.col(fact).ne_missing(pl.col(f"{fact}_before"))).select(
                "case_id",
                _lit("import.fact_changed").alias("kind"),
                pl.format(
                    "{} da affido {}: {} → {}",
                    _lit(label.capitalize()),
                    _lit(code),
                    _yes_no(f"{fact}_before"),
                    _yes_no(fact),
                ).alias("summary"),
            )
        )
    data = json.dumps({"assignment": code, "batch": ctx.batch_id})
    timeline = pl.concat(events)
    ids = frames.reserve_ids("cases_timelineevent", timeline.height)
    rows = timeline.with_columns(ids.alias("id")).select(
        "id",
        _lit(ctx.tenant.pk, pl.Int64).alias("tenant_id"),
        "case_id",
        _lit(ctx.now).alias("at"),
        "kind",
        _lit(ctx.actor_id, pl.Int64).alias("actor_id"),
        pl.col("summary").str.slice(0, 300),
        _lit(data).alias("data"),
    )
    step("cases_timelineevent", rows)
