"""The register of operations of a licensed agency (art. 115 TULPS; *registro giornale degli affari*).

Read from the records the platform already keeps, never typed in: the case timeline (an assignment received —
one line per case, with the amount entrusted —, a letter, registered letter or PEC sent, a case closed) and the
ledger (a payment collected: the amount is in the books, the timeline carries only its summary). Every line
names the client (committente) and the debtor. Lines are numbered progressively from the tenant's first
operation, so a period printed twice carries the same numbers.

It lives in `ledger` because that is the lowest app that sees both the cases and the books.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from recupero.cases.domain.states import LABELS, CaseStatus
from recupero.cases.models import Case, TimelineEvent
from recupero.core.domain.roles import VIEW_AUDIT
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import check
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.models import LedgerEntry

REGISTER_LIMIT = 5000  # lines on one print; a longer period is refused with a clear message
WRITTEN = {"letter": "Lettera", "registered": "Raccomandata A/R", "pec": "PEC"}
CLOSING = (CaseStatus.PAID, CaseStatus.CLOSED, CaseStatus.RETURNED)


@dataclass(frozen=True)
class RegisterLine:
    n: int
    on: dt.date
    creditor: str
    debtor: str
    tax_code: str
    case_code: str
    operation: str
    amount: Decimal | None


def _events(tenant: Tenant) -> QuerySet[TimelineEvent]:
    return TimelineEvent.objects.filter(tenant=tenant).filter(
        Q(kind="case.opened")
        | Q(kind="communication.sent", data__kind__in=list(WRITTEN))
        | Q(kind="case.status", data__to__in=[s.value for s in CLOSING])
    )


def _payments(tenant: Tenant) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(
        tenant=tenant, kind=EntryKind.PAYMENT, debit_account=Account.PAYMENTS_RECEIVED
    )


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    return first, timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))


def register_lines(*, tenant: Tenant, actor: User, start: dt.date, end: dt.date) -> list[RegisterLine]:
    """The register from `start` to `end` (inclusive), numbered after every operation before `start`."""
    check(actor, VIEW_AUDIT, tenant)
    if end < start:
        raise DomainError("audit.bad_period")
    low, high = _bounds(start, end)
    before = _events(tenant).filter(at__lt=low).count() + _payment_groups(
        _payments(tenant).filter(posted_on__lt=start)
    )
    events = list(
        _events(tenant)
        .filter(at__gte=low, at__lt=high)
        .values("at", "kind", "data", "case_id")[: REGISTER_LIMIT + 1]
    )
    payments = list(
        _payments(tenant)
        .filter(posted_on__gte=start, posted_on__lte=end)
        .values("group", "posted_on", "case_id")
        .annotate(total=Sum("amount"))
        .order_by("posted_on", "case_id")[: REGISTER_LIMIT + 1]
    )
    if len(events) + len(payments) > REGISTER_LIMIT:
        raise DomainError("audit.register_too_long", limit=REGISTER_LIMIT)
    cases = _cases(tenant, {e["case_id"] for e in events} | {p["case_id"] for p in payments})
    raw = [_event_line(e, cases[e["case_id"]]) for e in events]
    raw += [(p["posted_on"], 2, cases[p["case_id"]], "Incasso", p["total"]) for p in payments]
    raw.sort(key=lambda r: (r[0], r[1], r[2].code))
    return [
        RegisterLine(
            n=before + i,
            on=on,
            creditor=case.creditor.name,
            debtor=case.debtor.display_name,
            tax_code=case.debtor.tax_code or case.debtor.vat_number,
            case_code=case.code,
            operation=operation,
            amount=amount,
        )
        for i, (on, _order, case, operation, amount) in enumerate(raw, 1)
    ]


def _payment_groups(qs: QuerySet[LedgerEntry]) -> int:
    return int(qs.aggregate(n=Count("group", distinct=True))["n"] or 0)


def _cases(tenant: Tenant, ids: set[int]) -> dict[int, Case]:
    qs = Case.objects.filter(tenant=tenant, pk__in=ids).select_related("creditor", "debtor", "assignment")
    return {c.pk: c for c in qs}


def _event_line(event: Mapping[str, Any], case: Case) -> tuple[dt.date, int, Case, str, Decimal | None]:
    on = timezone.localtime(event["at"]).date()
    data = event["data"] or {}
    if event["kind"] == "case.opened":
        assignment = data.get("assignment") or case.assignment.code
        return on, 0, case, f"Affido ricevuto ({assignment})", case.original_amount
    if event["kind"] == "communication.sent":
        return on, 1, case, f"{WRITTEN[data['kind']]} inviata", None
    return on, 3, case, f"Pratica chiusa: {LABELS[CaseStatus(data['to'])]}", None
