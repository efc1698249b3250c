"""The agency's reports (supervisor dashboard): amounts collected today, this month, by creditor and by
collector; collector performance (calls, right-party contacts, promises, kept rate, collected per worked hour);
strategy effectiveness per step (cases, paid within 30 days, cost per euro collected); ageing; and the
prescription-at-risk list (`/report/prescrizione/`). Each table is exportable (XLSX/CSV) and the export is the
table shown. Figures from `reporting.selectors` (snapshot + ledger after it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from recupero.core.clock import ROME, now, today
from recupero.core.models import Tenant, User
from recupero.reporting.arrangements_figures import ArrangementFigures, arrangement_figures
from recupero.reporting.domain.figures import cost_per_euro, per_hour, percent
from recupero.reporting.selectors import (
    Figures,
    RiskRow,
    ageing,
    collected_months,
    collector_collected,
    collector_work,
    creditors_named,
    portfolio_groups,
    portfolio_today,
    prescription_at_risk,
    rollup,
    staff_named,
    step_figures,
    worked_seconds_by_person,
)
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.web.portal.pages import Table
from recupero.web.portal.sheets import table_response

RISK_DAYS = (30, 60, 90, 180, 365)  # the windows offered on the prescription page; 90 by default


@dataclass
class AgencyReports:
    collected_today: object
    collected_month: object
    tables: dict[str, Table]


def agency_reports(*, tenant: Tenant, actor: User) -> AgencyReports:
    on = today()
    todays = rollup(portfolio_today(tenant=tenant, actor=actor, on=on), "creditor_id")
    month_key = on.strftime("%Y-%m")
    months = collected_months(tenant=tenant, actor=actor)
    groups = portfolio_groups(tenant=tenant, actor=actor)
    names = staff_named(tenant=tenant, actor=actor)
    tables = {
        "committenti": _by_creditor(
            creditors_named(tenant=tenant, actor=actor), rollup(groups, "creditor_id"), todays
        ),
        "operatori": _by_collector(names, rollup(groups, "collector_id")),
        "produttivita": _performance(tenant, actor, names, on),
        **_work_tables(tenant, actor, on),
    }
    return AgencyReports(
        sum((f.collected_total for f in todays.values()), Decimal("0.00")),
        sum((m.get(month_key, Decimal("0.00")) for m in months.values()), Decimal("0.00")),
        tables,
    )


def _by_creditor(names: dict[int, str], by_creditor: dict[int | None, Figures], todays: dict) -> Table:  # type: ignore[type-arg]
    headers = [
        _("Committente"),
        _("Pratiche"),
        _("Affidato"),
        _("Incassato"),
        _("Recupero %"),
        _("Da incassare"),
        _("Incassato oggi"),
    ]
    rows: list[list[object]] = []
    for c, f in by_creditor.items():
        today_f = todays.get(c)
        rows.append([
            names.get(c or 0, str(c)), f.cases, f.assigned, f.collected_total,
            percent(f.collected_total, f.assigned), f.outstanding,
            today_f.collected_total if today_f else Decimal("0.00"),
        ])  # fmt: skip
    return Table(_("Per committente"), headers, rows)


def _by_collector(names: dict[int, str], by_collector: dict[int | None, Figures]) -> Table:
    return Table(
        _("Per operatore (consulente della pratica)"),
        [_("Operatore"), _("Pratiche"), _("Incassato"), _("Contatti tentati"), _("Contatti riusciti")],
        [
            [names.get(c, str(c)) if c else _("non assegnate"), f.cases, f.collected_total,
             f.contacts_attempted, f.contacts_reached]
            for c, f in by_collector.items()
        ],
    )  # fmt: skip


def _performance(tenant: Tenant, actor: User, names: dict[int, str], on: dt.date) -> Table:
    """The month so far per person: calls and visits closed, right-party contacts, promises taken, arrangements
    kept of those that ended (kept / (kept + broken)), hours worked, collected credited to them, per hour."""
    since = on.replace(day=1)
    work = {w.user_id: w for w in collector_work(tenant=tenant, actor=actor, since=since)}
    figures = arrangement_figures(tenant=tenant, actor=actor, by="taken_by_id", ended_since=since)
    deals = {k: v for k, v in figures.items() if isinstance(k, int)}  # keyed by the person's id
    start = dt.datetime.combine(since, dt.time(0, 0), tzinfo=ROME)
    seconds = worked_seconds_by_person(tenant=tenant, actor=actor, since=start, until=now())
    collected = collector_collected(tenant=tenant, actor=actor, since=since)
    people = {p for p in (*work, *deals, *collected) if p is not None}
    rows: list[list[object]] = []
    for person in sorted(people, key=lambda p: names.get(p, str(p))):
        w, a = work.get(person), deals.get(person, ArrangementFigures())
        money, secs = collected.get(person, Decimal("0.00")), seconds.get(person, 0)
        rows.append([
            names.get(person, str(person)), w.calls if w else 0, w.reached if w else 0, w.promises if w else 0,
            f"{a.kept}/{a.ended}", a.kept_rate if a.kept_rate is not None else "—",
            (Decimal(secs) / 3600).quantize(Decimal("0.01")), money, _or_dash(per_hour(money, secs)),
        ])  # fmt: skip
    if collected.get(None):
        rows.append([_("nessun contatto nei 30 giorni prima"), 0, 0, 0, "", "—", "", collected[None], "—"])
    headers = [
        _("Operatore"), _("Telefonate e visite"), _("Contatti col debitore"), _("Promesse"),
        _("Accordi mantenuti / conclusi"), _("% mantenuti"), _("Ore lavorate"), _("Incassato"),
        _("Incassato per ora"),
    ]  # fmt: skip
    return Table(_("Produttività del mese"), headers, rows)


def _or_dash(value: object) -> object:
    return "—" if value is None else value


def _work_tables(tenant: Tenant, actor: User, now_day: dt.date) -> dict[str, Table]:
    headers = [
        _("Strategia"), _("Passo"), _("Pratiche"), _("Pagate entro 30 giorni"), _("% pagate"),
        _("Incassato entro 30 giorni"), _("Costo"), _("Costo per euro incassato"),
    ]  # fmt: skip
    steps: list[list[object]] = [
        [s.strategy_code, s.step_code, s.cases, s.paid_30, percent(Decimal(s.paid_30), Decimal(s.cases)),
         s.collected_30, s.cost, _or_dash(cost_per_euro(s.cost, s.collected_30))]
        for s in step_figures(tenant=tenant, actor=actor)
    ]  # fmt: skip
    return {
        "passi": Table(_("Efficacia della strategia per passo"), headers, steps),
        "anzianita": Table(
            _("Anzianità delle pratiche aperte (giorni dalla prima scadenza)"),
            [_("Scaduto da"), _("Pratiche"), _("Da incassare")],
            [list(row) for row in ageing(tenant=tenant, actor=actor, on=now_day)],
        ),
    }


@backoffice_view
def reports_view(request: AuthedRequest) -> HttpResponse:
    page = agency_reports(tenant=tenant_of(request), actor=request.user)
    return render(request, "web/reports.html", {"page": page})


@backoffice_view
def reports_export(request: AuthedRequest, table: str, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    found: Table | None
    if table == "prescrizione":
        found = _risk_page(request).table
    else:
        found = agency_reports(tenant=tenant_of(request), actor=request.user).tables.get(table)
    if found is None:
        raise Http404
    return table_response(f"report-{table}", found.headers, found.rows, fmt)


@dataclass
class RiskPage:
    days: int
    table: Table
    cases: list[tuple[RiskRow, str]]
    total: int
    amount: Decimal
    choices: tuple[int, ...] = RISK_DAYS


def _risk_page(request: AuthedRequest) -> RiskPage:
    raw = request.GET.get("giorni", "90")
    days = int(raw) if raw.isdigit() and int(raw) in RISK_DAYS else 90
    tenant = tenant_of(request)
    rows, total, amount = prescription_at_risk(tenant=tenant, actor=request.user, on=today(), days=days)
    creditors = creditors_named(tenant=tenant, actor=request.user)
    headers = [
        _("Pratica"), _("Committente"), _("Si prescrive il"), _("Giorni"), _("Importo a rischio"),
        _("Atto che interrompe"),
    ]  # fmt: skip
    table = Table(
        _("Prescrizioni entro %(days)d giorni") % {"days": days},
        headers,
        [
            [r.code, creditors.get(r.creditor_id, str(r.creditor_id)), r.deadline, r.days_left, r.amount,
             _("diffida via PEC") if r.has_pec else _("diffida con raccomandata A/R")]
            for r in rows
        ],
    )  # fmt: skip
    lines = [(r, creditors.get(r.creditor_id, str(r.creditor_id))) for r in rows]
    return RiskPage(days, table, lines, total, amount)


@backoffice_view
def prescription_risk_view(request: AuthedRequest) -> HttpResponse:
    return render(request, "web/reports_prescription.html", {"page": _risk_page(request)})
