"""Bulk writes and key look-ups of polars frames: the intake's only path to the database for many rows.

Writes: PostgreSQL `COPY ... FROM STDIN (FORMAT csv)` fed with polars' own CSV (no Python object per cell),
SQLite `executemany` on the raw cursor (cf. recupero.core.bulk). On SQLite the Python object made for every cell
is most of the cost, so columns holding one value for the whole frame (tenant, batch, timestamps, constant kinds)
go into the statement as literals: about half the cells of the intake's tables. A big load into a table it at
least doubles rebuilds the table's plain secondary indexes once instead of maintaining them row by row
(`BIG_LOAD`). Keys: the rows of the few candidates when the table holds no more than the file has keys
(`at_most`), else a temporary table of the keys, so the intake compares a million rows with the database in a
few joins instead of a query per row.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
from django.db import IntegrityError, connection, transaction

from recupero.core import bulk

CHUNK = 100_000
SQLITE_CHUNK = 20_000
# From this many rows, into a table holding no more rows than that (SQLite: MAX(rowid), an upper bound of the
# count), the table's non-unique secondary indexes are dropped and built again after the insert, inside the
# caller's transaction (a failure restores them with everything else). Unique and primary-key indexes stay, so
# constraints are enforced throughout. SQLite only: PostgreSQL's DROP INDEX would lock the table against every
# reader of every tenant until the commit ends (readers of a SQLite database in WAL mode keep their snapshot).
BIG_LOAD = 50_000
# SQLite page cache of the commit's connection (KiB, as `PRAGMA cache_size=-N`): the indexes of the tables being
# filled stay in memory instead of being re-read from the WAL. Memory is only used as pages are touched; 256 MB
# commits a 1M-row affido as fast as 512 MB did (46-47 s both) with ~100 MB less at the peak.
COMMIT_CACHE_KIB = 262_144


def write(table: str, frame: pl.DataFrame) -> int:
    """Insert the frame's rows (column names = the table's); runs inside the caller's transaction."""
    if frame.height == 0:
        return 0
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN (FORMAT csv)') as copy,
        ):
            for start in range(0, frame.height, CHUNK):
                buffer = io.BytesIO()
                frame.slice(start, CHUNK).write_csv(buffer, include_header=False)
                copy.write(buffer.getvalue())
        return frame.height
    # polars' Decimal/Date -> Python objects is slow; SQLite stores them as text anyway
    frame = frame.with_columns(pl.col(pl.Decimal, pl.Date).cast(pl.String), pl.col(pl.Boolean).cast(pl.Int8))
    constants = _constants(frame)
    varying = frame.drop(list(constants))
    values = ", ".join(constants.get(c, "?") for c in frame.columns)
    sql = f'INSERT INTO "{table}" ({cols}) VALUES ({values})'
    with _indexes_rebuilt(table, frame.height), connection.cursor() as cursor:
        if varying.width:
            cursor.cursor.executemany(sql, varying.iter_rows(buffer_size=SQLITE_CHUNK))
        else:
            cursor.cursor.executemany(sql, itertools.repeat((), frame.height))
    return frame.height


class Loader:
    """The bulk writes of one commit, in the order parents before children.

    Both databases check a foreign key once per inserted row and key: PostgreSQL with a trigger call (~5-10 µs
    each: a million-row affido makes about ten million of them, most of the commit), SQLite with a B-tree
    look-up (~20 % of its insert time). Where that per-row check can be off — PostgreSQL: the role may set
    `session_replication_role` (a superuser, or PostgreSQL 15+ after `GRANT SET ON PARAMETER
    session_replication_role`), and each COPY runs with the triggers off; SQLite: inside `commit_transaction`,
    which turns `foreign_keys` off for the commit's transaction — the table's foreign keys are checked after each
    write on the distinct values it wrote (they are the frame's: no scan of the table). A value among the ids this
    loader wrote earlier in the transaction exists (those rows are invisible to everyone else until the commit,
    and nothing here deletes them); every other value is looked up in its parent table, on PostgreSQL locked
    there `FOR KEY SHARE` as the trigger would, so that no one can delete it before we commit (SQLite's writer
    holds the database's only write lock until then). A missing value refuses the whole commit. Unique and CHECK
    constraints are indexes and expressions, never triggers: they stay on. Elsewhere `write` is the plain one.
    """

    def __init__(self) -> None:
        self.set_based = _per_row_checks_off() if connection.vendor == "sqlite" else bulk.may_skip_triggers()
        self._fresh: dict[str, pl.Series] = {}  # table -> ids this loader wrote

    def write(self, table: str, frame: pl.DataFrame) -> int:
        if not self.set_based or frame.height == 0 or "id" not in frame.columns:
            return write(table, frame)
        keys = bulk.foreign_keys(table)
        if connection.vendor == "sqlite":  # foreign keys are off for the whole commit transaction
            written = write(table, frame)
        else:
            with bulk.row_triggers_off():
                written = write(table, frame)
        for fk in keys:
            if fk.column in frame.columns:  # a column left out of the insert is NULL
                bulk.keys_held(table, fk, self._not_fresh(fk, frame[fk.column]))
        ids = frame["id"]
        self._fresh[table] = pl.concat([self._fresh[table], ids]) if table in self._fresh else ids
        return written

    # the rest of `core.bulk.FrameWriter`: the owners' bulk modules reserve ids and update through the loader
    @staticmethod
    def reserve_ids(table: str, count: int) -> pl.Series:
        return reserve_ids(table, count)

    @staticmethod
    def update(sql: str, rows: Sequence[Sequence[Any]]) -> None:
        update(sql, rows)

    def _not_fresh(self, fk: bulk.ForeignKey, column: pl.Series) -> list[int]:
        """The distinct values of the column that are not ids this loader wrote into the parent table."""
        values = column.drop_nulls().unique()
        if fk.key == "id" and fk.parent in self._fresh:
            values = values.filter(~values.is_in(self._fresh[fk.parent].implode()))
        return values.to_list()


def _per_row_checks_off() -> bool:
    """SQLite: whether this connection's per-row foreign-key checks are off (inside `commit_transaction`)."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        return not int(cursor.fetchone()[0])


def _constants(frame: pl.DataFrame) -> dict[str, str]:
    """Columns with one value (or null) on every row, as SQL literals."""
    if frame.height < 2:
        return {}
    same = frame.select(pl.all().eq_missing(pl.all().first()).all()).row(0)
    first = frame.row(0)
    return {
        name: _literal(value)
        for name, flag, value in zip(frame.columns, same, first, strict=True)
        if flag and (value is None or isinstance(value, (int, str)))
    }


def _literal(value: int | str | None) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(int(value))
    return "'" + value.replace("'", "''") + "'"


@contextmanager
def _indexes_rebuilt(table: str, rows: int) -> Iterator[None]:
    """SQLite, a big load (`BIG_LOAD`): the table's plain secondary indexes dropped, then built again."""
    ddl: list[tuple[str, str]] = []
    if rows >= BIG_LOAD and not table.startswith("tmp_"):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(rowid), 0) FROM "{table}"')
            if int(cursor.fetchone()[0]) <= rows:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
                ddl = list(cursor.fetchall())
                for name, _sql in ddl:
                    cursor.execute(f'DROP INDEX "{name}"')
    yield
    if ddl:
        with connection.cursor() as cursor:
            for _name, sql in ddl:
                cursor.execute(sql)
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():  # the planner had statistics for the dropped indexes: give them back
                for name, _sql in ddl:
                    cursor.execute(f'ANALYZE "{name}"')


@contextmanager
def commit_transaction() -> Iterator[None]:
    """The commit's transaction (`transaction.atomic`), with the connection set for bulk writes.

    SQLite: a large page cache, and foreign keys checked set-based — `PRAGMA foreign_keys` can change only
    outside a transaction, so it is off for the whole transaction: the `Loader` checks every row it writes, and
    `_OrmWrites` every row the commit writes through Django (the batch, the assignment, audit entries), before
    the transaction ends. Both are restored afterwards, also after a failure."""
    if connection.vendor != "sqlite":
        with transaction.atomic():
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{COMMIT_CACHE_KIB}")
        cursor.execute("PRAGMA foreign_keys = OFF")
    try:
        watch = _OrmWrites()
        with transaction.atomic():
            with connection.execute_wrapper(watch):
                yield
            watch.check()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA cache_size = {before}")


class _OrmWrites:
    """SQLite, foreign keys off: the tables written through Django's cursors during the commit, checked at its
    end — new rows (rowid past the mark taken before the table's first INSERT) against each parent, tables with
    an UPDATE whole (`PRAGMA foreign_key_check`: a batch row, small). A DELETE checks the whole database. The bulk
    writes go through the raw cursor, unseen here: the `Loader` checks those, and `update` changes no key."""

    DML = re.compile(r'^\s*(INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self) -> None:
        self.inserted: dict[str, int] = {}  # table -> MAX(rowid) before the commit's first insert
        self.updated: set[str] = set()
        self.deleted = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        found = self.DML.match(sql)
        if found:
            verb, table = found.group(1).split()[0].upper(), found.group(2)
            if verb == "INSERT" and table not in self.inserted:
                raw = context["cursor"].cursor
                self.inserted[table] = int(
                    raw.execute(f'SELECT COALESCE(MAX(rowid), 0) FROM "{table}"').fetchone()[0]
                )
            elif verb == "UPDATE":
                self.updated.add(table)
            elif verb == "DELETE":
                self.deleted = True
        return execute(sql, params, many, context)

    def check(self) -> None:
        with connection.cursor() as cursor:
            if self.deleted:
                cursor.execute("PRAGMA foreign_key_check")
                self._refuse(cursor.fetchall())
            for table in sorted(self.updated):
                cursor.execute(f'PRAGMA foreign_key_check("{table}")')
                self._refuse(cursor.fetchall())
            for table, mark in sorted(self.inserted.items()):
                for fk in bulk.foreign_keys(table):
                    cursor.execute(
                        f'SELECT rowid FROM "{table}" c WHERE c.rowid > %s AND c."{fk.column}" IS NOT NULL AND '
                        f'NOT EXISTS (SELECT 1 FROM "{fk.parent}" p WHERE p."{fk.key}" = c."{fk.column}") LIMIT 1',
                        [mark],
                    )
                    if cursor.fetchone():
                        raise IntegrityError(f'insert on table "{table}" violates foreign key "{fk.name}"')

    @staticmethod
    def _refuse(violations: list[Any]) -> None:
        if violations:
            table, rowid, parent, _fk = violations[0]
            raise IntegrityError(f'row {rowid} of table "{table}" refers to a missing row of "{parent}"')


def update(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE many rows with one statement (`%s` placeholders), e.g. balances of updated cases. It goes through
    the raw cursor, unseen by `_OrmWrites`: it must not change a foreign-key column."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.cursor.executemany(sql.replace("%s", "?"), rows)
        else:
            cursor.executemany(sql, rows)


def reserve_ids(table: str, count: int) -> pl.Series:
    """`count` consecutive primary keys for rows we insert ourselves (`core.bulk.reserve_id_range`)."""
    ids = bulk.reserve_id_range(table, count)
    if not ids:
        return pl.Series("id", [], dtype=pl.Int64)
    return pl.int_range(ids.start, ids.stop, dtype=pl.Int64, eager=True).alias("id")


def query(sql: str, params: Sequence[Any], schema: Mapping[str, Any]) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=dict(schema), orient="row")


def at_most(table: str, where: str, params: Sequence[Any], limit: int) -> bool:
    """Whether `SELECT ... FROM table WHERE where` has at most `limit` rows (counted up to limit + 1 only): then
    reading them all and joining in polars beats filling a key table with the file's `limit` keys, e.g. the
    first affido of a creditor (no rows at all) or a big file against a small archive."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT {int(limit) + 1}) AS few",
            list(params),
        )
        return int(cursor.fetchone()[0]) <= limit


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
            if connection.vendor == "sqlite":
                # one statement (one implicit transaction of the temporary database, also outside a commit):
                # the keys go in as one JSON array, no Python object nor statement per key
                cursor.execute(
                    f'INSERT INTO "{self.name}" (k) SELECT value FROM json_each(%s)',
                    [json.dumps(self.values.to_list(), ensure_ascii=False)],
                )
        if connection.vendor == "postgresql":
            write(self.name, pl.DataFrame({"k": self.values}))
            with connection.cursor() as cursor:
                cursor.execute(f'ANALYZE "{self.name}"')
        return self.name

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{self.name}"')
