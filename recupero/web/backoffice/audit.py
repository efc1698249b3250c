"""The auditor's pages: the audit log (search, keyset pages, CSV/XLSX export, the chain's status) and the
register of operations (art. 115 TULPS), printable. Roles with `core.view_audit`: admin, supervisor, auditor."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook

from recupero.cases.selectors import cases_visible
from recupero.core.clock import today
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.sheets import safe_cell
from recupero.core.models import AuditLog, Tenant, User
from recupero.core.selectors import (
    AuditFilters,
    ChainStatus,
    audit_actions,
    audit_actors,
    audit_filtered,
    audit_page,
    chain_status,
)
from recupero.ledger.register import RegisterLine, register_lines
from recupero.parties.selectors import debtor_ids_matching
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of

EXPORT_LIMIT = 1_000_000  # an XLSX sheet holds 1,048,576 rows; the CSV keeps the same bound
EXPORT_COLUMNS = [
    "N.",
    gettext_lazy("Data e ora"),
    gettext_lazy("Utente"),
    gettext_lazy("Ruolo"),
    gettext_lazy("Indirizzo IP"),
    gettext_lazy("Azione"),
    gettext_lazy("Oggetto"),
    gettext_lazy("Id oggetto"),
    gettext_lazy("Debitori (id)"),
    gettext_lazy("Pratiche (id)"),
    gettext_lazy("Percorso"),
    gettext_lazy("Dettagli"),
    gettext_lazy("Impronta"),
]


# ---------------------------------------------------------------- filters


@dataclass
class ParsedAudit:
    filters: AuditFilters
    values: dict[str, str]
    before: int | None
    ignored: list[str] = field(default_factory=list)


def _date(query: QueryDict, key: str, ignored: list[str]) -> dt.date | None:
    raw = query.get(key, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        ignored.append(f"data «{raw}»")
        return None


def _int(query: QueryDict, key: str, ignored: list[str], label: str) -> int | None:
    raw = query.get(key, "").strip()
    if not raw:
        return None
    if raw.isdigit() and len(raw) < 19:
        return int(raw)
    ignored.append(f"{label} «{raw[:40]}»")
    return None


def parse_audit_query(*, tenant: Tenant, actor: User, query: QueryDict) -> ParsedAudit:
    """Filters from the query string. A debtor (name, CF, P.IVA) or a case code becomes the ids it names."""
    ignored: list[str] = []
    keys = ("utente", "azione", "debitore", "pratica", "dal", "al")
    values = {k: query.get(k, "").strip()[:100] for k in keys}
    debtor_ids = case_ids = None
    if values["debitore"]:
        debtor_ids = debtor_ids_matching(tenant=tenant, actor=actor, text=values["debitore"])
    if values["pratica"]:
        code = values["pratica"].upper()
        case_ids = list(
            cases_visible(tenant=tenant, actor=actor).filter(code=code).values_list("id", flat=True)
        )
    filters = AuditFilters(
        actor_id=_int(query, "utente", ignored, "utente"),
        action=values["azione"],
        date_from=_date(query, "dal", ignored),
        date_to=_date(query, "al", ignored),
        debtor_ids=debtor_ids,
        case_ids=case_ids,
    )
    return ParsedAudit(filters, values, _int(query, "prima", ignored, "pagina"), ignored)


# ---------------------------------------------------------------- the log page


@dataclass
class AuditRow:
    log: AuditLog
    case_codes: list[str]
    more_cases: int


@dataclass
class AuditPage:
    rows: list[AuditRow]
    next_before: int | None
    parsed: ParsedAudit
    actions: list[str]
    actors: list[User]
    chain: ChainStatus


SHOWN_CODES = 5


def audit_log_page(*, tenant: Tenant, actor: User, query: QueryDict) -> AuditPage:
    parsed = parse_audit_query(tenant=tenant, actor=actor, query=query)
    logs, next_before = audit_page(
        tenant=tenant, actor=actor, filters=parsed.filters, before_seq=parsed.before
    )
    wanted = {c for log in logs for c in _case_ids(log)[:SHOWN_CODES]}
    codes = dict(cases_visible(tenant=tenant, actor=actor).filter(pk__in=wanted).values_list("id", "code"))
    rows = []
    for log in logs:
        ids = _case_ids(log)
        rows.append(
            AuditRow(log, [codes.get(i, f"#{i}") for i in ids[:SHOWN_CODES]], max(len(ids) - SHOWN_CODES, 0))
        )
    return AuditPage(
        rows=rows,
        next_before=next_before,
        parsed=parsed,
        actions=audit_actions(tenant=tenant, actor=actor),
        actors=list(audit_actors(tenant=tenant, actor=actor)),
        chain=chain_status(tenant=tenant),
    )


def _case_ids(log: AuditLog) -> list[int]:
    cases = log.details.get("cases") if isinstance(log.details, dict) else None
    if isinstance(cases, list):
        return [int(c) for c in cases]
    return [int(log.object_id)] if log.object_type == "cases.case" and log.object_id.isdigit() else []


@backoffice_view
def audit_log(request: AuthedRequest) -> HttpResponse:
    page = audit_log_page(tenant=tenant_of(request), actor=request.user, query=request.GET)
    return render(request, "web/audit/log.html", {"page": page})


# ---------------------------------------------------------------- export


def _export_rows(logs: Iterator[AuditLog]) -> Iterator[list[Any]]:
    yield EXPORT_COLUMNS
    for log in logs:
        details = log.details if isinstance(log.details, dict) else {}
        yield [
            safe_cell(cell)
            for cell in (
                log.seq,
                timezone.localtime(log.at).strftime("%d/%m/%Y %H:%M:%S"),
                log.actor.username if log.actor else "sistema",
                log.actor.role_label if log.actor else "",
                log.ip or "",
                log.action,
                log.object_type,
                log.object_id,
                " ".join(str(d) for d in details.get("debtors", [])),
                " ".join(str(c) for c in details.get("cases", [])),
                details.get("path", ""),
                json.dumps(details, ensure_ascii=False, sort_keys=True),
                log.hash,
            )
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@backoffice_view
def audit_export(request: AuthedRequest) -> HttpResponse:
    """The filtered rows as CSV (streamed, `;`-separated, UTF-8 with BOM for Excel) or XLSX; formula cells
    defused by `safe_cell` (a debtor's name or a searched text could begin with `=`)."""
    tenant, user = tenant_of(request), request.user
    parsed = parse_audit_query(tenant=tenant, actor=user, query=request.GET)
    logs = audit_filtered(tenant=tenant, actor=user, filters=parsed.filters)[:EXPORT_LIMIT].iterator(2000)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("formato") == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(gettext("Registro audit"))
        for row in _export_rows(logs):
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
        return response
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    lines = (writer.writerow(row) for row in _export_rows(logs))
    streamed = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
    streamed["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return streamed  # type: ignore[return-value]


def _with_bom(lines: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"
    yield from lines


# ---------------------------------------------------------------- register (art. 115 TULPS)


@dataclass
class RegisterPage:
    start: dt.date
    end: dt.date
    lines: list[RegisterLine]
    tenant: Tenant
    ignored: list[str]


def register_page(*, tenant: Tenant, actor: User, query: QueryDict) -> RegisterPage:
    ignored: list[str] = []
    day = today()
    start = _date(query, "dal", ignored) or day.replace(day=1)
    end = _date(query, "al", ignored) or day
    lines = register_lines(tenant=tenant, actor=actor, start=start, end=end)
    return RegisterPage(start, end, lines, tenant, ignored)


@backoffice_view
def affairs_register(request: AuthedRequest) -> HttpResponse:
    page = register_page(tenant=tenant_of(request), actor=request.user, query=request.GET)
    return render(request, "web/audit/register.html", {"page": page})
