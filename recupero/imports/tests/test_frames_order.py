"""Which indexes a big SQLite load may keep: those whose entries the rows arrive in order of (key..., id)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from recupero.imports.frames import _in_key_order

FRAME = pl.DataFrame(
    {
        "id": [10, 11, 12, 13],
        "tenant_id": [1, 1, 1, 1],
        "status": ["new", "new", "new", "new"],
        "assignment_id": [7, 7, 8, 8],
        "balance": [Decimal("5.00"), Decimal("1.00"), Decimal("2.50"), Decimal("9.99")],
        "due": [dt.date(2025, 1, 1), dt.date(2025, 1, 1), dt.date(2025, 2, 1), None],
        "name": ["bianchi", "rossi", "rossi", "verdi"],
    }
)


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["tenant_id"], True),  # constant key: entries follow the ids
        (["tenant_id", "status"], True),
        (["tenant_id", "status", "id"], True),  # the id already in the key
        (["tenant_id", "assignment_id"], True),  # non-decreasing, ties broken by id
        (["tenant_id", "name"], True),
        (["tenant_id", "balance"], False),  # 5.00 then 1.00
        (["tenant_id", "due"], False),  # a NULL: not decided here, rebuilt
        (["assignment_id", "balance"], False),  # 7: 5.00 then 1.00
        (["missing"], False),  # a column the load does not write
    ],
)
def test_in_key_order(columns, expected):
    assert _in_key_order(FRAME, columns) is expected


def test_ids_out_of_order_break_a_constant_key():
    assert _in_key_order(FRAME.reverse(), ["tenant_id"]) is False
