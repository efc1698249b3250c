"""The commit's writes: a `Plan` turned into rows of parties, cases, ledger and timeline, in bulk.

The intake writes no table of another app: the rows go through the owners' bulk modules (`parties.bulk`,
`cases.bulk`, `ledger.bulk`, issue 11 item 1), which keep the invariants of their single-row services — debtors
deduplicated by code (the plan), contact points unique per debtor, case numbers and codes, one opening ledger
line per claim with `opening_post`'s keys, adjustments as new entries (the ledger is append-only), Case.balance
recomputed from the entries, one timeline event per new case and per change. This module decides what the file
means (which rows, which texts of the intake's own events); everything runs inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from recupero.cases import bulk as cases_bulk
from recupero.core.models import Tenant, User
from recupero.imports import frames
from recupero.imports.planning import Plan
from recupero.ledger import bulk as ledger_bulk
from recupero.parties import bulk as parties_bulk

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
    actor: User
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


class _Counted:
    """The commit's `core.bulk.FrameWriter`: the loader, counting the rows written per table for the batch's
    result and reporting progress."""

    def __init__(self, ctx: Context, total: int) -> None:
        self.loader = frames.Loader()
        self.ctx, self.total, self.done = ctx, total, 0
        self.written: dict[str, int] = {}

    def write(self, table: str, frame: pl.DataFrame) -> int:
        count = self.loader.write(table, frame)
        self.written[table] = self.written.get(table, 0) + count
        self.done += frame.height
        self.ctx.progress(f"scrittura {table}", min(self.done, self.total), self.total)
        return count

    def reserve_ids(self, table: str, count: int) -> pl.Series:
        return self.loader.reserve_ids(table, count)

    def update(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.loader.update(sql, rows)


def apply(plan: Plan, ctx: Context) -> dict[str, int]:
    total = sum(
        f.height
        for f in (plan.debtors_new, plan.contacts_new, plan.cases_new, plan.claims_new, plan.claims_changed)
    )
    writer = _Counted(ctx, total)
    debtor_map = _debtors(plan, ctx, writer)
    _contacts(plan, ctx, debtor_map, writer)
    case_map = _cases(plan, ctx, debtor_map, writer)
    claims = _claims(plan, ctx, case_map, writer)
    _instalments(plan, ctx, claims, writer)
    _outstanding(plan, ctx, writer)
    _ledger(plan, ctx, claims, writer)
    _case_updates(plan, ctx, claims, writer)
    _case_facts(plan, ctx, writer)
    _timeline(plan, ctx, claims, case_map, writer)
    return writer.written


# ---- parties -----------------------------------------------------------------------------------------------
def _debtors(plan: Plan, ctx: Context, writer: _Counted) -> pl.DataFrame:
    new = plan.debtors_new
    ids = parties_bulk.debtors_write(
        tenant=ctx.tenant, actor=ctx.actor, writer=writer, debtors=new, created_at=ctx.now
    )
    return pl.concat([plan.debtor_map, new.select("dkey").with_columns(ids.alias("debtor_id"))])


def _contacts(plan: Plan, ctx: Context, debtor_map: pl.DataFrame, writer: _Counted) -> None:
    contacts = plan.contacts_new.drop("debtor_id").join(
        debtor_map, on="dkey", how="left", maintain_order="left"
    )
    parties_bulk.contacts_write(
        tenant=ctx.tenant,
        actor=ctx.actor,
        writer=writer,
        contacts=contacts,
        source=ctx.source,
        created_at=ctx.now,
    )


# ---- cases and claims --------------------------------------------------------------------------------------
def _cases(plan: Plan, ctx: Context, debtor_map: pl.DataFrame, writer: _Counted) -> pl.DataFrame:
    """Write the new cases; returns case_reference -> case_id for new and existing ones."""
    new = plan.cases_new.join(debtor_map, on="dkey", how="left", maintain_order="left")
    totals = (
        plan.claims_new.filter(pl.col("case_id").is_null())
        .group_by("case_reference")
        .agg(pl.col("outstanding").sum().alias("total"), pl.col("due_date").min().alias("first_due_on"))
    )
    new = new.join(totals, on="case_reference", how="left", maintain_order="left").select(
        "debtor_id",
        pl.col("case_reference").alias("creditor_reference"),
        "claim_type",
        (pl.col("debtor_type") == "business").alias("commercial"),
        "first_due_on",
        "province",
        pl.col("total").alias("original_amount"),
        "supply_active",
        "first_invoice_default",
    )
    rows = cases_bulk.cases_write(
        tenant=ctx.tenant,
        actor=ctx.actor,
        writer=writer,
        cases=new,
        creditor_id=ctx.creditor_id,
        assignment_id=ctx.assignment_id,
        opened_on=ctx.opened_on,
    )
    created = rows.select("creditor_reference", pl.col("id").alias("case_id"), pl.lit(True).alias("is_new"))
    existing = plan.cases_existing.select(
        pl.col("case_reference").alias("creditor_reference"), "case_id", pl.lit(False).alias("is_new")
    )
    return pl.concat([created, existing]).rename({"creditor_reference": "case_reference"})


def _claims(plan: Plan, ctx: Context, case_map: pl.DataFrame, writer: _Counted) -> pl.DataFrame:
    """Write the new claims; returns them with ids, case ids and whether their case is new."""
    new = plan.claims_new.drop("case_id").join(
        case_map, on="case_reference", how="left", maintain_order="left"
    )
    ids = cases_bulk.claims_write(
        tenant=ctx.tenant,
        actor=ctx.actor,
        writer=writer,
        claims=new.select(
            "case_id",
            "invoice_number",
            pl.col("invoice_date").alias("issued_on"),
            pl.col("due_date").alias("due_on"),
            "amount",
            "description",
            pl.col("supply").alias("supply_reference"),
            pl.col("outstanding").alias("reported_outstanding"),
        ),
    )
    return new.with_columns(ids.alias("claim_id"))


def _instalments(plan: Plan, ctx: Context, claims: pl.DataFrame, writer: _Counted) -> None:
    """The instalments of the new claims paid in several (cases.ClaimInstalment)."""
    if plan.instalments.height == 0:
        return
    key = ["case_reference", "invoice_number", "invoice_date"]
    parts = plan.instalments.join(claims.select(*key, "claim_id"), on=key, how="inner")
    cases_bulk.instalments_write(
        tenant=ctx.tenant,
        actor=ctx.actor,
        writer=writer,
        instalments=parts.select("claim_id", "number", pl.col("due_date").alias("due_on"), "amount"),
    )


def _outstanding(plan: Plan, ctx: Context, writer: _Counted) -> None:
    """Claims already known: the creditor's newly reported outstanding (new claims carry it in their row); the
    next file is compared with it."""
    cases_bulk.claims_outstanding_set(
        tenant=ctx.tenant,
        actor=ctx.actor,
        writer=writer,
        rows=plan.claims_changed.select("outstanding", "claim_id"),
    )


# ---- books -------------------------------------------------------------------------------------------------
def _pad(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).str.zfill(16)


def _group_prefix(ctx: Context, kind: int) -> str:
    """Entry groups (UUIDs) made of decimal digits, which are hex digits too: batch, kind, case or claim id."""
    return f"{ctx.batch_id % 10**15:015d}{kind}"


def _ledger(plan: Plan, ctx: Context, claims: pl.DataFrame, writer: _Counted) -> None:
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
        *ledger_bulk.opening_accounts(),
        pl.col("outstanding").alias("amount"),
        ledger_bulk.opening_descriptions(pl.col("invoice_number"), pl.col("invoice_date")).alias(
            "description"
        ),
        pl.when(pl.col("is_new"))
        .then(ledger_bulk.opening_keys(pl.col("case_id"), index))
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
        _changed_text(ctx.assignment_code).str.slice(0, 200).alias("description"),
        pl.format("import:{}:adjust:{}#0", _lit(str(ctx.batch_id)), pl.col("claim_id")).alias(
            "idempotency_key"
        ),
    )
    entries = pl.concat([openings, adjustments.cast({"amount": openings.schema["amount"]})])
    ledger_bulk.entries_write(
        tenant=ctx.tenant,
        actor=ctx.actor,
        writer=writer,
        entries=entries,
        posted_on=ctx.opened_on,
        created_at=ctx.now,
    )


def _changed_text(code: str) -> pl.Expr:
    """'Residuo fattura … : before € → after € (affido …)' of a claim whose outstanding changed."""
    return pl.format(
        "Residuo fattura {} del {}: {} € → {} € (affido {})",
        "invoice_number",
        _it_date("invoice_date"),
        pl.col("before").cast(pl.String),
        pl.col("outstanding").cast(pl.String),
        _lit(code),
    )


def _case_updates(plan: Plan, ctx: Context, claims: pl.DataFrame, writer: _Counted) -> None:
    """Existing cases: the earliest due date with the claims added, and the balance recomputed from the books
    now that this file's amounts are posted."""
    added = claims.filter(~pl.col("is_new")).group_by("case_id").agg(pl.col("due_date").min().alias("due"))
    due = added.join(plan.cases_existing, on="case_id", how="inner").select(
        "case_id", pl.min_horizontal("first_due_on", "due").alias("first_due_on")
    )
    cases_bulk.cases_first_due_set(tenant=ctx.tenant, actor=ctx.actor, writer=writer, rows=due)
    touched = pl.concat([added.select("case_id"), plan.claims_changed.select("case_id")])["case_id"].unique()
    ledger_bulk.balances_refresh(
        tenant=ctx.tenant, actor=ctx.actor, writer=writer, case_ids=touched.to_list()
    )


def _case_facts(plan: Plan, ctx: Context, writer: _Counted) -> None:
    """Existing cases: the yes/no facts the file states differently from the record (the timeline says so)."""
    cases_bulk.cases_facts_set(tenant=ctx.tenant, actor=ctx.actor, writer=writer, rows=plan.facts_changed)


FACT_LABELS = {"supply_active": "fornitura attiva", "first_invoice_default": "prima fattura insoluta"}


def _yes_no(name: str) -> pl.Expr:
    return (
        pl.when(pl.col(name)).then(pl.lit("sì")).when(~pl.col(name)).then(pl.lit("no")).otherwise(pl.lit("—"))
    )


# ---- timeline ----------------------------------------------------------------------------------------------
def _timeline(
    plan: Plan, ctx: Context, claims: pl.DataFrame, case_map: pl.DataFrame, writer: _Counted
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
            cases_bulk.opened_summaries(_lit(code), pl.col("n"), pl.col("total").cast(pl.String)).alias(
                "summary"
            ),
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
            "case_id", _lit("import.amount_changed").alias("kind"), _changed_text(code).alias("summary")
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
        *_fact_events(plan, code),
    ]
    cases_bulk.timeline_write(
        tenant=ctx.tenant,
        actor=ctx.actor,
        writer=writer,
        events=pl.concat(events),
        at=ctx.now,
        data=json.dumps({"assignment": code, "batch": ctx.batch_id}),
    )


def _fact_events(plan: Plan, code: str) -> list[pl.DataFrame]:
    return [
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
        for fact, label in FACT_LABELS.items()
    ]
