"""Set-based writes of debtors and contact points: the intake (polars frames through a `core.bulk.FrameWriter`)
and the demo (row tuples through `core.bulk.Bulk`) write parties' tables only through here (issue 11 item 1).

The invariants of the single-row services: a debtor's kind and size from who it is (consumer; a business with a
personal codice fiscale is a sole trader), its `search_name` (company name, else "surname name", stripped,
lower-case, 220 characters). Column lists come from the models (`core.bulk.columns_of`). Building blocks of the
callers' services, inside their transaction: not services of their own (tests/test_permissions.NOT_SERVICES).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from recupero.core.bulk import Bulk, FrameWriter, columns_of
from recupero.core.models import Tenant, User
from recupero.parties.models import ContactPoint, Debtor

DEBTORS = Debtor._meta.db_table
CONTACTS = ContactPoint._meta.db_table
DEBTOR_COLUMNS = columns_of(Debtor)
CONTACT_COLUMNS = columns_of(ContactPoint)
# the demo's generated rows leave the intake's identity fields and the country to their database defaults
DEMO_DEBTOR_COLUMNS = columns_of(
    Debtor, omit=("country", "other_tax_id", "identity_status", "identity_key", "channels_refused")
)
DEMO_CONTACT_COLUMNS = columns_of(ContactPoint, omit=("country",))


def _lit(value: object, dtype: pl.DataType | type[pl.DataType] = pl.String) -> pl.Expr:
    return pl.lit(value, dtype=dtype)


def search_name(company: pl.Expr, last: pl.Expr, first: pl.Expr) -> pl.Expr:
    text = pl.when(company != "").then(company).otherwise(pl.concat_str([last, first], separator=" "))
    return text.str.strip_chars().str.to_lowercase().str.slice(0, 220)


def debtors_write(
    *, tenant: Tenant, actor: User, writer: FrameWriter, debtors: pl.DataFrame, created_at: str
) -> pl.Series:
    """New debtors from `debtors` (debtor_type consumer/business, name, surname, company_name, tax_code,
    vat_number, country, other_tax_id, identity_status, identity_key); returns their ids, in the frame's order."""
    ids = writer.reserve_ids(DEBTORS, debtors.height)
    consumer = pl.col("debtor_type") == "consumer"
    person_code = pl.col("tax_code").str.len_chars().fill_null(0) == 16
    first, last, company = (pl.col(n).fill_null("") for n in ("name", "surname", "company_name"))
    rows = debtors.with_columns(ids.alias("id")).select(
        "id",
        _lit(tenant.pk, pl.Int64).alias("tenant_id"),
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
        _lit(0, pl.Int64).alias("channels_refused"),  # nothing refused until the debtor says so
        search_name(company, last, first).alias("search_name"),
        _lit(created_at).alias("created_at"),
    )
    writer.write(DEBTORS, rows.select(DEBTOR_COLUMNS))
    return ids


def contacts_write(
    *, tenant: Tenant, actor: User, writer: FrameWriter, contacts: pl.DataFrame, source: str, created_at: str
) -> int:
    """New contact points (debtor_id, kind, value, cap, municipality, province, country, status), unverified
    until a channel verifies them; the caller has dropped those the debtor already has (unique per debtor)."""
    rows = contacts.with_columns(writer.reserve_ids(CONTACTS, contacts.height).alias("id")).select(
        "id",
        _lit(tenant.pk, pl.Int64).alias("tenant_id"),
        "debtor_id",
        "kind",
        "value",
        "cap",
        "municipality",
        "province",
        "country",
        _lit(source).alias("source"),
        "status",
        _lit(None).alias("verified_at"),
        _lit(created_at).alias("created_at"),
    )
    return writer.write(CONTACTS, rows.select(CONTACT_COLUMNS))


# ---- row tuples (the demo) ---------------------------------------------------------------------------------
def debtor_rows_write(*, tenant: Tenant, actor: User, bulk: Bulk, rows: Iterable[Sequence[object]]) -> int:
    """Debtor rows in `DEMO_DEBTOR_COLUMNS` order, ids assigned by the caller (`Bulk.next_id`)."""
    return bulk.write(DEBTORS, DEMO_DEBTOR_COLUMNS, rows)


def contact_rows_write(*, tenant: Tenant, actor: User, bulk: Bulk, rows: Iterable[Sequence[object]]) -> int:
    """Contact point rows in `DEMO_CONTACT_COLUMNS` order."""
    return bulk.write(CONTACTS, DEMO_CONTACT_COLUMNS, rows)
