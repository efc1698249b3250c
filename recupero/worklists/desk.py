"""The collector's desk: taking an item (one collector at a time), teams, assignment rules as data, and the
supervisor's bulk assignment from the case list's filters — one set-based UPDATE, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from recupero.cases.selectors import CaseFilters, cases_filtered
from recupero.core.clock import now
from recupero.core.domain.roles import ASSIGN_ITEMS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import own_items_only, require_case, require_item, service
from recupero.core.services import audit_record
from recupero.worklists.domain.items import ACT_CAPABILITY, ItemKind, ItemStatus
from recupero.worklists.domain.lock import lock_until
from recupero.worklists.models import AssignmentRule, Team, WorkItem
from recupero.worklists.outcomes import check_lock
from recupero.worklists.teams import RuleFields, rule_check


def _require_on_item(actor: User, item: WorkItem) -> None:
    capability = ACT_CAPABILITY[ItemKind(item.kind)]
    require_case(actor, capability, item.case)
    require_item(actor, capability, assigned_to_id=item.assigned_to_id)
    team_id = item.team_id if item.assigned_to_id is None else None
    other_team = team_id is not None and not Team.objects.filter(pk=team_id, members=actor).exists()
    if own_items_only(actor, capability) and other_team:
        raise DomainError("auth.forbidden")  # another team's queue


@service(*ACT_CAPABILITY.values())
@transaction.atomic
def work_item_take(*, tenant: Tenant, actor: User, item: WorkItem) -> WorkItem:
    """Open an item to work it: the actor holds it for `LOCK_MINUTES` (again when re-opened); refused while a
    colleague holds it."""
    if item.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    item = (
        WorkItem.objects.select_for_update(of=("self",)).select_related("case", "locked_by").get(pk=item.pk)
    )
    _require_on_item(actor, item)
    if item.status != ItemStatus.OPEN:
        raise DomainError("worklist.closed")
    check_lock(item, actor)
    if not actor.pk:
        return item  # the system actor works nothing by hand
    at = now()
    fresh = item.locked_by_id != actor.pk or item.locked_until is None or item.locked_until <= at
    item.locked_by, item.locked_until = actor, lock_until(at)
    item.save(update_fields=["locked_by", "locked_until"])
    if fresh:
        audit_record(tenant=tenant, actor=actor, action="worklist.take", obj=item)
    return item


@service(*ACT_CAPABILITY.values())
@transaction.atomic
def work_item_release(*, tenant: Tenant, actor: User, item: WorkItem) -> WorkItem:
    """Leave an item without an outcome: the lock goes, the item stays in the queue."""
    if item.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    _require_on_item(actor, item)
    WorkItem.objects.filter(pk=item.pk, locked_by=actor).update(locked_by=None, locked_until=None)
    item.refresh_from_db()
    return item


@service(ASSIGN_ITEMS)
@transaction.atomic
def team_create(*, tenant: Tenant, actor: User, name: str, members: list[User]) -> Team:
    if any(m.tenant_id != tenant.pk for m in members):
        raise DomainError("tenant.mismatch")
    if not name.strip():
        raise DomainError("desk.bad_rule", detail="il nome della squadra è vuoto")
    team = Team.objects.create(tenant=tenant, name=name.strip()[:80])
    team.members.set(members)
    audit_record(
        tenant=tenant, actor=actor, action="team.create", obj=team, details={"members": len(members)}
    )
    return team


@service(ASSIGN_ITEMS)
@transaction.atomic
def assignment_rule_add(
    *,
    tenant: Tenant,
    actor: User,
    position: int = 100,
    kind: str = "",
    creditor_id: int | None = None,
    consultant_id: int | None = None,
    province: str = "",
    amount_min: Decimal | None = None,
    amount_max: Decimal | None = None,
    language: str = "",
    user: User | None = None,
    team: Team | None = None,
) -> AssignmentRule:
    """A rule that gives the matching new items to a collector or a team (applied by routing.items_route)."""
    fields = RuleFields(
        kind, creditor_id, consultant_id, province, amount_min, amount_max, language, user, team
    )
    rule_check(tenant, position, fields)
    row = AssignmentRule.objects.create(
        tenant=tenant,
        position=position,
        kind=kind,
        creditor_id=creditor_id,
        consultant_id=consultant_id,
        province=province.upper(),
        amount_min=amount_min,
        amount_max=amount_max,
        language=language,
        user=user,
        team=team,
    )
    audit_record(tenant=tenant, actor=actor, action="assignment_rule.add", obj=row)
    return row


@service(ASSIGN_ITEMS)
@transaction.atomic
def work_items_bulk_assign(
    *,
    tenant: Tenant,
    actor: User,
    filters: CaseFilters,
    kind: ItemKind,
    user: User | None = None,
    team: Team | None = None,
) -> int:
    """Every open item of `kind` on the cases the case list's `filters` select (within the actor's scope) goes
    to `user` or `team` (neither: back to the shared queue) — one UPDATE, one audit row with the count."""
    if (user and user.tenant_id != tenant.pk) or (team and team.tenant_id != tenant.pk):
        raise DomainError("desk.bad_assignee")
    if user is not None and team is not None:
        raise DomainError("desk.bad_assignee")
    cases = cases_filtered(tenant=tenant, actor=actor, filters=filters).values("id")
    items = WorkItem.objects.filter(tenant=tenant, kind=kind, status=ItemStatus.OPEN, case_id__in=cases)
    count = items.update(assigned_to=user, team=team)
    details: dict[str, Any] = {
        "kind": kind.value,
        "count": count,
        "user": user.pk if user else None,
        "team": team.pk if team else None,
        "filters": {k: str(v) for k, v in vars(filters).items() if v not in (None, "")},
    }
    audit_record(tenant=tenant, actor=actor, action="worklist.bulk_assign", obj=None, details=details)
    return count
