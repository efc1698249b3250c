"""The debtor's page of a case: what is owed today and why, to whom, what was sent, how to pay."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from recupero.channels.selectors import communication_get
from recupero.core.errors import DomainError
from recupero.web.debtor.page_data import debtor_case_page
from recupero.web.debtor.pay import epc_qr_svg
from recupero.web.debtor.session import debtor_required


@debtor_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("debtor:case", case_id=request.debtor.link.case_id)  # type: ignore[attr-defined]


@debtor_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    access = request.debtor  # type: ignore[attr-defined]
    try:
        page = debtor_case_page(tenant=access.link.tenant, actor=access.actor, case_id=case_id)
    except DomainError as exc:  # another debtor's or another creditor's case: it does not exist for them
        raise Http404(exc.message) from exc
    context = {
        "page": page,
        "case": page.case,
        "agency": page.agency,
        "access": access,
        "qr_svg": epc_qr_svg(page.payment),
    }
    return render(request, "web/debtor/case.html", context)


@debtor_required
def document(request: HttpRequest, case_id: int, communication_id: int) -> HttpResponse:
    """The PDF of a letter sent on the debtor's case (scoped like every read: their cases only)."""
    access = request.debtor  # type: ignore[attr-defined]
    tenant = access.link.tenant
    try:
        comm = communication_get(tenant=tenant, actor=access.actor, communication_id=communication_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if comm.case_id != case_id or not comm.document:
        raise Http404
    response: HttpResponse = FileResponse(  # type: ignore[assignment]
        comm.document.open("rb"), content_type="application/pdf", filename=f"{comm.case.code}-{comm.pk}.pdf"
    )
    return response
