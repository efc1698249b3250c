"""Back-office pages of the strategies: the ladders as data, the daily runs (last reports, tomorrow's preview,
run now) and a communication's document (the letter PDF linked from the case timeline)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from recupero.channels.selectors import communication_get
from recupero.core.clock import today
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import RUN_STRATEGIES, can
from recupero.core.errors import DomainError
from recupero.strategies.domain.model import Step, Strategy
from recupero.strategies.selectors import runs_recent
from recupero.strategies.services import strategies_catalogue, strategy_preview, strategy_run
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of

ACTION_LABELS = {
    "email_reminder": gettext_lazy("Sollecito e-mail"),
    "sms_reminder": gettext_lazy("Sollecito SMS"),
    "reminder_letter_1": gettext_lazy("Lettera monitoria"),
    "phone_call": gettext_lazy("Telefonata"),
    "reminder_letter_2": gettext_lazy("Seconda lettera"),
    "home_visit": gettext_lazy("Visita domiciliare"),
    "formal_demand_pec": gettext_lazy("Messa in mora PEC"),
    "formal_demand_registered": gettext_lazy("Messa in mora raccomandata A/R"),
    "bureau_notice": gettext_lazy("Preavviso SIC"),
    "supply_suspension_notice": gettext_lazy("Preavviso di sospensione (ARERA)"),
    "legal_review": gettext_lazy("Revisione legale"),
    "skip_trace": gettext_lazy("Rintraccio"),
}
# What goes out through each channel, in the words of the confirmation ("SMS: 1.125", "PEC: 36"…),
# in the order a supervisor weighs them: what reaches the debtor first, internal work last.
CHANNEL_LABELS = {
    "sms": "SMS",
    "email": "E-mail",
    "pec": "PEC",
    "post": gettext_lazy("Lettere"),
    "registered": gettext_lazy("Raccomandate A/R"),
    "phone": gettext_lazy("Telefonate in coda"),
    "visit": gettext_lazy("Visite domiciliari"),
    "task": gettext_lazy("Attività interne"),
}
ANCHORS = {
    "due_date": gettext_lazy("dalla scadenza"),
    "previous_step": gettext_lazy("dal passo precedente"),
    "case_opened": "dall'apertura",
}


@dataclass(frozen=True)
class StepRow:
    n: int
    code: str
    action: str
    channels: str
    wait: str
    conditions: list[str]
    optional: bool
    fallback: str
    why: str


def _conditions(step: Step) -> list[str]:
    c = step.conditions
    out = []
    if c.min_balance is not None:
        out.append(f"saldo ≥ {c.min_balance} €")
    if c.max_balance is not None:
        out.append(f"saldo ≤ {c.max_balance} €")
    for label, values in (
        ("debitori", c.debtor_types),
        ("crediti", c.claim_types),
        ("settori", c.sectors),
        (gettext("fasce score"), c.score_bands),
    ):
        if values:
            out.append(f"{label}: {', '.join(sorted(values))}")
    if c.first_invoice_default is not None:
        out.append(
            gettext("prima fattura insoluta") if c.first_invoice_default else gettext("non prima fattura")
        )
    if c.supply_active is not None:
        out.append(gettext("fornitura attiva") if c.supply_active else gettext("fornitura cessata"))
    if c.min_days_past_due:
        out.append(gettext("≥ %(days)s giorni di ritardo") % {"days": c.min_days_past_due})
    return out


def _ladder(strategy: Strategy) -> list[StepRow]:
    rows = []
    for i, step in enumerate(strategy.steps, start=1):
        unit = "lavorativi" if step.wait.unit.value == "working" else ""
        rows.append(
            StepRow(
                i,
                step.code,
                ACTION_LABELS.get(step.action.value, step.action.value),
                " → ".join(dict.fromkeys(ch.value for _a, ch in strategy.routes[step.code])),
                f"+{step.wait.days} giorni {unit} {ANCHORS[step.wait.anchor.value]}".replace("  ", " "),
                _conditions(step),
                step.optional,
                ACTION_LABELS.get(step.fallback.value, "") if step.fallback else "",
                step.why,
            )
        )
    return rows


@backoffice_view
def strategy_list(request: AuthedRequest) -> HttpResponse:
    cat = strategies_catalogue(tenant=tenant_of(request), actor=request.user)
    ladders = [{"strategy": s, "steps": _ladder(s)} for s in cat.strategies.values()]
    rules = cat.segmentation.rules
    return render(
        request,
        "web/strategies/list.html",
        {"ladders": ladders, "rules": rules, "default": cat.segmentation.default},
    )


def _report_rows(report: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    rows = {
        name: sorted(report.get(name, {}).items(), key=lambda kv: -kv[1])
        for name in ("by_action", "skipped", "flags")
    }
    rows["by_channel"] = channel_counts(report.get("by_channel", {}))
    return rows


def channel_counts(by_channel: dict[str, int]) -> list[tuple[str, int]]:
    """(Italian label, count) per channel with something to do, in CHANNEL_LABELS order."""
    known = [(CHANNEL_LABELS[c], by_channel[c]) for c in CHANNEL_LABELS if by_channel.get(c)]
    return known + [(c, n) for c, n in sorted(by_channel.items()) if c not in CHANNEL_LABELS and n]


def _run_now(request: AuthedRequest) -> HttpResponse:
    """Start today's run only from the confirmation form: a bare POST (one click on an old page, a replayed
    request) is sent to the confirmation, which says what would go out, and nothing runs."""
    if request.POST.get("confirm") != "1":
        messages.warning(request, gettext("Prima di eseguire, controlla che cosa partirà e conferma."))
        return redirect(f"{reverse('backoffice:strategy_runs')}?conferma=1")
    try:
        report = strategy_run(tenant=tenant_of(request), actor=request.user, run_date=today())
        messages.success(
            request,
            gettext("Esecuzione completata: %(steps)s passi su %(cases)s pratiche.")
            % {"steps": report.steps_executed, "cases": report.cases_seen},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("backoffice:strategy_runs")


@backoffice_view
@require_http_methods(["GET", "POST"])
def strategy_runs(request: AuthedRequest) -> HttpResponse:
    user = request.user
    tenant = tenant_of(request)
    if request.method == "POST":
        return _run_now(request)
    can_run = can(user.role, RUN_STRATEGIES)
    preview = confirm = None
    tomorrow = today() + dt.timedelta(days=1)
    if request.GET.get("anteprima"):
        preview = strategy_preview(tenant=tenant, actor=user, on=tomorrow).as_dict()
    if request.GET.get("conferma") and can_run:
        # The same planning as the run itself, without writes: what one click would send today.
        confirm = strategy_preview(tenant=tenant, actor=user, on=today()).as_dict()
    runs = runs_recent(tenant=tenant, actor=user)
    return render(
        request,
        "web/strategies/runs.html",
        {
            "runs": [{"run": r, "rows": _report_rows(r.report)} for r in runs],
            "preview": preview,
            "preview_rows": _report_rows(preview) if preview else None,
            "confirm": confirm,
            "confirm_channels": channel_counts(confirm["by_channel"]) if confirm else None,
            "today": today(),
            "tomorrow": tomorrow,
            "can_run": can_run,
        },
    )


@backoffice_view
def communication_document(request: AuthedRequest, communication_id: int) -> HttpResponse:
    user = request.user
    comm = communication_get(tenant=tenant_of(request), actor=user, communication_id=communication_id)
    if not comm.document:
        raise DomainError("auth.not_found")
    response: HttpResponse = FileResponse(  # type: ignore[assignment]  # a streaming response, served as is
        comm.document.open("rb"),
        content_type="application/pdf",
        filename=f"{comm.case.code}-{comm.template}.pdf",
    )
    return response
