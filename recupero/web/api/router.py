"""API endpoints. Thin: parse, call one selector, return a schema. Errors carry their stable code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Schema
from ninja.security import SessionAuth

from recupero.cases.selectors import CaseFilters, case_claims, case_get, case_list
from recupero.core.errors import DomainError, error_payload, http_status
from recupero.core.models import User
from recupero.ledger.domain.accounts import LABELS, Account
from recupero.ledger.selectors import case_balances

api = NinjaAPI(title="Recupero API", version="1", auth=SessionAuth(), urls_namespace="api")


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, error_payload(exc), status=http_status(exc))


class CaseOut(Schema):
    id: int
    code: str
    status: str
    creditor: str
    debtor: str
    tax_code: str
    vat_number: str
    original_amount: Decimal
    balance: Decimal
    first_due_on: dt.date | None


class ClaimOut(Schema):
    invoice_number: str
    issued_on: dt.date
    due_on: dt.date | None
    amount: Decimal


class BalanceOut(Schema):
    account: str
    label: str
    amount: Decimal


class CaseDetailOut(CaseOut):
    claims: list[ClaimOut]
    balances: list[BalanceOut]


class CaseQuery(Schema):
    q: str = ""
    status: str = ""
    creditor_id: int | None = None
    page: int = 1


def _out(case) -> dict:  # type: ignore[no-untyped-def]
    return {
        "id": case.pk,
        "code": case.code,
        "status": case.status,
        "creditor": case.creditor.name,
        "debtor": case.debtor.display_name,
        "tax_code": case.debtor.tax_code,
        "vat_number": case.debtor.vat_number,
        "original_amount": case.original_amount,
        "balance": case.balance,
        "first_due_on": case.first_due_on,
    }


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@api.get("/cases", response=list[CaseOut], summary="Pratiche visibili (ricerca e filtri)")
def cases(request: HttpRequest, query: Query[CaseQuery]) -> list[dict]:  # type: ignore[type-arg]
    user = _user(request)
    filters = CaseFilters(q=query.q, status=query.status, creditor_id=query.creditor_id)
    rows, _ = case_list(tenant=user.tenant, actor=user, filters=filters, page=query.page)  # type: ignore[arg-type]
    return [_out(c) for c in rows]


@api.get("/cases/{case_id}", response=CaseDetailOut, summary="Una pratica con fatture e saldi")
def case_detail(request: HttpRequest, case_id: int) -> dict:  # type: ignore[type-arg]
    user = _user(request)
    case = case_get(tenant=user.tenant, actor=user, case_id=case_id)  # type: ignore[arg-type]
    balances = case_balances(case=case)
    return {
        **_out(case),
        "claims": [
            {
                "invoice_number": c.invoice_number,
                "issued_on": c.issued_on,
                "due_on": c.due_on,
                "amount": c.amount,
            }
            for c in case_claims(case=case)
        ],
        "balances": [{"account": a.value, "label": LABELS[a], "amount": balances[a]} for a in Account],
    }


api.add_router("/imports", "recupero.web.api.imports.router")
