"""Every write on work items: created in bulk by the daily run, closed one by one by people with an outcome.

Outcomes change other apps only through their services: a promise or a dispute moves the case
(`cases.services.case_move`), a wrong number marks the contact point (`parties.services.contact_mark`).
A promise becomes an arrangement (`arrangements.services.arrangement_propose`, kind promise); its amount and
date are also kept on the item's `outcome_data` and on the case timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from recupero.arrangements.domain.states import Kind
from recupero.arrangements.selectors import Terms
from recupero.arrangements.services import arrangement_propose
from recupero.cases.domain.states import CaseStatus, can_transition
from recupero.cases.models import Case
from recupero.cases.services import case_move, timeline_append
from recupero.core.bulk import Bulk
from recupero.core.clock import ROME, now, today
from recupero.core.domain.roles import ASSIGN_ITEMS, RUN_STRATEGIES
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, require_item, service
from recupero.core.services import audit_record
from recupero.core.states import status_move
from recupero.law.contact_windows import window_for
from recupero.law.errors import LawError
from recupero.law.money import format_eur
from recupero.ledger.position import case_position
from recupero.parties.domain.contacts import ContactStatus
from recupero.parties.models import ContactPoint, Mandate
from recupero.parties.services import contact_mark, debtor_data_verify
from recupero.worklists.domain.form import (
    FormError,
    check_call_back,
    check_promise,
    parse_amount,
    parse_date,
    parse_time,
)
from recupero.worklists.domain.items import (
    ACT_CAPABILITY,
    CASE_TARGETS,
    OUTCOME_LABELS,
    OUTCOMES,
    TRANSITIONS,
    WRONG_CONTACT,
    ItemKind,
    ItemStatus,
    Outcome,
)
from recupero.worklists.models import WorkItem
from recupero.worklists.outcomes import case_follows, check_lock, dispute_from_item, skip_trace_from_visit
from recupero.worklists.routing import items_route

_COLUMNS = (
    "tenant_id",
    "case_id",
    "kind",
    "step_code",
    "template",
    "due_on",
    "window_start",
    "window_end",
    "status",
    "outcome",
    "outcome_data",
    "idempotency_key",
    "created_at",
)


@dataclass(frozen=True, slots=True)
class WorkItemSpec:
    case_id: int
    kind: str
    step_code: str
    template: str
    due_on: dt.date
    window: tuple[dt.time, dt.time] | None
    idempotency_key: str


@service(RUN_STRATEGIES)
def work_items_create(
    *, tenant: Tenant, actor: User, specs: list[WorkItemSpec], bulk: Bulk | None = None
) -> int:
    """Insert the items; an item whose key exists is left as it is (a second run creates nothing)."""
    bulk = bulk or Bulk()
    created = bulk.ts_at(now())
    rows = [
        (
            tenant.pk,
            s.case_id,
            s.kind,
            s.step_code,
            s.template,
            s.due_on.isoformat(),
            s.window[0].isoformat() if s.window else None,
            s.window[1].isoformat() if s.window else None,
            ItemStatus.OPEN.value,
            "",
            "{}",
            s.idempotency_key,
            created,
        )
        for s in specs
    ]
    created_count = bulk.write_ignore("worklists_workitem", _COLUMNS, rows, "idempotency_key")
    if created_count:  # the desk's assignment rules (routing.py): who gets the new items
        items_route(tenant=tenant, keys=[s.idempotency_key for s in specs])
    return created_count


DEFAULT_PROMISE_DAYS = 30  # without a mandate: a promise within a month


def _form_error(exc: FormError, **params: Any) -> DomainError:
    return DomainError(exc.code, field=exc.field, value=exc.value, **params)


def _mandate(case: Case, day: dt.date) -> Mandate | None:
    """The creditor's mandate in force on `day` (the latest started), whose rules the outcome follows."""
    qs = Mandate.objects.filter(tenant_id=case.tenant_id, creditor_id=case.creditor_id, starts_on__lte=day)
    return qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).order_by("-starts_on").first()


def _due_today(case: Case, day: dt.date) -> Decimal:
    """The amount due today from the law engine (interest and €40 included); the books' balance when the
    engine cannot compute it (a missing rate): a promise is never refused for more than the debtor owes."""
    try:
        return max(case_position(case=case, today=day).total_due, case.balance)
    except LawError:
        return case.balance


def _promise(case: Case, data: dict[str, Any], day: dt.date) -> dict[str, str]:
    try:
        amount = parse_amount(str(data.get("amount", "")))
        on = parse_date(str(data.get("date", "")))
    except FormError as exc:
        raise _form_error(exc) from None
    mandate = _mandate(case, day)
    horizon = mandate.promise_max_days if mandate else DEFAULT_PROMISE_DAYS
    due = _due_today(case, day)
    try:
        check_promise(amount, on, today=day, due_today=due, horizon_days=horizon)
    except FormError as exc:
        limit = day + dt.timedelta(days=horizon)
        raise _form_error(
            exc, amount=format_eur(amount), due=format_eur(due), days=horizon, limit=f"{limit:%d/%m/%Y}"
        ) from None
    return {"amount": str(amount), "date": on.isoformat()}


def _promise_arrangement(
    tenant: Tenant, actor: User, case: Case, payload: dict[str, Any], kind: ItemKind
) -> None:
    """The promise becomes an arrangement (one open per case; kept or broken by the daily check), which moves
    the case to "promise" through the case transition table."""
    terms = Terms(Kind.PROMISE, amount=Decimal(payload["amount"]), due=dt.date.fromisoformat(payload["date"]))
    channel = "visit" if kind is ItemKind.VISIT else "phone"
    arrangement_propose(tenant=tenant, actor=actor, case=case, terms=terms, channel=channel)


def _call_back(tenant: Tenant, actor: User, item: WorkItem, data: dict[str, Any]) -> dict[str, str]:
    """Richiamare: a new call item for the day (and hour) agreed, inside the mandate's contact window."""
    if not str(data.get("date", "")).strip():
        return {}
    try:
        on = parse_date(str(data["date"]))
        at = parse_time(str(data["time"])) if str(data.get("time", "")).strip() else None
    except FormError as exc:
        raise _form_error(exc) from None
    mandate = _mandate(item.case, on)
    window = window_for(mandate.contact_window if mandate else "")
    hours = window.on(on)
    moment = dt.datetime.combine(on, at or (hours[0] if hours else dt.time(0)))
    try:
        check_call_back(moment, now=now().astimezone(ROME).replace(tzinfo=None), window=window)
    except FormError as exc:
        raise _form_error(exc, date=f"{on:%d/%m/%Y}", time=f"{moment:%H:%M}", window=window.name) from None
    assert hours is not None  # check_call_back refused a day without a window
    WorkItem.objects.get_or_create(
        idempotency_key=f"callback:{item.pk}",
        defaults={
            "tenant": tenant,
            "case": item.case,
            "kind": ItemKind.CALL.value,
            "step_code": item.step_code,
            "template": item.template,
            "due_on": on,
            "window_start": at or hours[0],
            "window_end": hours[1],
            "assigned_to": actor if actor.pk else None,
            "priority": item.priority,
            "created_at": now(),
        },
    )
    return {"call_back_on": on.isoformat(), **({"call_back_at": at.isoformat("minutes")} if at else {})}


def _summary(item: WorkItem, outcome: Outcome, payload: dict[str, Any]) -> str:
    summary = f"{item.get_kind_display()}: {OUTCOME_LABELS[outcome]}"
    if outcome is Outcome.PROMISE:
        on = dt.date.fromisoformat(payload["date"])
        summary += f" di {format_eur(Decimal(payload['amount']))} € entro il {on:%d/%m/%Y}"
    if payload.get("call_back_on"):
        summary += f" il {dt.date.fromisoformat(payload['call_back_on']):%d/%m/%Y}"
        if payload.get("call_back_at"):
            summary += f" alle {payload['call_back_at']}"
    return summary


@service(*ACT_CAPABILITY.values())
@transaction.atomic
def work_item_complete(
    *,
    tenant: Tenant,
    actor: User,
    item: WorkItem,
    outcome: Outcome,
    data: dict[str, Any] | None = None,
    note: str = "",
) -> WorkItem:
    """Close an item with its outcome (esito) and apply the outcome to the case or the contact point."""
    if item.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    item = WorkItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    capability = ACT_CAPABILITY[ItemKind(item.kind)]
    require_case(actor, capability, item.case)
    require_item(actor, capability, assigned_to_id=item.assigned_to_id)
    if item.status != ItemStatus.OPEN:
        raise DomainError("worklist.closed")
    check_lock(item, actor)
    if outcome not in OUTCOMES[ItemKind(item.kind)]:
        raise DomainError("worklist.bad_outcome", value=outcome)
    case = item.case
    payload = _apply_outcome(tenant, actor, item, outcome, data or {}, note)
    done_by = actor if actor.pk else None
    moved = status_move(
        item,
        ItemStatus.DONE,
        TRANSITIONS,
        outcome=outcome.value,
        outcome_data=payload,
        done_at=now(),
        done_by=done_by,
        locked_by=None,  # the desk's lock ends with the outcome
        locked_until=None,
    )
    assert moved, "the item is locked and open"
    summary = _summary(item, outcome, payload)
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind=f"worklist.{item.kind}",
        summary=summary,
        data={"item": item.pk, "outcome": outcome.value, **payload},
    )
    audit_record(
        tenant=tenant, actor=actor, action="worklist.complete", obj=item, details={"outcome": outcome.value}
    )
    return item


def _apply_outcome(
    tenant: Tenant, actor: User, item: WorkItem, outcome: Outcome, data: dict[str, Any], note: str
) -> dict[str, Any]:
    """What an outcome does to the case, its contacts or its agreements; returns the outcome's data."""
    payload: dict[str, Any] = {"note": note} if note else {}
    case = item.case
    if outcome is Outcome.PROMISE:
        payload.update(_promise(case, data, today()))
        _promise_arrangement(tenant, actor, case, payload, ItemKind(item.kind))
    elif outcome is Outcome.DISPUTE:
        payload.update(dispute_from_item(tenant, actor, item, data, note))
    elif outcome in WRONG_CONTACT:
        payload["contact_id"] = _mark_wrong(tenant, actor, case, data.get("contact_id"))
    elif outcome is Outcome.CALL_BACK:
        payload.update(_call_back(tenant, actor, item, data))
    elif outcome is Outcome.VERIFIED:
        debtor_data_verify(
            tenant=tenant, actor=actor, debtor=case.debtor, reason=note or "verifica anagrafica"
        )
    elif outcome is Outcome.MOVED:
        payload.update(skip_trace_from_visit(tenant, item))
    elif outcome in CASE_TARGETS and case_follows(case.status, CASE_TARGETS[outcome]):
        _case_advance(tenant, actor, case, CaseStatus(CASE_TARGETS[outcome]), OUTCOME_LABELS[outcome].lower())
    return payload


def _case_advance(tenant: Tenant, actor: User, case: Case, target: CaseStatus, reason: str) -> None:
    """Move the case to `target`; a new case passes through "working" first when the table requires it."""
    if case.status == target.value:
        return
    working = CaseStatus.WORKING
    if not can_transition(case.status, target) and can_transition(case.status, working):
        case = case_move(tenant=tenant, actor=actor, case=case, target=working, reason=reason)
    case_move(tenant=tenant, actor=actor, case=case, target=target, reason=reason)


def _mark_wrong(tenant: Tenant, actor: User, case: Case, contact_id: Any) -> int | None:
    """The number called was wrong: mark it (parties' service) so nobody calls it again."""
    points = ContactPoint.objects.filter(
        tenant=tenant, debtor_id=case.debtor_id, kind__in=("phone", "mobile")
    )
    point = points.filter(pk=contact_id).first() if contact_id else points.exclude(status="wrong").first()
    if point is None:
        return None
    contact_mark(
        tenant=tenant, actor=actor, contact=point, status=ContactStatus.WRONG, reason="numero errato"
    )
    return point.pk


@service(ASSIGN_ITEMS)
@transaction.atomic
def work_item_assign(*, tenant: Tenant, actor: User, item: WorkItem, user: User | None) -> WorkItem:
    if item.tenant_id != tenant.pk or (user is not None and user.tenant_id != tenant.pk):
        raise DomainError("tenant.mismatch")
    require_case(actor, ASSIGN_ITEMS, item.case)
    item.assigned_to = user
    item.save(update_fields=["assigned_to"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="worklist.assign",
        obj=item,
        details={"user": user.pk if user else None},
    )
    return item
