"""The assignment rules (domain/rules.py) applied to new work items, set-based: one UPDATE per rule over the
items just created that nobody holds yet, in the rules' order, so the first matching rule wins.

A building block of `services.work_items_create` (called in its transaction, by an actor it checked)."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery

from recupero.cases.models import Case
from recupero.core.models import Tenant
from recupero.worklists.domain.items import ItemStatus
from recupero.worklists.domain.rules import countries_of
from recupero.worklists.models import AssignmentRule, WorkItem

CHUNK = 5000


def rule_q(rule: AssignmentRule, prefix: str = "case__") -> Q:
    """The rule's conditions on the item's case: the same as `domain.rules.Rule.matches`, as a query."""
    q = Q()
    if rule.creditor_id:
        q &= Q(**{f"{prefix}creditor_id": rule.creditor_id})
    if rule.consultant_id:
        q &= Q(**{f"{prefix}consultant_id": rule.consultant_id})
    if rule.province:
        q &= Q(**{f"{prefix}province": rule.province.upper()})
    if rule.amount_min is not None:
        q &= Q(**{f"{prefix}balance__gte": rule.amount_min})
    if rule.amount_max is not None:
        q &= Q(**{f"{prefix}balance__lt": rule.amount_max})
    if rule.language:
        q &= Q(**{f"{prefix}debtor__country__in": countries_of(rule.language)})
    return q


def items_route(*, tenant: Tenant, keys: list[str]) -> int:
    """Stamp the new items (by idempotency key) with their case's balance (`priority`, the queues' order) and
    give them to the collector or team of the first rule that matches. Returns how many were routed."""
    rules = list(AssignmentRule.objects.filter(tenant=tenant, active=True).order_by("position", "id"))
    balance = Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("balance")[:1])
    routed = 0
    for start in range(0, len(keys), CHUNK):
        part = keys[start : start + CHUNK]
        WorkItem.objects.filter(tenant=tenant, idempotency_key__in=part, priority=0).update(priority=balance)
        for rule in rules:
            qs = WorkItem.objects.filter(
                tenant=tenant,
                idempotency_key__in=part,
                status=ItemStatus.OPEN,
                assigned_to__isnull=True,
                team__isnull=True,
            )
            if rule.kind:
                qs = qs.filter(kind=rule.kind)
            routed += qs.filter(rule_q(rule)).update(assigned_to_id=rule.user_id, team_id=rule.team_id)
    return routed
