"""The creditor portal's home: the portfolio's KPIs, the liquidation curve of each assignment against the
creditor's average, cases by phase. Every figure comes from `reporting.selectors` (snapshot + today); each chart
has its table, and each table is the one exported (`TABLES`), so what the creditor downloads is what it saw."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext as _

from recupero.arrangements.domain.states import KIND_LABELS, Kind
from recupero.arrangements.models import Arrangement
from recupero.arrangements.selectors import arrangements_pending
from recupero.cases.domain.states import LABELS, CaseStatus
from recupero.core.audit import audit_shown
from recupero.core.clock import today
from recupero.core.domain.roles import APPROVE_ARRANGEMENTS, can
from recupero.core.models import Tenant, User
from recupero.reporting.arrangements_figures import (
    ArrangementFigures,
    arrangement_figures,
    arrangement_totals,
)
from recupero.reporting.domain.figures import average_curve, liquidation_curve, months_elapsed, percent
from recupero.reporting.selectors import (
    Figures,
    assignments_named,
    collected_months,
    creditors_named,
    portfolio_groups,
    rollup,
    snapshot_day,
    status_counts,
)

MAX_MONTHS = 24  # a curve's horizon on the page: two years from the affido


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[object]]


@dataclass
class AssignmentLine:
    id: int
    code: str
    creditor: str
    received_on: object
    figures: Figures
    rate: Decimal
    curve: list[Decimal]


@dataclass
class PortalHome:
    totals: Figures
    rate: Decimal
    lines: list[AssignmentLine]
    average: list[Decimal | None]
    months: int
    phases: list[tuple[str, str, int]]
    snapshot_on: object
    creditors: dict[int, str]
    arrangements: dict[str, ArrangementFigures] = field(default_factory=dict)
    arrangement_totals: ArrangementFigures = field(default_factory=ArrangementFigures)
    approvals: list[Arrangement] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def chart_data(self) -> dict[str, object]:
        """What the charts draw (numbers as text: JSON has no Decimal)."""
        return {
            "months": list(range(self.months)),
            "curves": [{"label": a.code, "values": [str(v) for v in a.curve]} for a in self.lines],
            "average": [None if v is None else str(v) for v in self.average],
            "average_label": gettext("Media del committente"),
            # str(): a label of the domain shows itself in the user's language (JSON would write its Italian)
            "phases": {"labels": [str(p[1]) for p in self.phases], "values": [p[2] for p in self.phases]},
        }


def portal_home(*, tenant: Tenant, actor: User) -> PortalHome:
    groups = portfolio_groups(tenant=tenant, actor=actor)
    by_assignment = rollup(groups, "assignment_id")
    months = collected_months(tenant=tenant, actor=actor)
    creditors = creditors_named(tenant=tenant, actor=actor)
    now = today()
    lines = []
    for a in assignments_named(tenant=tenant, actor=actor):
        figures = by_assignment.get(a.pk, Figures())
        n = min(MAX_MONTHS, months_elapsed(a.received_on, now))
        curve = liquidation_curve(a.received_on, figures.assigned, months.get(a.pk, {}), n)
        lines.append(
            AssignmentLine(
                a.pk,
                a.code,
                a.creditor.name,
                a.received_on,
                figures,
                percent(figures.collected_total, figures.assigned),
                curve,
            )
        )
    totals = Figures()
    for line in lines:
        totals.add(line.figures)
    horizon = max((len(line.curve) for line in lines), default=1)
    counts = status_counts(tenant=tenant, actor=actor)
    phases = [(s.value, LABELS[s], counts.get(s.value, 0)) for s in CaseStatus if counts.get(s.value)]
    page = PortalHome(
        totals,
        percent(totals.collected_total, totals.assigned),
        lines,
        average_curve([line.curve for line in lines], horizon),
        horizon,
        phases,
        snapshot_day(tenant=tenant, actor=actor),
        creditors,
    )
    _add_arrangements(page, tenant, actor)
    page.tables = _tables(page)
    return page


def _add_arrangements(page: PortalHome, tenant: Tenant, actor: User) -> None:
    """Promises, plans and settlements (open, kept rate) and the proposals waiting for this approver; the
    approvals list names debtors, so it is an audited read."""
    by_kind = arrangement_figures(tenant=tenant, actor=actor, by="kind")
    page.arrangements = {str(k): by_kind.get(k.value, ArrangementFigures()) for k in Kind}
    page.arrangement_totals = arrangement_totals(by_kind)
    if can(actor.role, APPROVE_ARRANGEMENTS):
        page.approvals = arrangements_pending(tenant=tenant, actor=actor, limit=50)
        audit_shown(debtor_ids=[a.case.debtor_id for a in page.approvals])


def _arrangements_table(page: PortalHome) -> Table:
    rows: list[list[object]] = []
    for kind, f in page.arrangements.items():
        rows.append(
            [KIND_LABELS[Kind(kind)], f.active, f.active_total, f.active_paid, f.pending_approval, f.kept,
             f.broken, f.kept_rate]
        )  # fmt: skip
    headers = [
        _("Tipo"), _("Attivi"), _("Importo concordato (attivi)"), _("Già pagato (attivi)"),
        _("In attesa di approvazione"), _("Rispettati"), _("Non rispettati"), _("Tasso di rispetto %"),
    ]  # fmt: skip
    return Table(_("Promesse, piani e stralci"), headers, rows)


def _tables(page: PortalHome) -> dict[str, Table]:
    assignments = Table(
        gettext("Portafoglio per affido"),
        [
            gettext("Affido"),
            gettext("Committente"),
            gettext("Data affido"),
            gettext("Pratiche"),
            gettext("Affidato"),
            gettext("Incassato in agenzia"),
            gettext("Pagamenti diretti"),
            gettext("Recupero %"),
            gettext("Giorni medi al primo pagamento"),
        ],
        [
            [
                a.code,
                a.creditor,
                a.received_on,
                a.figures.cases,
                a.figures.assigned,
                a.figures.collected,
                a.figures.collected_direct,
                a.rate,
                a.figures.average_days_to_first_payment,
            ]
            for a in page.lines
        ],
    )
    curve_rows: list[list[object]] = []
    for i in range(page.months):
        row: list[object] = [gettext("Mese %(n)s") % {"n": i + 1}]
        row += [a.curve[i] if i < len(a.curve) else None for a in page.lines]
        row.append(page.average[i])
        curve_rows.append(row)
    curve = Table(
        gettext("Curva di liquidazione (% cumulato incassato)"),
        [gettext("Mese dall'affido"), *[a.code for a in page.lines], gettext("Media del committente")],
        curve_rows,
    )
    phases = Table(
        gettext("Pratiche per stato"),
        [gettext("Stato"), gettext("Pratiche")],
        [[label, n] for _s, label, n in page.phases],
    )
    return {"affidi": assignments, "curva": curve, "stati": phases, "accordi": _arrangements_table(page)}
