"""Remittance pages (rendiconti): build → check → issue → download. Thin: parse, call one service or selector.

Agency administrators and supervisors (remittance.issue) choose a creditor and a day, check the draft (nothing
is written until they issue), issue it, and download its four files. A creditor's users, consultants and
auditors see the issued remittances of the creditors they reach and download them (selectors decide).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from recupero.core.clock import today
from recupero.core.domain.roles import ISSUE_REMITTANCE, can
from recupero.core.errors import DomainError
from recupero.law.money import ZERO
from recupero.remittance.compute import Draft
from recupero.remittance.selectors import (
    remittance_creditors,
    remittance_file,
    remittance_get,
    remittance_lines,
    remittances_visible,
)
from recupero.remittance.services import remittance_build, remittance_issue
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.web.templatetags.money import format_date

COMPONENTS = ("principal", "interest", "compensation", "costs")
SUMS = (*COMPONENTS, "collected", "commission", "vat", "held", "remitted")
CHECK_ROWS = 200  # cases shown on the check page; the statement and the workbook list them all


def _day(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise DomainError("remittance.bad_date", value=text)


def _per_case(draft: Draft) -> list[dict[str, Any]]:
    cases: OrderedDict[int, dict[str, Any]] = OrderedDict()
    for line in draft.lines:
        empty = {"code": line.case_code, "lines": 0, **dict.fromkeys(SUMS, ZERO)}
        row = cases.setdefault(line.case_id, empty)
        f = line.figures
        row["lines"] += 1
        row["collected"] += f.collected.total
        for name in COMPONENTS:
            row[name] += getattr(f.collected, name)
        for name in ("commission", "vat", "held", "remitted"):
            row[name] += getattr(f, name)
    return sorted(cases.values(), key=lambda r: r["code"])[:CHECK_ROWS]


@backoffice_view
@require_http_methods(["GET"])
def remittance_list(request: AuthedRequest) -> HttpResponse:
    user, tenant = request.user, tenant_of(request)
    remittances = list(remittances_visible(tenant=tenant, actor=user)[:100])
    context: dict[str, Any] = {"remittances": remittances, "can_issue": can(user.role, ISSUE_REMITTANCE)}
    if context["can_issue"]:
        creditors = list(remittance_creditors(tenant=tenant, actor=user))
        context.update(creditors=creditors, until=request.GET.get("until") or f"{today():%Y-%m-%d}")
        chosen = request.GET.get("creditor", "")
        if chosen:
            creditor = next((c for c in creditors if str(c.pk) == chosen), None)
            if creditor is None:
                raise DomainError("auth.not_found")
            until = _day(context["until"])
            draft = remittance_build(tenant=tenant, actor=user, creditor=creditor, until=until)
            context.update(draft=draft, creditor=creditor, until_day=until, cases=_per_case(draft))
            context.update({name: draft.total(name) for name in ("commission", "vat", "held")})
    return render(request, "web/remittance/list.html", context)


@backoffice_view
@require_POST
def remittance_issue_view(request: AuthedRequest) -> HttpResponse:
    user, tenant = request.user, tenant_of(request)
    creditors = remittance_creditors(tenant=tenant, actor=user)
    creditor = creditors.filter(pk=_int(request.POST.get("creditor", ""))).first()
    if creditor is None:
        raise DomainError("auth.not_found")
    until = _day(request.POST.get("until", ""))
    remittance = remittance_issue(tenant=tenant, actor=user, creditor=creditor, until=until)
    if remittance is None:
        messages.warning(
            request,
            gettext("Nessun incasso da rendicontare fino al %(date)s.") % {"date": format_date(until)},
        )
        return redirect("backoffice:remittance_list")
    messages.success(
        request,
        gettext("Rendiconto %(number)s emesso: i pagamenti inclusi non saranno più rendicontati.")
        % {"number": remittance.number},
    )
    return redirect("backoffice:remittance_detail", remittance_id=remittance.pk)


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


@backoffice_view
@require_http_methods(["GET"])
def remittance_detail(request: AuthedRequest, remittance_id: int) -> HttpResponse:
    remittance = remittance_get(tenant=tenant_of(request), actor=request.user, remittance_id=remittance_id)
    lines = remittance_lines(remittance=remittance)
    return render(request, "web/remittance/detail.html", {"r": remittance, "lines": lines})


@backoffice_view
@require_http_methods(["GET"])
def remittance_download(request: AuthedRequest, remittance_id: int, fmt: str) -> HttpResponse:
    stored, name, content_type = remittance_file(
        tenant=tenant_of(request), actor=request.user, remittance_id=remittance_id, fmt=fmt
    )
    response: HttpResponse = FileResponse(  # type: ignore[assignment]  # a streaming response, served as is
        stored.open("rb"), content_type=content_type, filename=name, as_attachment=True
    )
    return response
