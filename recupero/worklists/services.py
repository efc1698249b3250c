"""Every write on work items: created in bulk by the daily run, closed one by one by people with an outcome.

Outcomes change other apps only through their services: a promise or a dispute moves the case
(`cases.services.case_move`), a wrong number marks the contact point (`parties.services.contact_mark`).
There are no promise or dispute tables yet (arrangements is not built): the promise's amount and date are kept
on the item's `outcome_data` and on the case timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from recupero.cases.domain.states import CaseStatus, can_transition
from recupero.cases.models import Case
from recupero.cases.services import case_move, timeline_append
from recupero.core.bulk import Bulk
from recupero.core.clock import now
from recupero.core.domain.roles import ASSIGN_ITEMS, RUN_STRATEGIES
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, require_item, service
from recupero.core.services import audit_record
from recupero.law.money import format_eur
from recupero.parties.domain.contacts import ContactStatus
from recupero.parties.models import ContactPoint
from recupero.parties.services import contact_mark
from recupero.worklists.domain.items import (
    ACT_CAPABILITY,
    OUTCOME_LABELS,
    OUTCOMES,
    ItemKind,
    ItemStatus,
    Outcome,
)
from recupero.worklists.models import WorkItem

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
    return bulk.write_ignore("worklists_workitem", _COLUMNS, rows, "idempotency_key")


def _promise(data: dict[str, Any]) -> dict[str, str]:
    try:
        amount = Decimal(str(data.get("amount", "")).replace(",", "."))
        on = dt.date.fromisoformat(str(data.get("date", "")))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError("worklist.bad_promise", "Indicare importo e data della promessa.") from exc
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError("worklist.bad_promise", "Importo della promessa non valido.")
    return {"amount": str(amount), "date": on.isoformat()}


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
        raise DomainError("worklist.closed", "L'attività è già stata chiusa.")
    if outcome not in OUTCOMES[ItemKind(item.kind)]:
        raise DomainError("worklist.bad_outcome", f"Esito non previsto: «{outcome}».")
    payload: dict[str, Any] = {"note": note} if note else {}
    case = item.case
    if outcome is Outcome.PROMISE:
        payload.update(_promise(data or {}))
        _move(tenant, actor, case, CaseStatus.PROMISE, "promessa di pagamento")
    elif outcome is Outcome.DISPUTE:
        _move(tenant, actor, case, CaseStatus.DISPUTED, note or "contestazione al telefono")
    elif outcome is Outcome.WRONG_NUMBER:
        payload["contact_id"] = _mark_wrong(tenant, actor, case, (data or {}).get("contact_id"))
    elif outcome is Outcome.CALL_BACK and (data or {}).get("date"):
        payload["call_back_on"] = str(dt.date.fromisoformat(str(data["date"])))  # type: ignore[index]
    item.status, item.outcome, item.outcome_data = ItemStatus.DONE.value, outcome.value, payload
    item.done_at, item.done_by = now(), actor if actor.pk else None
    item.save(update_fields=["status", "outcome", "outcome_data", "done_at", "done_by"])
    summary = f"{item.get_kind_display()}: {OUTCOME_LABELS[outcome]}"
    if outcome is Outcome.PROMISE:
        summary += f" di {format_eur(Decimal(payload['amount']))} € entro il {payload['date']}"
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


def _move(tenant: Tenant, actor: User, case: Case, target: CaseStatus, reason: str) -> None:
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
