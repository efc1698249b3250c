"""Back-office pages of payments (Pagamenti): statement upload with progress, the review queue, a payment
recorded or reversed from the case page. Thin: parse the form, call one service or selector, render."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from recupero.cases.models import Claim
from recupero.cases.selectors import case_claims, case_get
from recupero.core.clock import today
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.errors import DomainError
from recupero.imports.bank import statement_file_import
from recupero.payments import selectors, services
from recupero.payments.domain.methods import METHOD_LABELS
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.web.templatetags.money import format_euro

MAX_UPLOAD = 256 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Estratto conto (camt.053, camt.054, CBI XML o ZIP)"))


class AccountForm(forms.Form):
    iban = forms.CharField(label=gettext_lazy("IBAN del conto di incasso"), max_length=42)
    name = forms.CharField(label=gettext_lazy("Descrizione"), max_length=120, required=False)


class PaymentForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Importo (€)"), max_length=20)
    value_date = forms.DateField(
        label=gettext_lazy("Data di valuta"), widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Metodo"), choices=[(k.value, v) for k, v in METHOD_LABELS.items()]
    )
    reference = forms.CharField(
        label=gettext_lazy("Riferimento (ricevuta, assegno, CRO)"), max_length=140, required=False
    )
    direct = forms.BooleanField(label=gettext_lazy("Pagato direttamente al committente"), required=False)
    # art. 1193 c.c.: the invoice the debtor said the payment is for (paid first, the rest oldest first)
    claim = forms.TypedChoiceField(
        label=gettext_lazy("Fattura indicata dal debitore"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: object, claims: list[Claim] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices: list[tuple[object, object]] = [("", gettext("Nessuna: la più vecchia prima"))]
        choices += [(c.pk, f"{c.invoice_number} — {c.amount} €") for c in claims or []]
        self.fields["claim"].choices = choices  # type: ignore[attr-defined]


def _refused(request: AuthedRequest, exc: DomainError) -> None:
    """A refusal of the user's input is shown on the page it came from; not found / forbidden stay errors."""
    if not exc.code.startswith(("payments.", "case.", "ledger.", "import.")):
        raise exc
    messages.error(request, exc.message)


@backoffice_view
def statement_list(request: AuthedRequest) -> HttpResponse:
    tenant, actor = tenant_of(request), request.user
    statements = selectors.statements_list(tenant=tenant, actor=actor)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD:
                raise DomainError("request.too_large", limit_mb=MAX_UPLOAD // (1024 * 1024))
            report = statement_file_import(
                tenant=tenant, actor=actor, data=upload.read(), name=upload.name, defer=True
            )
        except DomainError as exc:
            _refused(request, exc)
            return redirect("backoffice:payment_statements")
        ids = [s["id"] for s in report.statements if s.get("id")]
        if report.unregistered:
            messages.warning(
                request,
                gettext("Conto non registrato (%(accounts)s): letto, nulla registrato.")
                % {"accounts": ", ".join(report.unregistered)},
            )
        if len(ids) == 1:
            return redirect("backoffice:payment_statement", statement_id=ids[0])
        messages.success(request, gettext("%(count)s estratti conto caricati.") % {"count": len(ids)})
        return redirect("backoffice:payment_statements")
    context = {
        "form": form, "statements": statements, "account_form": AccountForm(),
        "accounts": selectors.collection_accounts(tenant=tenant, actor=actor),
        "review_count": len(selectors.review_queue(tenant=tenant, actor=actor, limit=1000)),
    }  # fmt: skip
    return render(request, "web/payments/statements.html", context)


@backoffice_view
@require_POST
def account_add(request: AuthedRequest) -> HttpResponse:
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            services.collection_account_register(
                tenant=tenant_of(request), actor=request.user, iban=form.cleaned_data["iban"],
                name=form.cleaned_data["name"],
            )  # fmt: skip
            messages.success(request, gettext("Conto di incasso registrato."))
        except DomainError as exc:
            _refused(request, exc)
    return redirect("backoffice:payment_statements")


@backoffice_view
def statement_detail(request: AuthedRequest, statement_id: int) -> HttpResponse:
    tenant, actor = tenant_of(request), request.user
    statement = selectors.statement_get(tenant=tenant, actor=actor, statement_id=statement_id)
    entries = selectors.statement_entries(tenant=tenant, actor=actor, statement_id=statement.pk)
    counts = selectors.statement_counts(statement=statement)
    done = sum(int(v) for k, v in counts.items() if k not in ("new", "posted_total"))  # type: ignore[call-overload]
    total = done + int(counts.get("new", 0))  # type: ignore[call-overload]
    context = {
        "statement": statement, "entries": entries, "counts": counts, "busy": bool(counts.get("new")),
        "done": done, "total": total, "percent": int(100 * done / total) if total else 100,
    }  # fmt: skip
    template = "web/payments/statement.html#panel" if request.htmx else "web/payments/statement.html"
    return render(request, template, context)


@backoffice_view
def review_queue(request: AuthedRequest) -> HttpResponse:
    entries = selectors.review_queue(tenant=tenant_of(request), actor=request.user)
    return render(request, "web/payments/review.html", {"entries": entries})


def _entry(request: AuthedRequest, entry_id: int):  # type: ignore[no-untyped-def]
    return selectors.entry_get(tenant=tenant_of(request), actor=request.user, entry_id=entry_id)


def _case(request: AuthedRequest, value: str):  # type: ignore[no-untyped-def]
    """A suggestion's case id, or a case code typed by hand."""
    if value.strip().isdigit():
        return case_get(tenant=tenant_of(request), actor=request.user, case_id=int(value))
    return selectors.case_by_code(tenant=tenant_of(request), actor=request.user, code=value or "")


@backoffice_view
@require_POST
def review_confirm(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    case = _case(request, request.POST.get("case", ""))
    try:
        services.entry_confirm(tenant=tenant_of(request), actor=request.user, entry=entry, case=case)
        messages.success(
            request,
            gettext("Movimento di %(amount)s registrato sulla pratica %(case)s.")
            % {"amount": format_euro(entry.amount), "case": case.code},
        )
    except DomainError as exc:
        _refused(request, exc)
    return redirect("backoffice:payment_review")


@backoffice_view
@require_POST
def review_split(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    parts = []
    for case_id, amount in zip(request.POST.getlist("case"), request.POST.getlist("amount"), strict=False):
        if amount.strip():
            parts.append((_case(request, case_id), _decimal(amount)))
    try:
        services.entry_split(tenant=tenant_of(request), actor=request.user, entry=entry, parts=parts)
        messages.success(
            request,
            gettext("Movimento di %(amount)s ripartito su %(count)s pratiche.")
            % {"amount": format_euro(entry.amount), "count": len(parts)},
        )
    except DomainError as exc:
        _refused(request, exc)
    return redirect("backoffice:payment_review")


@backoffice_view
@require_POST
def review_not_ours(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    try:
        services.entry_not_ours(tenant=tenant_of(request), actor=request.user, entry=entry,
                                note=request.POST.get("note", ""))  # fmt: skip
        messages.info(request, gettext("Movimento segnato come non di nostra competenza."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("backoffice:payment_review")


def _decimal(text: str) -> Decimal:
    cleaned = text.strip().replace(".", "").replace(",", ".") if "," in text else text.strip()
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise DomainError("payments.bad_amount", value=text) from None


@backoffice_view
@require_POST
def case_payment_record(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = case_get(tenant=tenant_of(request), actor=request.user, case_id=case_id)
    claims = case_claims(case=case)
    form = PaymentForm(request.POST, claims=claims)
    if not form.is_valid():
        messages.error(
            request,
            gettext("Pagamento non registrato: ")
            + "; ".join(str(e) for errs in form.errors.values() for e in errs),
        )
        return redirect("backoffice:case_detail", case_id=case.pk)
    data = form.cleaned_data
    try:
        payment = services.payment_record(
            tenant=tenant_of(request), actor=request.user, case=case, amount=_decimal(data["amount"]),
            value_date=data["value_date"], method=data["method"], direct=data["direct"], reference=data["reference"],
            designated_claim=next((c for c in claims if c.pk == data["claim"]), None),
        )  # fmt: skip
        messages.success(
            request, gettext("Pagamento di %(amount)s registrato.") % {"amount": format_euro(payment.amount)}
        )
    except DomainError as exc:
        _refused(request, exc)
    return redirect("backoffice:case_detail", case_id=case.pk)


@backoffice_view
@require_POST
def payment_reverse(request: AuthedRequest, payment_id: int) -> HttpResponse:
    payment = selectors.payment_get(tenant=tenant_of(request), actor=request.user, payment_id=payment_id)
    try:
        services.payment_reverse(tenant=tenant_of(request), actor=request.user, payment=payment,
                                 reason=request.POST.get("reason", "")[:200] or "storno")  # fmt: skip
        messages.success(request, gettext("Pagamento stornato."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("backoffice:case_detail", case_id=payment.case_id)


def case_context(request: AuthedRequest, case_id: int) -> dict[str, object]:
    """The payments card of the case page (included by `views.case_detail`)."""
    from recupero.core.domain.roles import POST_PAYMENTS, can

    return {
        "payments": selectors.payments_of_case(
            tenant=tenant_of(request), actor=request.user, case_id=case_id
        ),
        "can_post_payments": can(request.user.role, POST_PAYMENTS),
        "payment_form": PaymentForm(
            initial={"value_date": today(), "method": "bank_transfer"},
            claims=case_claims(case=case_get(tenant=tenant_of(request), actor=request.user, case_id=case_id)),
        ),
    }


urlpatterns = [
    path("estratti/", statement_list, name="payment_statements"),
    path("estratti/<id:statement_id>/", statement_detail, name="payment_statement"),
    path("conti/", account_add, name="payment_account_add"),
    path("verifica/", review_queue, name="payment_review"),
    path("verifica/<id:entry_id>/conferma/", review_confirm, name="payment_review_confirm"),
    path("verifica/<id:entry_id>/ripartisci/", review_split, name="payment_review_split"),
    path("verifica/<id:entry_id>/non-nostro/", review_not_ours, name="payment_review_not_ours"),
    path("pratica/<id:case_id>/registra/", case_payment_record, name="case_payment_record"),
    path("<id:payment_id>/storno/", payment_reverse, name="payment_reverse"),
]
