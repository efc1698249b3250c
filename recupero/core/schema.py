"""Schema helpers for migrations: drop the single-column indexes Django made for a field, on both databases.

`db_index=False` on a field would make Django's SQLite backend rebuild the whole table (and lose the ledger's
append-only triggers); the migrations that prune redundant indexes therefore change the state with
`AlterField` and the database with `DROP INDEX` of the index Django had named for that column.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _names(schema_editor: Any, table: str, columns: list[str]) -> list[tuple[str, str]]:
    return [(schema_editor._create_index_name(table, [c], suffix=""), c) for c in columns]


def drop_column_indexes(table: str, columns: list[str]) -> migrations.RunPython:
    """A migration operation dropping the plain index Django created for each column (reversible)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        for name, _column in _names(schema_editor, table, columns):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    def backwards(apps: Any, schema_editor: Any) -> None:
        for name, column in _names(schema_editor, table, columns):
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')

    return migrations.RunPython(forwards, backwards)
