"""The agency's reports (supervisor dashboard): amounts collected today, this month, by creditor and by
collector; collector performance; strategy effectiveness per step; ageing. Each table is exportable (XLSX/CSV)
and the export is the table shown. Figures from `reporting.selectors` (snapshot + ledger after it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render

from recupero.core.clock import today
from recupero.core.models import Tenant, User
from recupero.reporting.domain.figures import percent
from recupero.reporting.selectors import (
    ageing,
    collected_months,
    collector_work,
    creditors_named,
    portfolio_after,
    portfolio_groups,
    rollup,
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
    todays = rollup(
        portfolio_after(tenant=tenant, actor=actor, after=now - dt.timedelta(days=1)), "creditor_id"
    )
    month_key = now.strftime("%Y-%m")
    months = collected_months(tenant=tenant, actor=actor)
    groups = portfolio_groups(tenant=tenant, actor=actor)
    names = creditors_named(tenant=tenant, actor=actor)
    by_creditor = rollup(groups, "creditor_id")
    by_collector = rollup(groups, "collector_id")
    tables = {
        "committenti": Table(
            "Per committente",
            [
                "Committente",
                "Pratiche",
                "Affidato",
                "Incassato",
                "Recupero %",
                "Da incassare",
                "Incassato oggi",
            ],
            [
                [
                    names.get(c or 0, str(c)),
                    f.cases,
                    f.assigned,
                    f.collected_total,
                    percent(f.collected_total, f.assigned),
                    f.outstanding,
                    todays[c].collected_total if c in todays else 0,
                ]
                for c, f in by_creditor.items()
            ],
        ),
        "operatori": Table(
            "Per operatore (consulente della pratica)",
            ["Operatore (id)", "Pratiche", "Incassato", "Contatti tentati", "Contatti riusciti"],
            [
                [c or "non assegnate", f.cases, f.collected_total, f.contacts_attempted, f.contacts_reached]
                for c, f in by_collector.items()
            ],
        ),
        "produttivita": Table(
            "Produttività del mese",
            ["Operatore", "Telefonate e visite", "Contatti col debitore", "Promesse"],
            [
                [w.name, w.calls, w.reached, w.promises]
                for w in collector_work(tenant=tenant, actor=actor, since=now.replace(day=1))
            ],
        ),
        "passi": Table(
            "Efficacia della strategia per passo",
            [
                "Strategia",
                "Passo",
                "Pratiche",
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
                for s in step_figures(tenant=tenant, actor=actor)
            ],
        ),
        "anzianita": Table(
            "Anzianità delle pratiche aperte",
            ["Scaduto da", "Pratiche", "Da incassare"],
            [list(row) for row in ageing(tenant=tenant, actor=actor, on=now)],
        ),
    }
    return AgencyReports(
        sum((f.collected_total for f in todays.values()), 0),
        sum((m.get(month_key, 0) for m in months.values()), 0),
        tables,
    )


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
