"""Back-office page of the published interest rates (Tassi): the list, and the form to add the next one.

Administrators only (`ledger.manage_rates`): a rate is law shared by every agency. Thin: parse the form, call
`rate_add`, render; a refusal keeps the typed values and puts the message under the field it concerns.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from recupero.core.clock import today
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import MANAGE_RATES
from recupero.core.errors import DomainError, from_law
from recupero.core.permissions import require
from recupero.law.errors import LawError
from recupero.law.money import format_rate
from recupero.law.rates import RATE_KINDS, parse_rate, period_label
from recupero.ledger.selectors import rate_rows, rates_missing
from recupero.ledger.services import rate_add
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of

# Which field a refusal concerns, so its message sits under what the user typed.
FIELD_OF = {
    "law.rate_bad_kind": "kind",
    "law.rate_bad_start": "valid_from",
    "law.rate_duplicate": "valid_from",
    "law.rate_not_next": "valid_from",
    "law.bad_date": "valid_from",
    "law.bad_rate": "rate",
    "law.rate_no_source": "source",
}


FORM_KINDS = [("ecb", gettext_lazy("BCE (per semestre)")), ("legal", gettext_lazy("Legale (per anno)"))]


class RateForm(forms.Form):
    kind = forms.ChoiceField(choices=FORM_KINDS, label=gettext_lazy("Tasso"))
    valid_from = forms.CharField(
        label=gettext_lazy("In vigore dal"),
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "01/07/2026"}),
    )
    rate = forms.CharField(
        label=gettext_lazy("Tasso (%)"), max_length=12, widget=forms.TextInput(attrs={"placeholder": "2,15"})
    )
    source = forms.CharField(
        label=gettext_lazy("Fonte"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("Comunicato MEF in Gazzetta Ufficiale, GU n. … del …")}
        ),
    )


def parse_day(text: str) -> dt.date:
    """01/07/2026 (as Italians type it) or 2026-07-01 (a date picker)."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise LawError(
        "law.bad_date", gettext("Data non valida: «%(value)s» (GG/MM/AAAA).") % {"value": text}, value=text
    )


def _rows() -> list[dict[str, str]]:
    return [
        {
            "kind": RATE_KINDS[r.kind],
            "period": period_label(r.kind, r.valid_from),
            "from": f"{r.valid_from:%d/%m/%Y}",
            "to": f"{r.valid_to:%d/%m/%Y}",
            "rate": format_rate(r.published_rate),
            "source": r.source,
            "added": f"{r.created_by.username} · {r.created_at:%d/%m/%Y}" if r.created_by else "",
        }
        for r in rate_rows()
    ]


@backoffice_view
@require_http_methods(["GET", "POST"])
def rate_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, MANAGE_RATES)
    form = RateForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            row = rate_add(
                tenant=tenant_of(request),
                actor=user,
                kind=form.cleaned_data["kind"],
                valid_from=parse_day(form.cleaned_data["valid_from"]),
                rate=parse_rate(form.cleaned_data["rate"]),
                source=form.cleaned_data["source"],
            )
        except (DomainError, LawError) as exc:
            error = from_law(exc) if isinstance(exc, LawError) else exc
            form.add_error(FIELD_OF.get(error.code), f"{error.message} [{error.code}]")
        else:
            added = f"{RATE_KINDS[row.kind]} del {period_label(row.kind, row.valid_from)}"
            messages.success(
                request,
                gettext("Aggiunto: %(rate)s, %(value)s. In uso da subito.")
                % {"rate": added, "value": format_rate(row.published_rate)},
            )
            return redirect("backoffice:rate_list")
    if request.method == "POST":
        status = 422  # refused: the form comes back with the typed values and the reason
    context = {"form": form, "rows": _rows(), "missing": rates_missing(today=today())}
    return render(request, "web/rates.html", context, status=status)
