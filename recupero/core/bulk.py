"""A thin bulk-insert layer (demo loader, portfolio intake): PostgreSQL `COPY ... FROM STDIN`, SQLite `executemany`.

Rows are tuples of str / int / None, already in the text form both databases accept for every column type
(dates 'YYYY-MM-DD', decimals '12.34', booleans 0/1, UUIDs as 32 hex digits, JSON as text); only timestamps
differ (`Bulk.ts`). The caller assigns primary keys itself (`next_id`), so rows of several tables can refer to
each other without a round trip; on PostgreSQL `fix_sequences` moves the identity sequences past them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


class Bulk:
    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"bulk load not supported on {self.vendor}")
        self.rows = 0
        self.per_table: dict[str, int] = {}
        self._touched: set[str] = set()

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
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]], conflict: str
    ) -> int:
        """Insert the rows, silently dropping those whose `conflict` column (a UNIQUE key) already exists —
        `ON CONFLICT DO NOTHING`, the write of idempotent effects. Returns how many rows were inserted.
        PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT DO NOTHING."""
        cols = ", ".join(f'"{c}"' for c in columns)
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return 0
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                temp = f"_ins_{table}"
                cursor.execute(
                    f'CREATE TEMP TABLE IF NOT EXISTS "{temp}" AS SELECT {cols} FROM "{table}" WITH NO DATA'
                )
                cursor.execute(f'TRUNCATE "{temp}"')
                with cursor.copy(f'COPY "{temp}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(
                    f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM "{temp}" ON CONFLICT ("{conflict}") DO NOTHING'
                )
                count = cursor.rowcount
                cursor.execute(f'DROP TABLE "{temp}"')
            else:
                before = cursor.cursor.connection.total_changes
                marks = ", ".join("?" * len(columns))
                cursor.cursor.executemany(f'INSERT OR IGNORE INTO "{table}" ({cols}) VALUES ({marks})', rows)
                count = cursor.cursor.connection.total_changes - before
        self.rows += count
        self.per_table[table] = self.per_table.get(table, 0) + count
        return count
