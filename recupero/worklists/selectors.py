"""Reads of the work queues, cut to the actor: the cases the role reaches, the kinds it may work or watch, and for
roles that work only their own items (collectors, field agents) the items assigned to them or to nobody."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from recupero.cases.models import Case, Claim, Dispute, TimelineEvent
from recupero.core.audit import audit_shown
from recupero.core.clock import ROME
from recupero.core.domain.roles import ASSIGN_ITEMS, VIEW_CASES, VIEW_QUEUES, can
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, check, creditor_q, own_items_only
from recupero.law.contact_windows import window_for
from recupero.law.errors import LawError
from recupero.ledger.models import LedgerEntry
from recupero.ledger.position import CasePosition, case_position
from recupero.parties.models import ContactPoint, Mandate
from recupero.worklists.domain.items import CONVERSATIONS, QUEUE_CAPABILITIES, ItemKind, ItemStatus
from recupero.worklists.models import AssignmentRule, Team, WorkItem


def items_visible(*, tenant: Tenant, actor: User, kind: ItemKind) -> QuerySet[WorkItem]:
    """The items of one kind this actor may see. Every work-item read for an interface starts here."""
    held = [c for c in QUEUE_CAPABILITIES[kind] if can(actor.role, c)]
    check(actor, held[0] if held else QUEUE_CAPABILITIES[kind][0], tenant)
    qs = WorkItem.objects.filter(tenant=tenant, kind=kind).filter(case_q(actor, "case__"))
    if all(own_items_only(actor, c) for c in held):
        # their own, or nobody's: not assigned to anyone, or to a team of theirs (never another team's)
        teams = list(Team.objects.filter(tenant=tenant, members=actor).values_list("id", flat=True))
        qs = qs.filter(
            Q(assigned_to=actor) | Q(assigned_to__isnull=True) & (Q(team__isnull=True) | Q(team_id__in=teams))
        )
    return qs


def _open(tenant: Tenant, actor: User, kind: ItemKind, today: dt.date) -> QuerySet[WorkItem]:
    return (
        items_visible(tenant=tenant, actor=actor, kind=kind)
        .filter(status=ItemStatus.OPEN, due_on__lte=today)
        .select_related("case", "case__debtor", "case__creditor", "assigned_to")
    )


def _shown(items: list[WorkItem]) -> list[WorkItem]:
    """A queue shows each item's debtor: noted for the request's audit row (core/audit.py)."""
    audit_shown(debtor_ids=[i.case.debtor_id for i in items], case_ids=[i.case_id for i in items])
    return items


def call_queue(
    *, tenant: Tenant, actor: User, today: dt.date, at: dt.time, limit: int = 100
) -> list[WorkItem]:
    """Calls due today or earlier whose contact window contains `at` (the Italian time now), largest balance
    first."""
    qs = _open(tenant, actor, ItemKind.CALL, today).filter(
        Q(window_start__isnull=True) | Q(window_start__lte=at, window_end__gte=at)
    )
    return _shown(list(qs.order_by("-case__balance", "due_on", "id")[:limit]))


def visit_queue(*, tenant: Tenant, actor: User, today: dt.date, limit: int = 100) -> list[WorkItem]:
    qs = _open(tenant, actor, ItemKind.VISIT, today)
    return _shown(list(qs.order_by("case__province", "-case__balance", "id")[:limit]))


def skip_trace_queue(
    *, tenant: Tenant, actor: User, today: dt.date, limit: int = 100, kind: ItemKind = ItemKind.SKIP_TRACE
) -> list[WorkItem]:
    """The office's desk work: skip tracing, or (kind verify_data) the data verifications asked by the planner."""
    if kind not in (ItemKind.SKIP_TRACE, ItemKind.VERIFY_DATA):
        raise DomainError("auth.not_found")
    return _shown(list(_open(tenant, actor, kind, today).order_by("due_on", "id")[:limit]))


def item_get(*, tenant: Tenant, actor: User, item_id: int) -> WorkItem:
    """One item the actor may see, or "not found" (never "forbidden": a foreign id says nothing)."""
    kind = WorkItem.objects.filter(tenant=tenant, pk=item_id).values_list("kind", flat=True).first()
    if kind is None:
        raise DomainError("auth.not_found")
    try:
        qs = items_visible(tenant=tenant, actor=actor, kind=ItemKind(kind))
    except DomainError as exc:
        raise DomainError("auth.not_found") from exc
    found = qs.filter(pk=item_id).select_related("case").first()
    if found is None:
        raise DomainError("auth.not_found")
    return found


def case_items(*, tenant: Tenant, actor: User, case_id: int) -> list[WorkItem]:
    """The items of a case the actor may see through the case (cases.view on it)."""
    check(actor, VIEW_CASES, tenant)
    qs = WorkItem.objects.filter(tenant=tenant, case_id=case_id).filter(case_q(actor, "case__"))
    return list(qs.order_by("-due_on", "-id"))


# ---------------------------------------------------------------- the collector's desk


def my_queue(
    *,
    tenant: Tenant,
    actor: User,
    kind: ItemKind,
    today: dt.date,
    at: dt.time | None = None,
    limit: int = 100,
) -> list[WorkItem]:
    """The actor's own queue: open items of `kind` due by today assigned to them or to one of their teams (and
    to nobody in it); calls only inside their contact window at `at`. Largest debt first (the balance stamped
    on the item when it was made: `priority`).

    Read on the assignee's index (workitem_assignee, workitem_team) with the team ids as literals: an OR with a
    sub-select or the shared-queue condition would make the database walk the agency's whole open queue."""
    held = [c for c in QUEUE_CAPABILITIES[kind] if can(actor.role, c)]
    check(actor, held[0] if held else QUEUE_CAPABILITIES[kind][0], tenant)
    teams = list(Team.objects.filter(tenant=tenant, members=actor).values_list("id", flat=True))
    own = Q(assigned_to=actor)
    if teams:
        own |= Q(team_id__in=teams, assigned_to__isnull=True)
    qs = WorkItem.objects.filter(
        own, tenant=tenant, kind=kind, status=ItemStatus.OPEN, due_on__lte=today
    ).filter(case_q(actor, "case__"))
    if kind is ItemKind.CALL and at is not None:
        qs = qs.filter(Q(window_start__isnull=True) | Q(window_start__lte=at, window_end__gte=at))
    # Two steps: the page's ids in order from the item table alone (the index's order, stopping at `limit`), then
    # those rows with their case, debtor and creditor — never a join of every item of a long queue.
    ids = list(qs.order_by("-priority", "due_on", "id").values_list("id", flat=True)[:limit])
    rows = WorkItem.objects.filter(pk__in=ids).select_related(
        "case", "case__debtor", "case__creditor", "assigned_to"
    )
    order = {pk: n for n, pk in enumerate(ids)}
    return _shown(sorted(rows, key=lambda i: order[i.pk]))


def queue_of(
    *,
    tenant: Tenant,
    actor: User,
    kind: ItemKind,
    today: dt.date,
    user_id: int | None = None,
    team_id: int | None = None,
    limit: int = 100,
) -> list[WorkItem]:
    """One collector's or one team's queue as a supervisor sees it (a collector: only what they may see)."""
    qs = _open(tenant, actor, kind, today)
    if user_id is not None:
        qs = qs.filter(assigned_to_id=user_id)
    elif team_id is not None:
        qs = qs.filter(team_id=team_id, assigned_to__isnull=True)
    else:
        qs = qs.filter(assigned_to__isnull=True, team__isnull=True)
    return _shown(list(qs.order_by("-case__balance", "due_on", "id")[:limit]))


@dataclass(frozen=True)
class QueueCount:
    kind: str
    user_id: int | None
    team_id: int | None
    label: str
    count: int


def desk_overview(*, tenant: Tenant, actor: User, today: dt.date) -> list[QueueCount]:
    """Open items due by today per kind and per collector / team / shared queue: one GROUP BY on the scoped
    items (the supervisor's desk)."""
    check(actor, VIEW_QUEUES, tenant)
    rows: list[QueueCount] = []
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(tenant=tenant)}
    teams = dict(Team.objects.filter(tenant=tenant).values_list("id", "name"))
    for kind in (ItemKind.CALL, ItemKind.VISIT, ItemKind.SKIP_TRACE):
        try:
            qs = items_visible(tenant=tenant, actor=actor, kind=kind)
        except DomainError:
            continue
        grouped = (
            qs.filter(status=ItemStatus.OPEN, due_on__lte=today)
            .order_by()
            .values_list("assigned_to_id", "team_id")
            .annotate(n=Count("id"))
        )
        for user_id, team_id, n in grouped:
            label = (
                names.get(user_id, "") if user_id else (teams.get(team_id, "") if team_id else "Coda comune")
            )
            rows.append(QueueCount(kind.value, user_id, None if user_id else team_id, label, n))
    return sorted(rows, key=lambda r: (r.kind, -r.count, r.label))


def teams_list(*, tenant: Tenant, actor: User) -> list[Team]:
    check(actor, VIEW_QUEUES, tenant)
    return list(Team.objects.filter(tenant=tenant).prefetch_related("members").order_by("name"))


def _rule_reach(actor: User) -> Q:
    """Rules on no creditor, or on one the actor reaches. (`Q(a) | Q()` is just `Q(a)` in Django: an actor who
    reaches every creditor must not lose the rules that name one.)"""
    reach = creditor_q(actor, "creditor_id")
    return reach if not reach else Q(creditor__isnull=True) | reach


def assignment_rules(*, tenant: Tenant, actor: User) -> list[AssignmentRule]:
    """The rules as the supervisor reads them; rules naming a creditor out of the actor's reach are left out."""
    check(actor, VIEW_QUEUES, tenant)
    qs = AssignmentRule.objects.filter(tenant=tenant).filter(_rule_reach(actor))
    return list(qs.select_related("creditor", "user", "team", "consultant").order_by("position", "id"))


def team_get(*, tenant: Tenant, actor: User, team_id: int) -> Team:
    """One team of the agency, for the supervisor who edits it; another agency's is not found."""
    check(actor, ASSIGN_ITEMS, tenant)
    team = Team.objects.filter(tenant=tenant, pk=team_id).prefetch_related("members").first()
    if team is None:
        raise DomainError("auth.not_found")
    return team


def rule_get(*, tenant: Tenant, actor: User, rule_id: int) -> AssignmentRule:
    """One assignment rule, for the supervisor who edits it; a rule naming a creditor out of reach is not found."""
    check(actor, ASSIGN_ITEMS, tenant)
    rule = (
        AssignmentRule.objects.filter(tenant=tenant, pk=rule_id)
        .filter(_rule_reach(actor))
        .select_related("creditor", "user", "team", "consultant")
        .first()
    )
    if rule is None:
        raise DomainError("auth.not_found")
    return rule


def collectors(*, tenant: Tenant, actor: User) -> list[User]:
    """The agency's people who work queues (the assignees the supervisor may choose)."""
    check(actor, ASSIGN_ITEMS, tenant)
    roles = [r for r in ("collector", "field_agent", "consultant", "supervisor")]
    return list(
        User.objects.filter(tenant=tenant, is_active=True, role__in=roles).order_by("last_name", "username")
    )


# ---------------------------------------------------------------- field visits


@dataclass
class VisitStop:
    item: WorkItem
    address: ContactPoint | None
    phones: list[ContactPoint]


@dataclass
class Municipality:
    name: str
    province: str
    stops: list[VisitStop] = field(default_factory=list)


def visit_day(*, tenant: Tenant, actor: User, today: dt.date, limit: int = 200) -> list[Municipality]:
    """The field agent's day: their open visits (and nobody's) due by today, grouped by the municipality of
    the debtor's address, largest balance first within each."""
    items = visit_queue(tenant=tenant, actor=actor, today=today, limit=limit)
    debtors = {i.case.debtor_id for i in items}
    points: dict[int, list[ContactPoint]] = {}
    usable = ("valid", "unverified", "to_verify")
    for p in ContactPoint.objects.filter(tenant=tenant, debtor_id__in=debtors, status__in=usable).order_by(
        "id"
    ):
        points.setdefault(p.debtor_id, []).append(p)
    groups: dict[tuple[str, str], Municipality] = {}
    for item in sorted(items, key=lambda i: -i.case.balance):
        own = points.get(item.case.debtor_id, [])
        address = next((p for p in own if p.kind == "address"), None)
        key = (address.municipality if address else "", address.province if address else "")
        group = groups.setdefault(key, Municipality(key[0] or "Indirizzo sconosciuto", key[1]))
        group.stops.append(VisitStop(item, address, [p for p in own if p.kind in ("phone", "mobile")]))
    return sorted(groups.values(), key=lambda g: (g.name == "Indirizzo sconosciuto", g.province, g.name))


# ---------------------------------------------------------------- the call-prep card


@dataclass(frozen=True)
class PromiseRecord:
    taken_on: dt.date
    amount: Decimal
    due: dt.date
    paid: Decimal
    ended: str  # "mantenuta" | "non mantenuta" | "in corso"


@dataclass
class CallPrep:
    item: WorkItem
    case: Case
    claims: list[Claim]
    position: CasePosition | None
    position_error: str
    other_cases: list[Case]
    other_claims: dict[int, list[Claim]]
    promises: list[PromiseRecord]
    last_contacts: list[TimelineEvent]
    phones: list[ContactPoint]
    window_today: tuple[dt.time, dt.time] | None
    window_name: str
    answered_hours: list[str]
    disputes: list[Dispute]

    @property
    def terms(self) -> list[tuple[Claim, int | None]]:
        """Each invoice with its original payment term in days (due − issue)."""
        return [(c, (c.due_on - c.issued_on).days if c.due_on else None) for c in self.claims]


def _promises(case: Case, today: dt.date) -> list[PromiseRecord]:
    """Promises taken on the case's calls and visits and how each ended, from the payments in the books."""
    done = WorkItem.objects.filter(tenant_id=case.tenant_id, case=case, outcome="promise").order_by("done_at")
    payments = list(
        LedgerEntry.objects.filter(tenant_id=case.tenant_id, case=case, kind="payment").values_list(
            "posted_on", "amount"
        )
    )
    out = []
    for item in done:
        data = item.outcome_data or {}
        if "amount" not in data or "date" not in data or item.done_at is None:
            continue
        taken, due, amount = (
            timezone.localdate(item.done_at),
            dt.date.fromisoformat(data["date"]),
            Decimal(data["amount"]),
        )
        paid = sum((a for on, a in payments if taken <= on <= due), Decimal("0.00"))
        ended = "mantenuta" if paid >= amount else ("in corso" if due >= today else "non mantenuta")
        out.append(PromiseRecord(taken, amount, due, paid, ended))
    return out


def call_prep(*, tenant: Tenant, actor: User, item_id: int, today: dt.date) -> CallPrep:
    """Everything a collector reads before dialling (the seed's call-prep card), for an item the actor may see;
    the debtor's other unpaid invoices only on cases within the actor's scope."""
    item = item_get(tenant=tenant, actor=actor, item_id=item_id)
    case = Case.objects.select_related("debtor", "creditor", "assignment").get(pk=item.case_id)
    item.case = case
    position, error = None, ""
    try:
        position = case_position(case=case, today=today)
    except LawError as exc:
        error = exc.message
    others = list(
        Case.objects.filter(tenant=tenant, debtor_id=case.debtor_id, balance__gt=0)
        .filter(case_q(actor))
        .exclude(pk=case.pk)
        .select_related("creditor")
        .order_by("-balance")[:20]
    )
    other_claims: dict[int, list[Claim]] = {}
    for claim in Claim.objects.filter(tenant=tenant, case__in=others).order_by("issued_on"):
        other_claims.setdefault(claim.case_id, []).append(claim)
    case_ids = [case.pk, *(c.pk for c in others)]
    contacts = (
        TimelineEvent.objects.filter(tenant=tenant, case_id__in=case_ids)
        .filter(Q(kind__startswith="communication.") | Q(kind__startswith="worklist."))
        .order_by("-at", "-id")[:8]
    )
    mandate = (
        Mandate.objects.filter(tenant=tenant, creditor_id=case.creditor_id, starts_on__lte=today)
        .order_by("-starts_on")
        .first()
    )
    window = window_for(mandate.contact_window if mandate else "")
    conversations = WorkItem.objects.filter(
        tenant=tenant, case__debtor_id=case.debtor_id, outcome__in=[o.value for o in CONVERSATIONS]
    ).values_list("done_at", flat=True)
    hours = sorted({f"{timezone.localtime(at, ROME):%H}:00" for at in conversations if at})
    audit_shown(debtor_ids=[case.debtor_id], case_ids=case_ids, opened=True)
    return CallPrep(
        item=item,
        case=case,
        claims=list(Claim.objects.filter(tenant=tenant, case=case).order_by("due_on", "issued_on")),
        position=position,
        position_error=error,
        other_cases=others,
        other_claims=other_claims,
        promises=_promises(case, today),
        last_contacts=list(contacts),
        phones=list(
            ContactPoint.objects.filter(tenant=tenant, debtor_id=case.debtor_id, kind__in=("mobile", "phone"))
            .exclude(status__in=("wrong", "unreachable"))
            .order_by("-kind", "id")
        ),
        window_today=window.on(today),
        window_name=window.name,
        answered_hours=hours,
        disputes=list(Dispute.objects.filter(tenant=tenant, case=case).order_by("-opened_on", "-id")),
    )
