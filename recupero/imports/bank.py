"""Bank statements from a file to the payments app: read with the intake's hardened readers, then reconciled.

The one entry point of the upload page, the worker and `recupero payments import`: not a service of its own,
it parses and calls `payments.services.statement_import`, which checks the actor."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from recupero.core.models import Tenant, User
from recupero.imports.domain.camt import read_statements
from recupero.payments.services import ImportReport, statement_import
from recupero.payments.tasks import reconcile_task


def statement_file_import(
    *, tenant: Tenant, actor: User, data: bytes, name: str = "", dry_run: bool = False, defer: bool = False
) -> ImportReport:
    """Read one file (XML or zip of many) and import its statements; a refused file raises `DomainError`."""
    statements = read_statements(data, name)
    report = statement_import(
        tenant=tenant, actor=actor, statements=statements, dry_run=dry_run, file_name=name, defer=defer
    )
    if defer and not dry_run:  # a worker reconciles; the statement page polls its figures
        for summary in report.statements:
            if summary.get("registered") and summary.get("id"):
                transaction.on_commit(_enqueue(int(summary["id"])))  # type: ignore[call-overload]
    return report


def _enqueue(statement_id: int) -> Callable[[], object]:
    return lambda: reconcile_task.enqueue(statement_id)
