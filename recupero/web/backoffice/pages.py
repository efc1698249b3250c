"""Read models of the back-office pages: each gathers what one page shows from the apps' selectors.

Presentation only: every read goes through a tenant- and role-scoped selector; nothing here decides a business
rule. The views call exactly one of these functions (or one selector) and render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext

from recupero.cases.domain.states import LABELS, OPEN_STATUSES, TONES, CaseStatus
from recupero.cases.models import Assignment, Case, Claim, TimelineEvent
from recupero.cases.selectors import (
    assignments_of,
    case_claims,
    case_counts_by_assignment,
    case_get,
    case_list,
    case_status_counts,
    case_timeline,
    open_case_count,
    other_cases_of_debtor,
)
from recupero.core.clock import today
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import (
    CASE_SCOPE,
    MANAGE_RATES,
    SCOPE_ALL,
    SCOPE_ASSIGNED_CREDITORS,
    SCOPE_LEGAL,
    SCOPE_OWN_CREDITOR,
    Role,
    can,
)
from recupero.core.models import Tenant, User
from recupero.law.errors import LawError
from recupero.ledger.domain.accounts import LABELS as ACCOUNT_LABELS
from recupero.ledger.domain.accounts import RECEIVABLES, Account, total_due
from recupero.ledger.position import CasePosition, case_position
from recupero.ledger.selectors import case_balances, rates_missing
from recupero.parties.domain.geo import provinces
from recupero.parties.models import ContactPoint, Creditor, Mandate
from recupero.parties.selectors import (
    contacts_of,
    creditor_get,
    creditor_list,
    creditors_visible,
    mandates_of,
)
from recupero.web.backoffice.filters import AMOUNT_BANDS, PAST_DUE, ParsedFilters, parse_filters
from recupero.web.templatetags.money import format_date

# Counterpart accounts shown under the receivables: what reduced the debt (a payment debits payments_received
# and credits principal, so these carry debit balances, shown as they are).
REDUCTIONS = (Account.PAYMENTS_RECEIVED, Account.WRITE_OFFS, Account.CREDITS)


# ---------------------------------------------------------------- home (cruscotto)


@dataclass(frozen=True)
class StatusFigure:
    status: str
    label: str
    tone: str
    count: int
    open: bool


# What each case scope means, said to the user on the home page.
SCOPE_HINTS = {
    SCOPE_ALL: gettext_lazy("Tutte le pratiche dell'agenzia."),
    SCOPE_ASSIGNED_CREDITORS: gettext_lazy("Le pratiche dei committenti che le sono assegnati."),
    SCOPE_LEGAL: gettext_lazy("Le pratiche affidate al legale."),
    SCOPE_OWN_CREDITOR: gettext_lazy("Le pratiche affidate dalla sua azienda."),
}


# Who is told on the dashboard that a published rate is missing (they can add it, or chase who can).
RATE_WATCHERS = (Role.ADMIN, Role.SUPERVISOR)


@dataclass
class HomePage:
    figures: list[StatusFigure]
    scope_hint: str
    missing_rates: list[str] = field(default_factory=list)
    can_add_rates: bool = False

    @property
    def open_figures(self) -> list[StatusFigure]:
        return [f for f in self.figures if f.open]

    @property
    def closed_figures(self) -> list[StatusFigure]:
        return [f for f in self.figures if not f.open]

    @property
    def open_total(self) -> int:
        return sum(f.count for f in self.open_figures)

    @property
    def closed_total(self) -> int:
        return sum(f.count for f in self.closed_figures)


def home_page(*, tenant: Tenant, actor: User) -> HomePage:
    """Visible cases per status, in one GROUP BY on the scoped queryset (index-only on (tenant, status, id))."""
    counts = case_status_counts(tenant=tenant, actor=actor)
    figures = [
        StatusFigure(s.value, LABELS[s], TONES[s], counts.get(s.value, 0), s in OPEN_STATUSES)
        for s in CaseStatus
    ]
    missing = []
    if actor.role in RATE_WATCHERS:
        missing = [
            gettext("%(rate)s (dal %(start)s): interessi calcolati solo fino al giorno precedente.")
            % {"rate": m.label, "start": format_date(m.start)}
            for m in rates_missing(today=today())
        ]
    return HomePage(
        figures=figures,
        scope_hint=SCOPE_HINTS[CASE_SCOPE[Role(actor.role)]],
        missing_rates=missing,
        can_add_rates=can(actor.role, MANAGE_RATES),
    )


# ---------------------------------------------------------------- case list


@dataclass
class CaseListPage:
    rows: list[Case]
    has_next: bool
    parsed: ParsedFilters
    creditors: list[Creditor]
    assignments: list[Assignment]
    statuses: list[tuple[str, str]]
    bands: list[tuple[str, str]]
    overdue: list[tuple[str, str]]
    provinces: list[tuple[str, str]]
    today: Any

    @property
    def page(self) -> int:
        return self.parsed.page

    @property
    def filtered(self) -> bool:
        return any(v for k, v in self.parsed.values.items())


def case_list_page(*, tenant: Tenant, actor: User, query: QueryDict) -> CaseListPage:
    creditors = list(creditors_visible(tenant=tenant, actor=actor).only("id", "name"))
    creditor_ids = {c.pk for c in creditors}
    chosen = _int_or_none(query.get("creditor"))
    if len(creditors) == 1:  # one creditor in reach (a creditor's user): its assignments are the filter
        chosen = creditors[0].pk
    assignments = (
        list(assignments_of(tenant=tenant, actor=actor, creditor_id=chosen)) if chosen in creditor_ids else []
    )
    day = today()
    parsed = parse_filters(
        query,
        creditor_choices=[(c.pk, c.name) for c in creditors],
        assignment_choices=[(a.pk, a.code) for a in assignments],
        today=day,
    )
    rows, has_next = case_list(tenant=tenant, actor=actor, filters=parsed.filters, page=parsed.page)
    return CaseListPage(
        rows=rows,
        has_next=has_next,
        parsed=parsed,
        creditors=creditors,
        assignments=assignments,
        statuses=[(s.value, LABELS[s]) for s in CaseStatus],
        bands=[(k, v[0]) for k, v in AMOUNT_BANDS.items()],
        overdue=list(PAST_DUE.items()),
        provinces=sorted(provinces().items()),
        today=day,
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# ---------------------------------------------------------------- case page


@dataclass(frozen=True)
class BalanceLine:
    label: str
    amount: Decimal


@dataclass
class CasePage:
    case: Case
    claims: list[Claim]
    contacts: list[ContactPoint]
    receivables: list[BalanceLine]
    reductions: list[BalanceLine]
    total_due: Decimal
    timeline: list[TimelineEvent]
    other_cases: list[Case]
    today: Any
    position: CasePosition | None = None
    position_error: str = ""


def case_page(*, tenant: Tenant, actor: User, case_id: int) -> CasePage:
    case = case_get(tenant=tenant, actor=actor, case_id=case_id)
    balances = case_balances(case=case)
    day = today()
    position, position_error = None, ""
    try:
        position = case_position(case=case, today=day)
    except LawError as exc:  # e.g. a claim due before the first rate of the tables: say so, never guess
        position_error = exc.message
    return CasePage(
        case=case,
        claims=case_claims(case=case),
        # Contacts of a debtor the actor may already see through the case (case_get scoped it).
        contacts=list(contacts_of(tenant=tenant, debtor=case.debtor)),
        receivables=[BalanceLine(ACCOUNT_LABELS[a], balances[a]) for a in RECEIVABLES],
        reductions=[BalanceLine(ACCOUNT_LABELS[a], balances[a]) for a in REDUCTIONS],
        total_due=total_due(balances),
        timeline=case_timeline(case=case),
        other_cases=other_cases_of_debtor(tenant=tenant, actor=actor, case=case),
        today=day,
        position=position,
        position_error=position_error,
    )


# ---------------------------------------------------------------- creditors


@dataclass(frozen=True)
class AssignmentRow:
    assignment: Assignment
    cases: int


@dataclass
class CreditorPage:
    creditor: Creditor
    mandates: list[Mandate]
    assignments: list[AssignmentRow]
    consultants: list[User]
    open_cases: int


def creditor_page(*, tenant: Tenant, actor: User, creditor_id: int) -> CreditorPage:
    creditor = creditor_get(tenant=tenant, actor=actor, creditor_id=creditor_id)
    per_assignment = case_counts_by_assignment(tenant=tenant, actor=actor, creditor_id=creditor.pk)
    open_cases = open_case_count(tenant=tenant, actor=actor, creditor_id=creditor.pk)
    return CreditorPage(
        creditor=creditor,
        mandates=list(mandates_of(tenant=tenant, creditor=creditor)),
        assignments=[
            AssignmentRow(a, per_assignment.get(a.pk, 0))
            for a in assignments_of(tenant=tenant, actor=actor, creditor_id=creditor.pk)
        ],
        consultants=list(creditor.consultants.order_by("last_name", "first_name")),
        open_cases=open_cases,
    )


def creditor_rows(*, tenant: Tenant, actor: User) -> list[Creditor]:
    return list(creditor_list(tenant=tenant, actor=actor))
