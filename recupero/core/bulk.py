"""A thin bulk-insert layer (demo loader, portfolio intake): PostgreSQL `COPY ... FROM STDIN`, SQLite `executemany`.

Rows are tuples of str / int / None, already in the text form both databases accept for every column type
(dates 'YYYY-MM-DD', decimals '12.34', booleans 0/1, UUIDs as 32 hex digits, JSON as text); only timestamps
differ (`Bulk.ts`). The caller assigns primary keys itself (`next_id`), so rows of several tables can refer to
each other without a round trip; on PostgreSQL `fix_sequences` moves the identity sequences past them.
"""

from __future__ import annotations

import functools
import gc
import json
import re
import zlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState

M = TypeVar("M", bound=Model)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for one bounded piece of bulk work (a statement's chunk): it ran
    thousands of times per 20,000 credits, walking every live object, for 15 % of the time; reference counting
    still frees what each step drops, and the cycles left are collected once the collector is back."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def commit_unflushed() -> None:
    """PostgreSQL: the current transaction's COMMIT returns before its WAL reaches the disk (`synchronous_commit`
    off for this transaction alone; the WAL writer flushes it within 3 × wal_writer_delay). Only a crash of the
    database server in that fraction of a second can lose it — whole, never in part, with every later commit (the
    WAL is one sequence) — and any later synchronous commit flushes it first. For chunked bulk work whose rerun
    redoes a lost chunk under the same keys (the daily run, a statement's reconciliation), and for the audit row
    of a page view (core.audit). SQLite: nothing (it has no such setting)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def pg_array(values: Iterable[object]) -> str:
    """A PostgreSQL array literal of numbers or plain words, bound as one text parameter: the client-side
    binding quotes a Python list element by element (measured at 1M: ~6 s of the first arrangements check)."""
    return "{" + ",".join(map(str, values)) + "}"


def among(qs: QuerySet[M], column: str, ids: Iterable[int]) -> QuerySet[M]:
    """`column IN ids`. On PostgreSQL as one array parameter (`= ANY`): a chunk's thousands of placeholders cost
    more to bind and parse than the rows they select (measured at 1M cases: 86 ms against 25 ms for 5,000 ids),
    and Django prepares each of them in Python. `ids` are integers (the code's keys, never input)."""
    if connection.vendor == "postgresql":
        table = qs.model._meta.db_table
        where = [f'"{table}"."{column}" = ANY(%s::bigint[])']
        return qs.extra(where=where, params=[pg_array(int(i) for i in ids)])  # noqa: S610 (the code's names)
    return qs.filter(**{f"{column}__in": list(ids)})


def instances(qs: QuerySet[M]) -> list[M]:
    """The query's rows as model instances with every concrete field loaded, as iterating `qs` gives them, but
    built from `values_list` (the same converters) without `Model.from_db`: its per-row `__init__` and
    pre/post_init signals were the largest cost of a statement chunk's reads (385,000 instances per 100,000
    credits). For the bulk read paths; no deferred field, no related object cached (read on access as usual)."""
    model = qs.model
    names = [f.attname for f in model._meta.concrete_fields]
    new, alias = model.__new__, qs.db
    out: list[M] = []
    for row in qs.values_list(*names):
        obj = new(model)
        state = ModelState()
        state.adding, state.db = False, alias
        values = obj.__dict__
        values.update(zip(names, row, strict=True))
        values["_state"] = state
        out.append(obj)
    return out


class Bulk:
    """`checked=True`: on PostgreSQL, where the role may, each COPY runs with the row triggers off and the
    table's foreign keys are checked on the distinct values written, the parents locked as the trigger would
    (decision 0004: one statement per key instead of one trigger call per row and key at the commit)."""

    def __init__(self, checked: bool = False) -> None:
        self.checked = checked
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"bulk load not supported on {self.vendor}")
        self.rows = 0
        self.per_table: dict[str, int] = {}
        self._touched: set[str] = set()
        # Rows this transaction already holds, per table: locked by the caller (`hold`), checked and locked
        # FOR KEY SHARE by an earlier write, or inserted by one. Their existence is certain until the commit,
        # so a later write's keys are checked only for the rest (a chunk's cases, named by its payments, ledger
        # lines, timeline events and audit subjects, are checked once). One `Bulk` per transaction.
        self._held: dict[str, set[int]] = {}
        self._keys: dict[str, list[ForeignKey]] = {}

    def hold(self, table: str, ids: Iterable[int]) -> None:
        """Declare rows of `table` this transaction holds locked (SELECT … FOR UPDATE, FOR SHARE) or inserted:
        a key naming one of them is not checked again by this writer's set-based writes."""
        self._held.setdefault(table, set()).update(ids)

    def ts(self, date_iso: str, hh: int, mm: int) -> str:
        """A UTC timestamp in the form the backend stores for Django's DateTimeField with USE_TZ."""
        if self.vendor == "postgresql":
            return f"{date_iso} {hh:02d}:{mm:02d}:00+00"
        return f"{date_iso} {hh:02d}:{mm:02d}:00"

    def next_id(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
            return int(cursor.fetchone()[0])

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
        """Insert the rows; returns how many. Runs inside the caller's transaction."""
        if self._set_based():
            rows = rows if isinstance(rows, list) else list(rows)
            with row_triggers_off():
                count = self._write(table, columns, rows)
            self._check_keys(table, columns, rows)
            return count
        return self._write(table, columns, rows)

    def _check_keys(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]], inserted: bool = True
    ) -> None:
        """`_all_keys_held` on the values not already held; then they are, and so are the rows just inserted
        (`inserted`: a plain write inserts every row; a write that ignores conflicts may have skipped some)."""
        if table not in self._keys:
            self._keys[table] = foreign_keys(table)
        _all_keys_held(table, columns, rows, self._keys[table], self._held)
        if inserted and "id" in columns:
            at = list(columns).index("id")
            self.hold(table, (int(row[at]) for row in rows))  # type: ignore[call-overload]

    def _set_based(self) -> bool:
        return self.checked and self.vendor == "postgresql" and may_skip_triggers()

    def _write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
        cols = ", ".join(f'"{c}"' for c in columns)
        count = 0
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                rows = rows if isinstance(rows, list) else list(rows)
                marks = ", ".join("?" * len(columns))
                # The raw sqlite3 cursor: Django's wrapper would rewrite every parameter style per row.
                cursor.cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)
                count = len(rows)
        self.rows += count
        self.per_table[table] = self.per_table.get(table, 0) + count
        self._touched.add(table)
        return count

    def fix_sequences(self) -> None:
        """PostgreSQL identity sequences past the ids we assigned (SQLite's AUTOINCREMENT follows by itself)."""
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table in sorted(self._touched):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                )

    def ts_at(self, when: object) -> str:
        """An aware datetime in the text form `ts` gives (UTC), with microseconds."""
        import datetime as _dt

        assert isinstance(when, _dt.datetime) and when.tzinfo is not None
        text = when.astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return f"{text}+00" if self.vendor == "postgresql" else text

    def write_ignore(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[object]],
        conflict: str | tuple[str, ...],
    ) -> int:
        """Insert the rows, silently dropping those whose `conflict` column (a UNIQUE key) already exists —
        `ON CONFLICT DO NOTHING`, the write of idempotent effects. Returns how many rows were inserted.
        PostgreSQL: COPY into a session's staging table, then one INSERT … SELECT … ON CONFLICT DO NOTHING."""
        return len(self.write_ignore_returning(table, columns, rows, conflict, ()))

    def write_ignore_returning(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[object]],
        conflict: str | tuple[str, ...],
        returning: Sequence[str],
    ) -> list[tuple[object, ...]]:
        """`write_ignore`, returning the `returning` columns of the rows actually inserted (one tuple each; empty
        tuples when `returning` is empty) — the new ids without reading the keys back.

        PostgreSQL: the staging table is a TEMP table `ON COMMIT DELETE ROWS` created once per session (`IF NOT
        EXISTS`: also after a rollback dropped it) and emptied after use, instead of a CREATE/DROP per call.
        SQLite: `INSERT OR IGNORE` — executemany, or multi-row `VALUES … RETURNING` when ids are wanted."""
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return []
        cols = ", ".join(f'"{c}"' for c in columns)
        out: list[tuple[object, ...]]
        # Inside a transaction whatever the caller does (ON COMMIT DELETE ROWS would empty the staging table
        # between the statements in autocommit); no savepoint when the caller already has one open.
        set_based = self._set_based()
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            if set_based:  # every row's keys are checked, also those the conflict skips (ours, all valid)
                with row_triggers_off():
                    out = self._pg_write_ignore(cursor, table, columns, cols, rows, conflict, returning)
                self._check_keys(table, columns, rows, inserted=False)
            elif self.vendor == "postgresql":
                out = self._pg_write_ignore(cursor, table, columns, cols, rows, conflict, returning)
            elif returning:
                out = self._sqlite_returning(cursor, table, cols, len(columns), rows, returning)
            else:
                before = cursor.cursor.connection.total_changes
                marks = ", ".join("?" * len(columns))
                cursor.cursor.executemany(f'INSERT OR IGNORE INTO "{table}" ({cols}) VALUES ({marks})', rows)
                out = [()] * (cursor.cursor.connection.total_changes - before)
        self.rows += len(out)
        self.per_table[table] = self.per_table.get(table, 0) + len(out)
        return out

    @staticmethod
    def _pg_write_ignore(
        cursor: Any,
        table: str,
        columns: Sequence[str],
        cols: str,
        rows: list[Sequence[object]],
        conflict: str | tuple[str, ...],
        returning: Sequence[str],
    ) -> list[tuple[object, ...]]:
        temp = f"_ins_{table}_{zlib.crc32(cols.encode()):08x}"  # one per table and column list
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{temp}" ON COMMIT DELETE ROWS AS '
            f'SELECT {cols} FROM "{table}" WITH NO DATA'
        )
        with cursor.copy(f'COPY "{temp}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        keys = ", ".join(f'"{c}"' for c in ((conflict,) if isinstance(conflict, str) else conflict))
        insert = f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM "{temp}" ON CONFLICT ({keys}) DO NOTHING'
        out: list[tuple[object, ...]]
        if returning:
            cursor.execute(insert + " RETURNING " + ", ".join(f'"{c}"' for c in returning))
            out = [tuple(r) for r in cursor.fetchall()]
        else:
            cursor.execute(insert)
            out = [()] * cursor.rowcount
        # Emptied now, not only at commit: a second call in the same transaction must not insert these again.
        cursor.execute(f'DELETE FROM "{temp}"')
        return out

    @staticmethod
    def _sqlite_returning(
        cursor: Any,
        table: str,
        cols: str,
        width: int,
        rows: list[Sequence[object]],
        returning: Sequence[str],
    ) -> list[tuple[object, ...]]:
        ret = ", ".join(f'"{c}"' for c in returning)
        per = max(1, 30000 // width)  # below SQLite's 32,766 bound parameters a statement
        one = "(" + ", ".join("?" * width) + ")"
        out: list[tuple[object, ...]] = []
        raw = cursor.cursor
        for start in range(0, len(rows), per):
            part = rows[start : start + per]
            values = ", ".join([one] * len(part))
            params = [v for row in part for v in row]
            raw.execute(f'INSERT OR IGNORE INTO "{table}" ({cols}) VALUES {values} RETURNING {ret}', params)
            out.extend(tuple(r) for r in raw.fetchall())
        return out


def reserve_id_range(table: str, count: int) -> range:
    """`count` consecutive primary keys for rows we insert ourselves. PostgreSQL: one jump of the table's identity
    sequence (a nextval per row costs ~13 µs, 90 s for a big affido), so later ORM inserts never collide; the jump
    is one statement, and a concurrent nextval (or a second reserver at the same instant) landing inside it would
    only make this commit fail cleanly with a unique violation (nothing written, run again: the statement's workers
    take such a chunk again by themselves, `is_unique_violation`). SQLite: after MAX(id), safe because the write
    lock is ours."""
    if count == 0:
        return range(0)
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
    return range(top + 1, top + 1 + count)


def is_unique_violation(exc: BaseException) -> bool:
    """A unique key refused the write (Django's IntegrityError from an ORM statement, or psycopg's own from a
    COPY, which Django does not wrap): SQLSTATE 23505."""
    cause = exc.__cause__ if isinstance(exc, IntegrityError) and exc.__cause__ is not None else exc
    return getattr(cause, "sqlstate", None) == "23505" or (
        isinstance(exc, IntegrityError) and "unique" in str(exc).lower()
    )


# ---- foreign keys checked set-based (docs/decisions/0004) ----------------------------------------------------
@dataclass(frozen=True)
class ForeignKey:
    name: str
    column: str
    parent: str
    key: str


def may_skip_triggers() -> bool:
    """PostgreSQL: whether this connection's role may turn the per-row triggers off (`session_replication_role`:
    a superuser, or PostgreSQL 15+ after `GRANT SET ON PARAMETER session_replication_role TO <role>`)."""
    return connection.vendor == "postgresql" and _may_skip_triggers(connection.alias)


@functools.cache
def _may_skip_triggers(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('is_superuser') = 'on', current_setting('server_version_num')::int"
        )
        superuser, version = cursor.fetchone()
        if superuser:
            return True
        if version < 150000:
            return False
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        return bool(cursor.fetchone()[0])


@contextmanager
def row_triggers_off() -> Iterator[None]:
    """PostgreSQL: the statements inside run without row triggers (foreign-key checks among them); the caller
    checks the keys itself (`keys_held`). No `finally`: after a failed statement the transaction is aborted and
    its rollback (or the savepoint's) undoes the SET LOCAL with everything else."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        cursor.execute("SET LOCAL session_replication_role = origin")


def foreign_keys(table: str) -> list[ForeignKey]:
    """The table's foreign keys, read from the database's catalogue (single-column ones only: a composite key
    raises, it would go unchecked)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f'SELECT seq, "table", "from", "to" FROM pragma_foreign_key_list(\'{table}\')')
            rows = cursor.fetchall()
            if any(seq for seq, *_ in rows):
                raise RuntimeError(f"{table}: composite foreign keys are not checked set-based")
            return [
                ForeignKey(f"{table}.{column}", column, parent, key or "id")
                for _s, parent, column, key in rows
            ]
        cursor.execute(
            "SELECT c.conname, a.attname, p.relname, pa.attname, cardinality(c.conkey) FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_class p ON p.oid = c.confrelid "
            "JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND c.conrelid = %s::regclass ORDER BY c.conname",
            [f'"{table}"'],
        )
        found = cursor.fetchall()
    if any(width > 1 for *_x, width in found):
        raise RuntimeError(f"{table}: composite foreign keys are not checked set-based")
    return [ForeignKey(name, column, parent, key) for name, column, parent, key, _w in found]


def _all_keys_held(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    fks: Sequence[ForeignKey] | None = None,
    held: dict[str, set[int]] | None = None,
) -> None:
    """Every foreign key of `table` among `columns` (`fks`: the table's, read once by the caller), checked on
    the distinct values of `rows` (`keys_held`) that `held` (parent table → ids) does not already vouch for;
    those checked are added to `held`: they are locked FOR KEY SHARE until the commit."""
    held = {} if held is None else held
    for fk in foreign_keys(table) if fks is None else fks:
        if fk.column in columns:  # a column the rows leave out is NULL
            at = list(columns).index(fk.column)
            known = held.setdefault(fk.parent, set())
            values: set[int] = {int(row[at]) for row in rows if row[at] is not None} - known  # type: ignore[call-overload]
            keys_held(table, fk, values)
            known |= values


def keys_held(table: str, fk: ForeignKey, values: Collection[int]) -> None:
    """Refuse (IntegrityError) if a value of `fk` written into `table` has no parent row; on PostgreSQL lock the
    parents `FOR KEY SHARE`, as the trigger would, so that no one deletes them before we commit (SQLite's writer
    holds the only write lock until then). `values`: the distinct non-null values, as integer ids."""
    if not values:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f'SELECT COUNT(*) FROM "{fk.parent}" WHERE "{fk.key}" IN (SELECT value FROM json_each(%s))',
                [json.dumps(sorted(values))],
            )
        else:
            cursor.execute(
                f'SELECT COUNT(*) FROM (SELECT 1 FROM "{fk.parent}" WHERE "{fk.key}" = ANY(%s::bigint[]) '
                f"FOR KEY SHARE) AS held",
                [pg_array(sorted(values))],
            )
        missing = len(values) - int(cursor.fetchone()[0])
    if missing:
        raise IntegrityError(
            f'insert on table "{table}" violates foreign key constraint "{fk.name}": '
            f'{missing} value(s) of {fk.column} not present in table "{fk.parent}"'
        )


# ---- the owners' column lists and frame writers (issue 11 item 1) -------------------------------------------
def columns_of(model: Any, omit: Sequence[str] = ()) -> tuple[str, ...]:
    """The model's concrete columns in field order, less `omit`: the column list of a bulk insert, derived from
    the model so that a new field cannot be forgotten. An omitted column must have a database default or take
    NULL (the insert leaves it out), else this refuses at import time."""
    fields = model._meta.concrete_fields
    for field in fields:
        if field.column in omit and not (field.null or field.has_db_default()):
            raise RuntimeError(
                f"{model._meta.db_table}.{field.column} has no database default: not omissible"
            )
    return tuple(f.column for f in fields if f.column not in omit)


class FrameWriter(Protocol):
    """What the owners' bulk modules need of a set-based writer (the intake's `imports.frames.Loader`): insert a
    frame whose columns are the table's, reserve primary keys, run one UPDATE over many rows."""

    def write(self, table: str, frame: Any) -> int: ...

    def reserve_ids(self, table: str, count: int) -> Any: ...

    def update(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


def polars_template(text: str) -> str:
    """A `str.format` template with its named fields as `{}` (polars' `pl.format`), in the same order: the
    single-row and the set-based writer of a text share one template."""
    return re.sub(r"\{\w+\}", "{}", text)


class RowWriter:
    """A `FrameWriter` outside the intake (a bank statement's bulk posting): frames written with `Bulk`'s COPY,
    keys from `reserve_id_range`, UPDATEs as one executemany. Inside the caller's transaction."""

    def __init__(self) -> None:
        self.bulk = Bulk()

    def write(self, table: str, frame: Any) -> int:
        return self.bulk.write(table, frame.columns, frame.iter_rows())

    def reserve_ids(self, table: str, count: int) -> Any:
        import polars as pl

        ids = reserve_id_range(table, count)
        return pl.Series("id", list(ids), dtype=pl.Int64)

    def update(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.cursor.executemany(sql.replace("%s", "?"), rows)
            else:
                cursor.executemany(sql, rows)
