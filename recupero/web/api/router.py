"""API endpoints. Thin: parse, call one selector, return a schema. Errors carry their stable code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import ValidationError
from ninja.security import HttpBearer, SessionAuth

from recupero.cases.selectors import MAX_PAGE, CaseFilters, case_claims, case_get, case_list
from recupero.core.clock import today
from recupero.core.errors import DomainError, error_payload, http_status
from recupero.core.health import health_check, is_healthy
from recupero.core.models import User
from recupero.law.errors import LawError
from recupero.ledger.domain.accounts import LABELS, Account
from recupero.ledger.position import CasePosition, case_position
from recupero.ledger.selectors import case_balances
from recupero.reporting.selectors import token_user
from recupero.web.api.validation import BIGINT_MAX, ObjectId, is_unknown_id, validation_problem


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rcp_…`: a creditor user's API token (reporting.services.token_create), scoped
    like the user it stands for; beside the session for the pages' own calls."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(key=token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(title="Recupero API", version="1", auth=[SessionAuth(), TokenAuth()], urls_namespace="api")


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, error_payload(exc), status=http_status(exc))


@api.exception_handler(ValidationError)
def _invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Ninja's English pydantic report becomes our 422 payload: a stable code, an Italian message per field."""
    if is_unknown_id(exc.errors):
        return api.create_response(request, error_payload(DomainError("auth.not_found")), status=404)
    fields = [validation_problem(error) for error in exc.errors]
    error = DomainError("request.invalid", detail="; ".join(f"{f['field']} {f['message']}" for f in fields))
    return api.create_response(request, {**error_payload(error), "fields": fields}, status=422)


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


class PositionOut(Schema):
    """Dovuto a oggi, as on the case page. `computed_until` < `requested_until` when a published rate is
    missing: interest stops there (`rate_warning` says so), payments after it are still deducted."""

    requested_until: dt.date
    computed_until: dt.date
    principal: Decimal
    interest: Decimal
    flat_compensation: Decimal
    costs: Decimal
    payments: Decimal
    total_due: Decimal
    rate_warning: str


class CaseDetailOut(CaseOut):
    claims: list[ClaimOut]
    balances: list[BalanceOut]
    position: PositionOut | None
    position_error: str


class CaseQuery(Schema):
    q: str = ""
    status: str = ""
    creditor_id: int | None = Field(None, ge=1, le=BIGINT_MAX)
    page: int = Field(1, ge=1, le=MAX_PAGE)


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
def case_detail(request: HttpRequest, case_id: ObjectId) -> dict:  # type: ignore[type-arg]
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
        **_position(case),
    }


def _position(case) -> dict:  # type: ignore[no-untyped-def]
    try:
        p: CasePosition = case_position(case=case, today=today())
    except LawError as exc:  # e.g. a claim due before the first rate of the tables: said, never guessed
        return {"position": None, "position_error": exc.message}
    return {
        "position": {
            "requested_until": p.requested_until,
            "computed_until": p.until,
            "principal": p.principal,
            "interest": p.interest,
            "flat_compensation": p.flat_compensation,
            "costs": p.costs,
            "payments": p.payments,
            "total_due": p.total_due,
            "rate_warning": p.rate_warning,
        },
        "position_error": "",
    }


class HealthOut(Schema):
    database: str
    queue: str


@api.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, summary="Stato di database e coda")
def health(request: HttpRequest, response: HttpResponse) -> Status[dict[str, str]]:
    """No login: load balancers call it. 503 names what is down ("down"), nothing else; never cached."""
    add_never_cache_headers(response)
    report = health_check()
    return Status(200 if is_healthy(report) else 503, report)


class MeOut(Schema):
    username: str
    role: str
    tenant: str


@api.get("/me", response=MeOut, summary="L'utente della sessione")
def me(request: HttpRequest) -> dict[str, str]:
    """Who the session belongs to (clients show it; the load benchmark's "empty authenticated page")."""
    user = _user(request)
    return {"username": user.username, "role": user.role, "tenant": user.tenant.code if user.tenant else ""}


api.add_router("/imports", "recupero.web.api.imports.router")
api.add_router("", "recupero.web.api.arrangements.router")
api.add_router("", "recupero.web.api.disputes.router")
api.add_router("/integration", "recupero.web.api.integration.router")
