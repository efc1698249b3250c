"""ledger.bulk: the opening posting's texts and keys are those of `opening_post`, and the balance recompute gives
the books' total due (issue 11 item 1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.db import connection

from recupero.cases.models import Case
from recupero.core.permissions import system_actor
from recupero.ledger import bulk
from recupero.ledger.domain import opening
from recupero.ledger.models import LedgerEntry
from tests.factories import make_case, make_creditor, make_debtor, make_tenant


@pytest.mark.parametrize(
    ("number", "issued", "case_id", "index"),
    [
        ("F-1", dt.date(2025, 1, 1), 7, 0),
        ("47985/2025", dt.date(2024, 12, 31), 1234567, 12),
        ("X" * 190, dt.date(2025, 3, 9), 1, 3),
    ],
)
def test_polars_openings_are_the_single_row_ones(number, issued, case_id, index):
    frame = pl.DataFrame({"n": [number], "d": [issued], "c": [case_id], "i": [index]})
    row = frame.select(
        bulk.opening_descriptions(pl.col("n"), pl.col("d")).alias("text"),
        bulk.opening_keys(pl.col("c"), pl.col("i").cast(pl.String)).alias("key"),
        *bulk.opening_accounts(),
    ).row(0)
    assert row == (
        opening.description(number, issued),
        opening.line_key(case_id, index),
        "opening",
        "principal",
        "assigned",
    )
    assert len(row[0]) <= 200


def test_opening_description_and_key_literally():
    assert opening.description("F-1", dt.date(2025, 1, 2)) == "Fattura F-1 del 02/01/2025"
    assert opening.line_key(42, 3) == "opening:42#3"


class _Updates:
    """The part of a `core.bulk.FrameWriter` the recompute uses (the intake's is `imports.frames.Loader`, above)."""

    def write(self, table, frame):
        raise AssertionError("the recompute inserts nothing")

    def reserve_ids(self, table, count):
        raise AssertionError("the recompute inserts nothing")

    def update(self, sql, rows):
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


@pytest.mark.django_db
def test_balances_refresh_sets_the_books_total_due():
    tenant = make_tenant()
    creditor = make_creditor(tenant, "UTIL")
    case = make_case(tenant, creditor, make_debtor(tenant), amounts=("100.10", "20.25"))
    other = make_case(tenant, creditor, make_debtor(tenant, "BNCLRA90A41F205I"), amounts=("5.00",))
    assert case.balance == Decimal("120.35")
    Case.objects.filter(pk__in=[case.pk, other.pk]).update(balance=Decimal("999.99"))  # a stale cache
    actor = system_actor(tenant)
    bulk.balances_refresh(
        tenant=tenant, actor=actor, writer=_Updates(), case_ids=[case.pk, other.pk, case.pk]
    )
    assert dict(Case.objects.filter(tenant=tenant).values_list("pk", "balance")) == {
        case.pk: Decimal("120.35"),
        other.pk: Decimal("5.00"),
    }
    assert LedgerEntry.objects.filter(case=case).count() == 2  # the books themselves are untouched
