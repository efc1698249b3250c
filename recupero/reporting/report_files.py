"""The monthly report's content and its two files: the PDF (Typst, `templates/monthly.typ`) and the XLSX (one
sheet per table, every cell through `safe_cell`). Figures come from the ledger (the month's collections) and
from the portal's own selectors read as the system (the portfolio now), cut to the one creditor."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import typst
from django.db.models import Count, Q, Sum
from openpyxl import Workbook

from recupero.cases.domain.states import LABELS, CaseStatus
from recupero.cases.models import Assignment, Case
from recupero.core.domain.sheets import safe_cell
from recupero.core.errors import RecuperoError
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.law.money import format_eur
from recupero.ledger.domain.accounts import Account
from recupero.ledger.models import LedgerEntry
from recupero.parties.models import Creditor
from recupero.reporting.arrangements_figures import ArrangementFigures, arrangement_figures
from recupero.reporting.domain.figures import percent
from recupero.reporting.selectors import Figures, portfolio_groups, rollup

ZERO = Decimal("0.00")
TEMPLATE = Path(__file__).resolve().parent / "templates" / "monthly.typ"
MONTHS = (
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
    "novembre", "dicembre",
)  # fmt: skip


class ReportFailed(RecuperoError):
    """Typst refused the template or the data: a bug, reported with typst's own message."""


@dataclass
class ReportData:
    creditor_name: str
    period: str  # YYYY-MM
    period_label: str  # "marzo 2026"
    as_of: dt.date
    collected: Decimal  # by the agency, in the month
    collected_direct: Decimal  # paid to the creditor, in the month
    totals: Figures
    assignments: list[tuple[str, dt.date, Figures]] = field(default_factory=list)
    phases: list[tuple[str, int]] = field(default_factory=list)
    arrangements: ArrangementFigures = field(default_factory=ArrangementFigures)

    @property
    def collected_label(self) -> str:
        return f"{format_eur(self.collected + self.collected_direct)} €"

    def tables(self) -> dict[str, tuple[list[str], list[list[object]]]]:
        """The report's tables (title → header, rows): the PDF lays them out, the XLSX has one sheet each."""
        t, a = self.totals, self.arrangements
        summary: list[list[object]] = [
            ["Incassato dall'agenzia nel mese", self.collected],
            ["Pagamenti diretti al committente nel mese", self.collected_direct],
            ["Affidato (portafoglio)", t.assigned],
            ["Incassato in totale", t.collected_total],
            ["Tasso di recupero %", percent(t.collected_total, t.assigned)],
            ["Pratiche", t.cases],
            ["Giorni medi al primo pagamento", t.average_days_to_first_payment],
            ["Promesse e piani attivi", a.active],
            ["Accordi rispettati %", a.kept_rate],
        ]
        by_assignment = [
            [code, on, f.cases, f.assigned, f.collected_total, percent(f.collected_total, f.assigned)]
            for code, on, f in self.assignments
        ]
        return {
            "Riepilogo": (["Voce", "Valore"], summary),
            "Affidi": (
                ["Affido", "Data affido", "Pratiche", "Affidato", "Incassato", "Recupero %"],
                by_assignment,
            ),
            "Stati": (["Stato", "Pratiche"], [[label, n] for label, n in self.phases]),
        }


def collected_in(tenant: Tenant, creditor_id: int, start: dt.date, end: dt.date) -> tuple[Decimal, Decimal]:
    """(collected by the agency, paid directly to the creditor) posted in [start, end], net of reversals: the
    balance of each account over the entries of that creditor's cases."""
    entries = LedgerEntry.objects.filter(
        tenant=tenant, case__creditor_id=creditor_id, posted_on__gte=start, posted_on__lte=end
    )
    out = []
    for account in (Account.PAYMENTS_RECEIVED, Account.PAID_TO_CREDITOR):
        sums = entries.filter(Q(debit_account=account) | Q(credit_account=account)).aggregate(
            debit=Sum("amount", filter=Q(debit_account=account)),
            credit=Sum("amount", filter=Q(credit_account=account)),
        )
        out.append((sums["debit"] or ZERO) - (sums["credit"] or ZERO))
    return out[0], out[1]


def report_data(
    tenant: Tenant, creditor_id: int, period: str, start: dt.date, end: dt.date, as_of: dt.date
) -> ReportData:
    system = system_actor(tenant)
    groups = [g for g in portfolio_groups(tenant=tenant, actor=system) if g.creditor_id == creditor_id]
    per_assignment = rollup(groups, "assignment_id")
    totals = Figures()
    for g in groups:
        totals.add(g.figures)
    assignments = [
        (a.code, a.received_on, per_assignment.get(a.pk, Figures()))
        for a in Assignment.objects.filter(tenant=tenant, creditor_id=creditor_id).order_by(
            "received_on", "pk"
        )
    ]
    counts = dict(
        Case.objects.filter(tenant=tenant, creditor_id=creditor_id)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    phases = [(LABELS[s], counts[s.value]) for s in CaseStatus if counts.get(s.value)]
    figures = arrangement_figures(tenant=tenant, actor=system, by="creditor_id")
    collected, direct = collected_in(tenant, creditor_id, start, end)
    return ReportData(
        creditor_name=Creditor.objects.get(tenant=tenant, pk=creditor_id).name,
        period=period, period_label=f"{MONTHS[start.month - 1]} {start.year}", as_of=as_of,
        collected=collected, collected_direct=direct, totals=totals, assignments=assignments, phases=phases,
        arrangements=figures.get(creditor_id, ArrangementFigures()),
    )  # fmt: skip


def _text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format_eur(value)
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def report_pdf(data: ReportData) -> bytes:
    payload = {
        "creditor": data.creditor_name,
        "period": data.period_label,
        "as_of": f"{data.as_of:%d/%m/%Y}",
        "tables": [
            {"title": title, "head": head, "rows": [[_text(v) for v in row] for row in rows]}
            for title, (head, rows) in data.tables().items()
        ],
    }
    inputs = {"payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))}
    try:
        pdf = typst.compile(str(TEMPLATE), root=str(TEMPLATE.parent), sys_inputs=inputs, format="pdf")
    except RuntimeError as exc:
        raise ReportFailed("reporting.report_failed", detail=str(exc)[:300]) from exc
    if not isinstance(pdf, bytes):
        raise ReportFailed("reporting.report_failed", detail="Typst non ha prodotto un PDF")
    return pdf


def report_xlsx(data: ReportData) -> bytes:
    book = Workbook(write_only=True)
    for title, (head, rows) in data.tables().items():
        sheet = book.create_sheet(title[:31])
        sheet.append([safe_cell(h) for h in head])
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
