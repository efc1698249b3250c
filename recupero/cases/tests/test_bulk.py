"""cases.bulk: the "case opened" text is `case_open`'s, column lists come from the models (issue 11 item 1)."""

from __future__ import annotations

import polars as pl
import pytest

from recupero.cases import bulk
from recupero.cases.domain.timeline import OPENED_VIA_ASSIGNMENT, opened_summary
from recupero.cases.models import Claim
from recupero.core.bulk import columns_of, polars_template
from recupero.parties import bulk as parties_bulk


@pytest.mark.parametrize(("code", "claims", "amount"), [("AFF-1", 2, "1200.00"), ("X", 1, "0.00")])
def test_the_bulk_opened_text_is_the_services(code, claims, amount):
    frame = pl.DataFrame({"code": [code], "n": [claims], "amount": [amount]})
    text = frame.select(bulk.opened_summaries(pl.col("code"), pl.col("n"), pl.col("amount"))).item()
    assert text == opened_summary(claims, amount, OPENED_VIA_ASSIGNMENT.format(code=code))
    assert text == f"Pratica aperta da affido {code}: {claims} fatture, {amount} €"
    assert opened_summary(3, "1.234,50") == "Pratica aperta: 3 fatture, 1.234,50 €"


def test_polars_template():
    assert polars_template("Fattura {number} del {issued}") == "Fattura {} del {}"


def test_column_lists_come_from_the_models():
    assert tuple(f.column for f in Claim._meta.concrete_fields) == bulk.CLAIM_COLUMNS
    assert "reported_outstanding" not in bulk.DEMO_CLAIM_COLUMNS
    assert parties_bulk.DEMO_DEBTOR_COLUMNS[-2:] == ("search_name", "created_at")
    with pytest.raises(RuntimeError, match="no database default"):
        columns_of(Claim, omit=("invoice_number",))
