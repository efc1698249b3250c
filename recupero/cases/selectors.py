"""Reads of cases for the interfaces: always scoped by tenant and by what the actor's role may see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Collate

from recupero.cases.domain.codes import is_case_code
from recupero.cases.domain.search import digit_groups, name_orders
from recupero.cases.domain.states import OPEN_STATUSES
from recupero.cases.models import (
    Assignment,
    Case,
    CaseMessage,
    Claim,
    ClaimDocument,
    Dispute,
    DisputeDocument,
    TimelineEvent,
)
from recupero.core.audit import audit_shown
from recupero.core.domain.roles import CASE_MESSAGES, VIEW_CASES, Role
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, check, require_case, require_creditor
from recupero.parties.models import Debtor

_TAX_CODE = re.compile(r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$")
PAGE_SIZE = 50
MAX_PAGE = 100_000  # deeper offsets are not a way to browse (use the filters); interfaces refuse beyond


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    creditor_id: int | None = None
    assignment_id: int | None = None
    status: str = ""
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    province: str = ""
    days_past_due_min: int | None = None
    today: dt.date | None = None


def cases_visible(*, tenant: Tenant, actor: User) -> QuerySet[Case]:
    """The cases this actor may see. Every case read for an interface starts here."""
    check(actor, VIEW_CASES, tenant)
    return Case.objects.filter(tenant=tenant).filter(case_q(actor))


NAME_END = "\U0010ffff"  # sorts after every character, bytewise (UTF-8) and in "C" collation


def _debtor_ids(tenant: Tenant, **lookup: str) -> QuerySet[Debtor, Any]:
    # A separate, tenant-led lookup on the debtors' own index, then cases by debtor_id: never a join that lets
    # the planner scan every debtor (seen on PostgreSQL at a million rows).
    return Debtor.objects.filter(tenant=tenant, **lookup).values("id")


def search_q(q: str, *, tenant: Tenant) -> tuple[Q, bool]:
    """(condition, ordered_by_name). Case code, CF, P.IVA and invoice number are exact; a piece of an invoice
    number (the number before the slash, the tail) is exact on its own index; a name is a prefix, in the
    order typed or with its words rotated ("Edoardo Barone" finds "Barone Edoardo")."""
    text = " ".join(q.split())
    upper = text.upper()
    if is_case_code(upper):
        return Q(code=upper), False
    if _TAX_CODE.match(upper):
        return Q(debtor_id__in=_debtor_ids(tenant, tax_code=upper)), False
    if upper.isdigit() and len(upper) == 11:
        ids = _debtor_ids(tenant, vat_number=upper).union(_debtor_ids(tenant, tax_code=upper))
        return Q(debtor_id__in=list(ids.values_list("id", flat=True))), False
    # An invoice number first (exact, indexed); only if none matches, a name prefix. An OR of the two would
    # defeat both indexes.
    invoice_cases = _invoice_cases(tenant, text)
    if invoice_cases:
        return Q(id__in=invoice_cases), False
    return _name_q(tenant, text.lower()), True


INVOICE_CASES_MAX = 200


def _invoice_cases(tenant: Tenant, text: str) -> list[int]:
    """Cases of the claims whose number is `text`, else whose number's pieces are the digits typed: one group
    matches the head or the tail ("47985" or "2025" for "47985/2025"), several match head and tail."""
    claims = Claim.objects.filter(tenant=tenant)
    exact = list(claims.filter(invoice_number=text).values_list("case_id", flat=True)[:INVOICE_CASES_MAX])
    groups = digit_groups(text)
    # Only what reads as a number ("FT 2024/7", "47985"): "Rossi 2024" is a name typed with a year, not a piece.
    digits = sum(ch.isdigit() for ch in text)
    if exact or not groups or digits < sum(ch.isalpha() for ch in text):
        return exact
    if len(groups) > 1:
        both = claims.filter(number_head=groups[0], number_tail=groups[-1])
        return list(both.values_list("case_id", flat=True)[:INVOICE_CASES_MAX])
    # Two look-ups, each on its own index with its own LIMIT: an OR would make both databases collect every
    # match of a common piece (a year) before cutting.
    found = list(claims.filter(number_head=groups[0]).values_list("case_id", flat=True)[:INVOICE_CASES_MAX])
    tail = claims.filter(number_tail=groups[0]).values_list("case_id", flat=True)
    return list(dict.fromkeys(found + list(tail[: INVOICE_CASES_MAX - len(found)])))


def _name_range(prefix: str) -> Q:
    # The debtor's own tenant column lets the (tenant_id, search_name) index lead the plan.
    return Q(_name__gte=prefix, _name__lt=prefix + NAME_END)


def _name_q(tenant: Tenant, text: str) -> Q:
    """A name prefix in every order it may have been typed in. Each order is first probed on the debtors'
    (tenant, search_name) index (one seek each); only the orders that match are searched, so the usual case
    stays ONE range of the index, read in order — an OR of ranges would make the database sort all matches."""
    orders = name_orders(text)
    if len(orders) > 1:
        names = _by_name(Debtor.objects.filter(tenant=tenant), "search_name")
        orders = [o for o in orders if names.filter(_name_range(o)).exists()] or orders[:1]
    condition = Q()
    for prefix in orders:
        condition |= _name_range(prefix)
    return Q(debtor__tenant=tenant) & condition


def _by_name(qs: QuerySet[Any], field: str = "debtor__search_name") -> QuerySet[Any]:
    """The debtor's name as the search and sort key. On PostgreSQL in "C" collation, so that a prefix is one
    contiguous range of the (tenant_id, search_name COLLATE "C") index and the order comes from it too; SQLite's
    default BINARY collation already compares bytes."""
    if connection.vendor == "postgresql":
        return qs.annotate(_name=Collate(field, "C"))
    return qs.annotate(_name=F(field))


def case_list(*, tenant: Tenant, actor: User, filters: CaseFilters, page: int = 1) -> tuple[list[Case], bool]:
    """One page of cases and whether there is a next one. No COUNT(*): at a million rows it costs more than
    the page itself; the list shows next/previous instead of a total."""
    qs = cases_visible(tenant=tenant, actor=actor)
    by_name = False
    if filters.q.strip():
        condition, by_name = search_q(filters.q, tenant=tenant)
        qs = (_by_name(qs) if by_name else qs).filter(condition)
    qs = _apply_filters(qs, filters)
    # (name, debtor, case): the name index and the debtor_id index deliver this order, so no sort is needed.
    qs = qs.select_related("debtor", "creditor").order_by(
        *(("_name", "debtor_id", "id") if by_name else ("-id",))
    )
    offset = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(qs[offset : offset + PAGE_SIZE + 1])
    audit_shown(debtor_ids=[c.debtor_id for c in rows[:PAGE_SIZE]], case_ids=[c.pk for c in rows[:PAGE_SIZE]])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def cases_filtered(*, tenant: Tenant, actor: User, filters: CaseFilters) -> QuerySet[Case]:
    """Every case the case list's filters select, within the actor's scope (no page: a set for a bulk act,
    e.g. the supervisor's assignment of their work items)."""
    qs = cases_visible(tenant=tenant, actor=actor)
    if filters.q.strip():
        condition, by_name = search_q(filters.q, tenant=tenant)
        qs = (_by_name(qs) if by_name else qs).filter(condition)
    return _apply_filters(qs, filters)


def _apply_filters(qs: QuerySet[Case], f: CaseFilters) -> QuerySet[Case]:
    if f.creditor_id:
        qs = qs.filter(creditor_id=f.creditor_id)
    if f.assignment_id:
        qs = qs.filter(assignment_id=f.assignment_id)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.amount_min is not None:
        qs = qs.filter(balance__gte=f.amount_min)
    if f.amount_max is not None:
        qs = qs.filter(balance__lt=f.amount_max)
    if f.province:
        qs = qs.filter(province=f.province.upper())
    if f.days_past_due_min is not None and f.today is not None:
        qs = qs.filter(first_due_on__lte=f.today - dt.timedelta(days=f.days_past_due_min))
    return qs


def case_get(*, tenant: Tenant, actor: User, case_id: int) -> Case:
    case = (
        cases_visible(tenant=tenant, actor=actor)
        .select_related("debtor", "creditor", "assignment", "consultant")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise DomainError("auth.not_found")
    audit_shown(debtor_ids=[case.debtor_id], case_ids=[case.pk], opened=True)
    return case


# A case's claims in the order the law engine receives them (the first carries the case's costs); the id breaks
# ties, so one case read alone and many read together (ledger.facts) come in the same order.
CLAIM_ORDER = ("due_on", "issued_on", "pk")


def case_claims(*, case: Case) -> list[Claim]:
    return list(Claim.objects.filter(tenant_id=case.tenant_id, case=case).order_by(*CLAIM_ORDER))


def case_timeline(*, case: Case, limit: int = 200) -> list[TimelineEvent]:
    return list(
        TimelineEvent.objects.filter(tenant_id=case.tenant_id, case=case).select_related("actor")[:limit]
    )


def assignments_of(*, tenant: Tenant, actor: User, creditor_id: int) -> QuerySet[Assignment]:
    require_creditor(actor, VIEW_CASES, creditor_id, tenant.pk)
    return Assignment.objects.filter(tenant=tenant, creditor_id=creditor_id).order_by("-received_on")


def other_cases_of_debtor(*, tenant: Tenant, actor: User, case: Case) -> list[Case]:
    """The debtor's other cases this actor may see (one debtor may owe several creditors)."""
    qs = cases_visible(tenant=tenant, actor=actor).filter(debtor_id=case.debtor_id).exclude(pk=case.pk)
    others = list(qs.select_related("creditor").order_by("-id")[:20])
    audit_shown(debtor_ids=[case.debtor_id], case_ids=[c.pk for c in others])
    return others


def case_status_counts(*, tenant: Tenant, actor: User) -> dict[str, int]:
    """Visible cases per status, one GROUP BY (index-only on (tenant, status, id))."""
    rows = cases_visible(tenant=tenant, actor=actor).order_by().values_list("status").annotate(n=Count("id"))
    return dict(rows)


def case_counts_by_assignment(*, tenant: Tenant, actor: User, creditor_id: int) -> dict[int, int]:
    qs = cases_visible(tenant=tenant, actor=actor).filter(creditor_id=creditor_id).order_by()
    return dict(qs.values_list("assignment_id").annotate(n=Count("id")))


def open_case_count(*, tenant: Tenant, actor: User, creditor_id: int) -> int:
    qs = cases_visible(tenant=tenant, actor=actor).filter(creditor_id=creditor_id)
    return qs.filter(status__in=[s.value for s in OPEN_STATUSES]).count()


def prescription_events(*, case: Case) -> list[tuple[str, str]]:
    """(kind, ISO date or date-time) of the acts recorded on the case that may interrupt prescription."""
    rows = TimelineEvent.objects.filter(tenant_id=case.tenant_id, case=case, kind="prescription.event")
    return [(e.data["event"], e.data["when"]) for e in rows.order_by("at", "id")]


def case_disputes(*, case: Case) -> list[Dispute]:
    """The disputes of a case reached through a scoped look-up (`case_get`), newest first, with documents."""
    qs = Dispute.objects.filter(tenant_id=case.tenant_id, case=case).prefetch_related("documents")
    return list(qs.order_by("-opened_on", "-id"))


def dispute_document_get(*, tenant: Tenant, actor: User, document_id: int) -> DisputeDocument:
    """One dispute document on a case the actor may see, or "not found" (served by a scoped view only)."""
    check(actor, VIEW_CASES, tenant)
    found = (
        DisputeDocument.objects.filter(tenant=tenant, pk=document_id)
        .filter(case_q(actor, "dispute__case__"))
        .select_related("dispute__case")
        .first()
    )
    if found is None:
        raise DomainError("auth.not_found")
    audit_shown(debtor_ids=[found.dispute.case.debtor_id], case_ids=[found.dispute.case_id], opened=True)
    return found


def claim_documents(*, case: Case) -> list[ClaimDocument]:
    """The original documents of a case's claims (a case already reached through a scoped look-up), oldest
    claim first: what the verification pack prints."""
    return list(
        ClaimDocument.objects.filter(tenant_id=case.tenant_id, claim__case=case)
        .select_related("claim")
        .order_by("claim__issued_on", "claim_id", "body_index", "id")
    )


def case_messages(*, tenant: Tenant, actor: User, case: Case) -> list[CaseMessage]:
    """The case's thread, oldest first, for a party to it (the creditor's users, the agency's staff)."""
    check(actor, CASE_MESSAGES, tenant)
    require_case(actor, CASE_MESSAGES, case)
    return list(
        CaseMessage.objects.filter(tenant=tenant, case=case).select_related("author").order_by("at", "id")
    )


@dataclass(frozen=True)
class ThreadWaiting:
    case_id: int
    case_code: str
    at: dt.datetime
    body: str


THREADS_READ = 500  # the newest messages looked at for the notice: older threads are answered or stale


def threads_waiting(*, tenant: Tenant, actor: User, limit: int = 20) -> list[ThreadWaiting]:
    """The threads whose last message came from the other side (for the agency, the creditor's questions; for a
    creditor user, the agency's answers): the notice on the home page and the desk."""
    check(actor, CASE_MESSAGES, tenant)
    mine = "creditor" if actor.role == Role.CREDITOR_USER.value else "agency"
    rows = (
        CaseMessage.objects.filter(tenant=tenant)
        .filter(case_q(actor, "case__"))
        .order_by("-at", "-id")
        .values_list("case_id", "case__code", "side", "at", "body")[:THREADS_READ]
    )
    seen: set[int] = set()
    out: list[ThreadWaiting] = []
    for case_id, code, side, at, body in rows:
        if case_id in seen:
            continue
        seen.add(case_id)
        if side != mine:
            out.append(ThreadWaiting(case_id, code, at, body[:140]))
    return out[:limit]
