"""The case-list filters: query string -> CaseFilters. Bad values are dropped with a message, never a 500."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.http import QueryDict

from recupero.cases.domain.states import LABELS, CaseStatus
from recupero.cases.selectors import MAX_PAGE, CaseFilters
from recupero.core.domain.i18n import gettext_lazy
from recupero.parties.domain.geo import provinces

# Balance bands (saldo): key -> (label, lower bound inclusive, upper bound exclusive).
AMOUNT_BANDS: dict[str, tuple[str, Decimal | None, Decimal | None]] = {
    "lt100": (gettext_lazy("meno di 100 €"), None, Decimal("100")),
    "100-500": ("100 – 500 €", Decimal("100"), Decimal("500")),
    "500-2000": ("500 – 2.000 €", Decimal("500"), Decimal("2000")),
    "2000-10000": ("2.000 – 10.000 €", Decimal("2000"), Decimal("10000")),
    "gt10000": ("oltre 10.000 €", Decimal("10000"), None),
}
PAST_DUE = {
    "30": gettext_lazy("da almeno 30 giorni"),
    "90": gettext_lazy("da almeno 90 giorni"),
    "180": gettext_lazy("da almeno 180 giorni"),
    "365": gettext_lazy("da almeno un anno"),
}
FIELD_LABELS = {
    "creditor": gettext_lazy("committente"),
    "assignment": gettext_lazy("affido"),
    "status": gettext_lazy("stato"),
    "band": gettext_lazy("importo"),
    "province": gettext_lazy("provincia"),
    "overdue": gettext_lazy("scaduto"),
    "page": gettext_lazy("pagina"),
    "q": gettext_lazy("ricerca"),
}


class CaseFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)
    creditor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    assignment = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        required=False, choices=[("", "")] + [(s.value, LABELS[s]) for s in CaseStatus]
    )
    band = forms.ChoiceField(
        required=False, choices=[("", "")] + [(k, v[0]) for k, v in AMOUNT_BANDS.items()]
    )
    province = forms.ChoiceField(required=False)
    overdue = forms.ChoiceField(required=False, choices=[("", ""), *list(PAST_DUE.items())])
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(
        self,
        data: QueryDict,
        *,
        creditor_choices: list[tuple[int, str]],
        assignment_choices: list[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        self.fields["creditor"].choices = [("", ""), *creditor_choices]  # type: ignore[attr-defined]
        self.fields["assignment"].choices = [("", ""), *assignment_choices]  # type: ignore[attr-defined]
        self.fields["province"].choices = [("", ""), *sorted(provinces().items())]  # type: ignore[attr-defined]


@dataclass
class ParsedFilters:
    filters: CaseFilters
    page: int
    values: dict[str, str]  # what the form shows back: only the accepted values
    ignored: list[str] = field(default_factory=list)  # Italian labels of the dropped fields


def parse_filters(
    data: QueryDict,
    *,
    creditor_choices: list[tuple[int, str]],
    assignment_choices: list[tuple[int, str]],
    today: dt.date,
) -> ParsedFilters:
    form = CaseFilterForm(data, creditor_choices=creditor_choices, assignment_choices=assignment_choices)
    form.is_valid()
    clean = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    band = AMOUNT_BANDS.get(clean.get("band") or "")
    overdue = clean.get("overdue")
    filters = CaseFilters(
        q=clean.get("q") or "",
        creditor_id=clean.get("creditor"),
        assignment_id=clean.get("assignment"),
        status=clean.get("status") or "",
        amount_min=band[1] if band else None,
        amount_max=band[2] if band else None,
        province=clean.get("province") or "",
        days_past_due_min=int(overdue) if overdue else None,
        today=today,
    )
    values = {name: ("" if value is None else str(value)) for name, value in clean.items() if name != "page"}
    ignored = [FIELD_LABELS.get(name, name) for name in form.errors]
    return ParsedFilters(filters=filters, page=clean.get("page") or 1, values=values, ignored=ignored)
