"""Assignment return (rientro): unresolved cases go back to the creditor, with the outcomes file (esiti).

The open cases of the assignment move to `returned` through the case transition table — one bulk UPDATE for
the cases whose transition is allowed, and their timeline rows in bulk — and the outcomes file lists every case
of the assignment: reference, code, status, collected, outstanding, last action and its date, notes.
Running it again on a returned assignment changes nothing and writes the same file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from openpyxl import Workbook

from recupero.cases.domain.states import LABELS, CaseStatus
from recupero.cases.models import Assignment, Case
from recupero.cases.services import assignment_return_cases
from recupero.core.clock import today
from recupero.core.domain.roles import COMMIT_IMPORTS
from recupero.core.domain.sheets import safe_cell, safe_row
from recupero.core.models import Tenant, User
from recupero.core.permissions import service
from recupero.imports import frames, staging

COLUMNS = (
    "riferimento pratica", "codice pratica", "debitore", "stato", "incassato", "residuo", "ultima azione",
    "data ultima azione", "note",
)  # fmt: skip


@dataclass
class ReturnResult:
    assignment_id: int
    returned: int
    cases: int
    csv_path: Path
    xlsx_path: Path
    rows: list[list[object]] = field(default_factory=list)


@service(COMMIT_IMPORTS)
@transaction.atomic
def assignment_return(
    *, tenant: Tenant, actor: User, assignment: Assignment, out_dir: Path | None = None
) -> ReturnResult:
    movable = assignment_return_cases(
        tenant=tenant,
        actor=actor,
        assignment=assignment,
        on=today(),
        reason=f"rientro affido {assignment.code}",
    )
    rows = outcome_rows(tenant=tenant, assignment=assignment)
    folder = out_dir or Path(settings.MEDIA_ROOT) / "imports" / "returns" / str(assignment.pk)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"esiti-{staging.safe_name(assignment.code)}"
    csv_path, xlsx_path = folder / f"{name}.csv", folder / f"{name}.xlsx"
    csv_path.write_bytes(outcomes_csv(rows))
    xlsx_path.write_bytes(outcomes_xlsx(rows))
    return ReturnResult(assignment.pk, len(movable), len(rows), csv_path, xlsx_path, rows)


def outcome_rows(*, tenant: Tenant, assignment: Assignment) -> list[list[object]]:
    """One row per case of the assignment (esiti), in case order."""
    cases = list(
        Case.objects.filter(tenant=tenant, assignment=assignment)
        .select_related("debtor")
        .order_by("id")
        .only("id", "creditor_reference", "code", "status", "balance", "closed_on", "debtor")
    )
    ids = [c.pk for c in cases]
    collected: dict[int, Decimal] = {}
    last: dict[int, tuple[dt.datetime, str]] = {}
    with (
        frames.TempKeys("outcome_cases", pl.Series(ids, dtype=pl.Int64)) as tmp,
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT e.case_id, CAST(SUM(CASE WHEN e.debit_account = 'payments_received' THEN e.amount "
            "ELSE -e.amount END) AS TEXT) FROM ledger_ledgerentry e "
            f'JOIN "{tmp}" t ON t.k = e.case_id WHERE %s IN (e.debit_account, e.credit_account) '
            "GROUP BY e.case_id",
            ["payments_received"],
        )
        collected = {pk: Decimal(total).quantize(Decimal("0.01")) for pk, total in cursor.fetchall()}
        cursor.execute(
            f'SELECT e.case_id, e.at, e.summary, e.kind, e.data FROM cases_timelineevent e JOIN "{tmp}" t '
            "ON t.k = e.case_id ORDER BY e.case_id, e.at, e.id"
        )
        for pk, at, summary, kind, data in cursor.fetchall():
            if kind == "case.status" and '"to": "returned"' in str(data):
                continue  # the return itself is not an outcome of the work
            last[pk] = (at, summary)
    rows = []
    for case in cases:
        at, summary = last.get(case.pk, (None, ""))
        rows.append(
            [
                case.creditor_reference,
                case.code,
                case.debtor.display_name,
                LABELS[CaseStatus(case.status)],
                collected.get(case.pk, Decimal("0.00")),
                case.balance,
                summary,
                _date(at),
                _note(case),
            ]
        )
    return rows


def _date(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value[:10]
    return value.astimezone(dt.UTC).date().isoformat() if isinstance(value, dt.datetime) else str(value)


def _note(case: Case) -> str:
    if case.status == CaseStatus.RETURNED:
        return "Restituita al committente: posizione non risolta"
    if case.status in (CaseStatus.PAID, CaseStatus.CLOSED):
        return f"Chiusa il {case.closed_on:%d/%m/%Y}" if case.closed_on else "Chiusa"
    return ""


def outcomes_csv(rows: list[list[object]]) -> bytes:
    """UTF-8 with BOM and ';', amounts with a decimal comma: what Italian Excel opens with a double click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        # amounts as text with a decimal comma ("-12,50" stays readable); every other text neutralised
        writer.writerow([str(v).replace(".", ",") if isinstance(v, Decimal) else safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def outcomes_xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Esiti")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
