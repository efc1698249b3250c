"""Back-office pages of portfolio intake (Importazioni): upload, progress, preview, confirm, error report, mapping.
Thin: parse the form, call one service or selector, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext

from recupero.core.clock import today
from recupero.core.domain.i18n import gettext_lazy
from recupero.imports import selectors, services
from recupero.imports.domain import FIELDS, MappingProfile
from recupero.imports.domain.mapping import requirements
from recupero.imports.domain.states import BUSY
from recupero.parties.models import Creditor
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of

FIELD_LABELS = {
    "case_reference": gettext_lazy("Riferimento pratica"),
    "debtor_type": gettext_lazy("Tipo debitore"),
    "tax_code": gettext_lazy("Codice fiscale"),
    "vat_number": gettext_lazy("Partita IVA"),
    "company_name": gettext_lazy("Ragione sociale"),
    "surname": gettext_lazy("Cognome"),
    "name": gettext_lazy("Nome"),
    "address": gettext_lazy("Indirizzo"),
    "cap": gettext_lazy("CAP"),
    "municipality": gettext_lazy("Comune"),
    "province": gettext_lazy("Provincia"),
    "country": gettext_lazy("Nazione"),
    "phone": gettext_lazy("Telefono"),
    "mobile": gettext_lazy("Cellulare"),
    "email": "E-mail",
    "pec": "PEC",
    "invoice_number": gettext_lazy("Numero fattura"),
    "invoice_date": gettext_lazy("Data fattura"),
    "due_date": gettext_lazy("Scadenza"),
    "amount": gettext_lazy("Importo"),
    "outstanding": gettext_lazy("Residuo"),
    "claim_type": gettext_lazy("Tipo credito"),
    "supply_point": "POD/PDR",
    "contract_reference": gettext_lazy("Contratto"),
    "description": gettext_lazy("Descrizione"),
    "iban": "IBAN",
    "notes": gettext_lazy("Note"),
    "supply_active": gettext_lazy("Fornitura attiva"),
    "first_invoice_default": gettext_lazy("Prima fattura insoluta"),
    "linked_invoice": gettext_lazy("Fattura collegata (note di credito)"),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        single = super().clean
        return (
            [single(d, initial) for d in data] if isinstance(data, list | tuple) else [single(data, initial)]
        )


class UploadForm(forms.Form):
    creditor = forms.ModelChoiceField(queryset=Creditor.objects.none(), label=gettext_lazy("Committente"))
    # A declared field (the metaclass moves it out of the class), not BaseForm.files.
    files = MultipleFileField(  # type: ignore[assignment]
        label=gettext_lazy("File dell'affido"), widget=MultipleFileInput(attrs={"multiple": True})
    )
    profile = forms.CharField(required=False, label=gettext_lazy("Profilo di mappatura"))
    assignment_code = forms.CharField(required=False, max_length=60, label=gettext_lazy("Codice affido"))
    received_on = forms.DateField(
        required=False, label=gettext_lazy("Data di affido"), widget=forms.DateInput(attrs={"type": "date"})
    )
    return_on = forms.DateField(
        required=False, label=gettext_lazy("Data di rientro"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, creditors, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["creditor"].queryset = creditors  # type: ignore[attr-defined]


@backoffice_view
def import_list(request: AuthedRequest) -> HttpResponse:
    tenant = tenant_of(request)
    batches = selectors.batch_list(tenant=tenant, actor=request.user)
    creditors = selectors.import_creditors(tenant=tenant, actor=request.user)
    form = UploadForm(
        request.POST or None, request.FILES or None, creditors=creditors, initial={"received_on": today()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        batch = services.batch_upload(
            tenant=tenant, actor=request.user, creditor=data["creditor"],
            files=[(f.name, f) for f in data["files"]], profile_name=data["profile"] or None,
            assignment_code=data["assignment_code"], received_on=data["received_on"], return_on=data["return_on"],
        )  # fmt: skip
        return redirect("backoffice:import_batch", batch_id=batch.pk)
    context = {
        "form": form,
        "batches": batches,
        "profiles": selectors.profiles_of(tenant=tenant, actor=request.user),
        "can_upload": creditors.exists(),
    }
    return render(request, "web/imports/list.html", context)


def _batch_context(request: AuthedRequest, batch_id: int) -> dict:  # type: ignore[type-arg]
    batch = selectors.batch_get(tenant=tenant_of(request), actor=request.user, batch_id=batch_id)
    # a requested commit waits for the worker in status ready: the panel polls until a final state
    busy = batch.status in BUSY or batch.commit_queued
    return {"batch": batch, "progress": selectors.batch_progress(batch), "busy": busy,
            "preview": batch.preview}  # fmt: skip


@backoffice_view
def import_batch(request: AuthedRequest, batch_id: int) -> HttpResponse:
    context = _batch_context(request, batch_id)
    template = "web/imports/batch.html#panel" if request.htmx else "web/imports/batch.html"
    return render(request, template, context)


@backoffice_view
def import_commit(request: AuthedRequest, batch_id: int) -> HttpResponse:
    if request.method == "POST":
        batch = selectors.batch_get(tenant=tenant_of(request), actor=request.user, batch_id=batch_id)
        services.batch_request_commit(tenant=tenant_of(request), actor=request.user, batch=batch)
        messages.success(request, gettext("Importazione avviata."))
    return redirect("backoffice:import_batch", batch_id=batch_id)


@backoffice_view
def import_discard(request: AuthedRequest, batch_id: int) -> HttpResponse:
    if request.method == "POST":
        batch = selectors.batch_get(tenant=tenant_of(request), actor=request.user, batch_id=batch_id)
        services.batch_discard(tenant=tenant_of(request), actor=request.user, batch=batch)
        messages.info(request, gettext("Lotto annullato: nessun dato è stato importato."))
    return redirect("backoffice:import_batch", batch_id=batch_id)


@backoffice_view
def import_report(request: AuthedRequest, batch_id: int, fmt: str) -> HttpResponse:
    batch = selectors.batch_get(tenant=tenant_of(request), actor=request.user, batch_id=batch_id)
    name, data = selectors.batch_report(batch, "xlsx" if fmt == "xlsx" else "csv")
    kind = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@backoffice_view
def import_mapping(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """A table of the file's headers with a target field each, pre-filled by the suggestion; saved as a profile
    and applied by parsing the batch again."""
    batch = selectors.batch_get(tenant=tenant_of(request), actor=request.user, batch_id=batch_id)
    headers = batch.files[0].get("headers", []) if batch.files else []
    current = MappingProfile.from_dict(batch.mapping) if batch.mapping else MappingProfile.suggest(headers)
    if request.method == "POST":
        columns = {h: request.POST.get(f"col-{i}", "") for i, h in enumerate(headers)}
        profile = MappingProfile.from_dict(
            {**current.to_dict(), "columns": {h: f for h, f in columns.items() if f in FIELDS}}
        )
        services.batch_mapping_set(
            tenant=tenant_of(request), actor=request.user, batch=batch, profile=profile,
            save_as=request.POST.get("save_as", "").strip(),
        )  # fmt: skip
        messages.success(request, gettext("Mappatura aggiornata: il file viene riletto."))
        return redirect("backoffice:import_batch", batch_id=batch.pk)
    rows = [{"index": i, "header": h, "target": current.columns.get(h, "")} for i, h in enumerate(headers)]
    needs = requirements(current)
    context = {"batch": batch, "rows": rows, "fields": FIELD_LABELS, "requirements": needs}
    return render(request, "web/imports/mapping.html", context)


urlpatterns = [
    path("", import_list, name="import_list"),
    path("<id:batch_id>/", import_batch, name="import_batch"),
    path("<id:batch_id>/conferma/", import_commit, name="import_commit"),
    path("<id:batch_id>/annulla/", import_discard, name="import_discard"),
    path("<id:batch_id>/errori.<str:fmt>", import_report, name="import_report"),
    path("<id:batch_id>/mappatura/", import_mapping, name="import_mapping"),
]
