"""Bulk writes and key look-ups of polars frames: the intake's only path to the database for many rows.

Writes: PostgreSQL `COPY ... FROM STDIN (FORMAT csv)` fed with polars' own CSV (no Python object per cell),
SQLite `executemany` on the raw cursor (cf. recupero.core.bulk). Keys: a temporary table filled the same way, so
the intake compares a million rows with the database in a few joins instead of a query per row.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from django.db import connection

CHUNK = 100_000


def write(table: str, frame: pl.DataFrame) -> int:
    """Insert the frame's rows (column names = the table's); runs inside the caller's transaction."""
    if frame.height == 0:
        return 0
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN (FORMAT csv)') as copy:
                for start in range(0, frame.height, CHUNK):
                    buffer = io.BytesIO()
                    frame.slice(start, CHUNK).write_csv(buffer, include_header=False)
                    copy.write(buffer.getvalue())
        else:
            # polars' Decimal/Date -> Python objects is slow; SQLite stores them as text anyway
            frame = frame.with_columns(
                pl.col(pl.Decimal, pl.Date).cast(pl.String), pl.col(pl.Boolean).cast(pl.Int8)
            )
            marks = ", ".join("?" * frame.width)
            sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'
            for start in range(0, frame.height, CHUNK):
                cursor.cursor.executemany(sql, frame.slice(start, CHUNK).iter_rows())
    return frame.height


def update(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE many rows with one statement (`%s` placeholders), e.g. balances of updated cases."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.cursor.executemany(sql.replace("%s", "?"), rows)
        else:
            cursor.executemany(sql, rows)


def reserve_ids(table: str, count: int) -> pl.Series:
    """`count` consecutive primary keys for rows we insert ourselves. PostgreSQL: one jump of the table's identity
    sequence (a nextval per row costs ~13 µs, 90 s for a big affido), so later ORM inserts never collide; the jump
    is one statement, and a concurrent nextval landing inside it would only make this commit fail cleanly with a
    unique violation (nothing written, run again). SQLite: after MAX(id), safe because the write lock is ours."""
    if count == 0:
        return pl.Series("id", [], dtype=pl.Int64)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sequence = f"pg_get_serial_sequence('\"{table}\"', 'id')"
            cursor.execute(
                f"SELECT setval({sequence}, GREATEST(nextval({sequence}), "
                f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}")) + %s - 1)',
                [count],
            )
            top = int(cursor.fetchone()[0]) - count
        else:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            top = int(cursor.fetchone()[0])
    return pl.int_range(top + 1, top + 1 + count, dtype=pl.Int64, eager=True).alias("id")


def query(sql: str, params: Sequence[Any], schema: Mapping[str, Any]) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=dict(schema), orient="row")


class TempKeys:
    """A temporary table of text keys (and an optional integer) to join against, dropped on exit."""

    def __init__(self, name: str, values: pl.Series) -> None:
        self.name = f"tmp_import_{name}"
        self.values = values.drop_nulls().unique()

    def __enter__(self) -> str:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{self.name}"')
            kind = "BIGINT" if self.values.dtype.is_integer() else "TEXT"
            cursor.execute(f'CREATE TEMPORARY TABLE "{self.name}" (k {kind} PRIMARY KEY)')
        write(self.name, pl.DataFrame({"k": self.values}))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'ANALYZE "{self.name}"')
        return self.name

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{self.name}"')
