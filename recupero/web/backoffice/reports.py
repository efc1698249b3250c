"""The agency's reports (supervisor dashboard): amounts collected today, this month, by creditor and by
collector; collector performance; strategy effectiveness per step; ageing. Each table is exportable (XLSX/CSV)
and the export is the table shown. Figures from `reporting.selectors` (snapshot + ledger after it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from recupero.core.clock import today
from recupero.core.models import Tenant, User
from recupero.reporting.domain.figures import percent
from recupero.reporting.selectors import (
    Figures,
    ageing,
    collected_months,
    collector_work,
    creditors_named,
    portfolio_groups,
    portfolio_today,
    rollup,
    staff_named,
    step_figures,
)
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.web.portal.pages import Table
from recupero.web.portal.sheets import table_response


@dataclass
class AgencyReports:
    collected_today: object
    collected_month: object
    tables: dict[str, Table]


def agency_reports(*, tenant: Tenant, actor: User) -> AgencyReports:
    now = today()
    todays = rollup(portfolio_today(tenant=tenant, actor=actor, on=now), "creditor_id")
    month_key = now.strftime("%Y-%m")
    months = collected_months(tenant=tenant, actor=actor)
    groups = portfolio_groups(tenant=tenant, actor=actor)
    tables = {
        "committenti": _by_creditor(
            creditors_named(tenant=tenant, actor=actor), rollup(groups, "creditor_id"), todays
        ),
        "operatori": _by_collector(staff_named(tenant=tenant, actor=actor), rollup(groups, "collector_id")),
        **_work_tables(tenant, actor, now),
    }
    return AgencyReports(
        sum((f.collected_total for f in todays.values()), Decimal("0.00")),
        sum((m.get(month_key, Decimal("0.00")) for m in months.values()), Decimal("0.00")),
        tables,
    )


def _by_creditor(names: dict[int, str], by_creditor: dict[int | None, Figures], todays: dict) -> Table:  # type: ignore[type-arg]
    headers = [
        gettext("Committente"),
        gettext("Pratiche"),
        gettext("Affidato"),
        gettext("Incassato"),
        "Recupero %",
        gettext("Da incassare"),
        gettext("Incassato oggi"),
    ]
    rows: list[list[object]] = []
    for c, f in by_creditor.items():
        today_f = todays.get(c)
        rows.append([
            names.get(c or 0, str(c)), f.cases, f.assigned, f.collected_total,
            percent(f.collected_total, f.assigned), f.outstanding,
            today_f.collected_total if today_f else Decimal("0.00"),
        ])  # fmt: skip
    return Table(gettext("Per committente"), headers, rows)


def _by_collector(names: dict[int, str], by_collector: dict[int | None, Figures]) -> Table:
    return Table(
        gettext("Per operatore (consulente della pratica)"),
        [
            gettext("Operatore"), gettext("Pratiche"), gettext("Incassato"),
            gettext("Contatti tentati"), gettext("Contatti riusciti"),
        ],
        [
            [names.get(c, str(c)) if c else gettext("non assegnate"), f.cases, f.collected_total,
             f.contacts_attempted, f.contacts_reached]
            for c, f in by_collector.items()
        ],
    )  # fmt: skip


def _work_tables(tenant: Tenant, actor: User, now: dt.date) -> dict[str, Table]:
    steps = step_figures(tenant=tenant, actor=actor)
    return {
        "produttivita": Table(
            gettext("Produttività del mese"),
            [
                gettext("Operatore"),
                gettext("Telefonate e visite"),
                gettext("Contatti col debitore"),
                gettext("Promesse"),
            ],
            [
                [w.name, w.calls, w.reached, w.promises]
                for w in collector_work(tenant=tenant, actor=actor, since=now.replace(day=1))
            ],
        ),
        "passi": Table(
            gettext("Efficacia della strategia per passo"),
            [
                gettext("Strategia"),
                gettext("Passo"),
                gettext("Pratiche"),
                "Pagate entro 30 giorni",
                "% pagate",
                "Incassato entro 30 giorni",
            ],
            [
                [
                    s.strategy_code,
                    s.step_code,
                    s.cases,
                    s.paid_30,
                    percent(Decimal(s.paid_30), Decimal(s.cases)),
                    s.collected_30,
                ]
                for s in steps
            ],
        ),
        "anzianita": Table(
            gettext("Anzianità delle pratiche aperte"),
            [gettext("Scaduto da"), gettext("Pratiche"), gettext("Da incassare")],
            [list(row) for row in ageing(tenant=tenant, actor=actor, on=now)],
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
    page = agency_reports(tenant=tenant_of(request), actor=request.user)
    found = page.tables.get(table)
    if found is None:
        raise Http404
    return table_response(f"report-{table}", found.headers, found.rows, fmt)
