"""Editing the desk's set-up from the back office: teams (rename, add and remove collectors) and assignment rules
(edit, reorder, disable and enable). Creating them is in `desk.py` (`team_create`, `assignment_rule_add`).

Rules are data read by `routing.items_route` each time new items are made, so a change here takes effect on
the next assignment run; items already assigned are never moved. Every write checks `worklists.assign`, stays
inside the tenant, and leaves an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from recupero.core.domain.roles import ASSIGN_ITEMS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import service
from recupero.core.services import audit_record
from recupero.worklists.domain.items import ItemKind
from recupero.worklists.domain.rules import Rule, check_rule
from recupero.worklists.models import AssignmentRule, Team

# Who may sit in a team: the agency's people who work queues (as `selectors.collectors` lists them).
MEMBER_ROLES = ("collector", "field_agent", "consultant", "supervisor")


def _own(tenant: Tenant, *rows: object) -> None:
    if any(getattr(r, "tenant_id", tenant.pk) != tenant.pk for r in rows if r is not None):
        raise DomainError("tenant.mismatch")


@service(ASSIGN_ITEMS)
@transaction.atomic
def team_rename(*, tenant: Tenant, actor: User, team: Team, name: str) -> Team:
    _own(tenant, team)
    name = name.strip()[:80]
    if not name:
        raise DomainError("desk.bad_rule", detail="il nome della squadra è vuoto")
    before = team.name
    team.name = name
    try:
        with transaction.atomic():
            team.save(update_fields=["name"])
    except IntegrityError:
        raise DomainError("desk.team_name_taken", name=name) from None
    audit_record(tenant=tenant, actor=actor, action="team.rename", obj=team, details={"before": before})
    return team


@service(ASSIGN_ITEMS)
@transaction.atomic
def team_member_add(*, tenant: Tenant, actor: User, team: Team, member: User) -> Team:
    _own(tenant, team, member)
    if member.role not in MEMBER_ROLES or not member.is_active:
        raise DomainError("desk.bad_assignee")
    team.members.add(member)
    audit_record(tenant=tenant, actor=actor, action="team.member_add", obj=team, details={"user": member.pk})
    return team


@service(ASSIGN_ITEMS)
@transaction.atomic
def team_member_remove(*, tenant: Tenant, actor: User, team: Team, member: User) -> Team:
    """The collector leaves the team: the team's items stay the team's (the others still work them)."""
    _own(tenant, team, member)
    team.members.remove(member)
    audit_record(
        tenant=tenant, actor=actor, action="team.member_remove", obj=team, details={"user": member.pk}
    )
    return team


@dataclass(frozen=True)
class RuleFields:
    """A rule's conditions and its assignee, as the form states them."""

    kind: str = ""
    creditor_id: int | None = None
    consultant_id: int | None = None
    province: str = ""
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    language: str = ""
    user: User | None = None
    team: Team | None = None


def rule_check(tenant: Tenant, position: int, f: RuleFields) -> None:
    """Refuse a rule that names no one or two assignees, an empty amount band, an unknown kind or language."""
    _own(tenant, f.user, f.team)
    rule = Rule(
        position, f.creditor_id, f.consultant_id, f.province, f.amount_min, f.amount_max, f.language,
        f.user.pk if f.user else None, f.team.pk if f.team else None,
    )  # fmt: skip
    problem = check_rule(rule)
    if f.kind and f.kind not in {k.value for k in ItemKind}:
        problem = problem or f"tipo di attività sconosciuto «{f.kind}»"
    if problem:
        raise DomainError("desk.bad_rule", detail=problem)


@service(ASSIGN_ITEMS)
@transaction.atomic
def assignment_rule_edit(
    *, tenant: Tenant, actor: User, rule: AssignmentRule, fields: RuleFields
) -> AssignmentRule:
    """Change a rule's conditions or assignee (its place in the order stays): the next run routes by it."""
    _own(tenant, rule)
    rule_check(tenant, rule.position, fields)
    rule.kind, rule.creditor_id, rule.consultant_id = fields.kind, fields.creditor_id, fields.consultant_id
    rule.province, rule.language = fields.province.upper(), fields.language
    rule.amount_min, rule.amount_max = fields.amount_min, fields.amount_max
    rule.user, rule.team = fields.user, fields.team
    rule.save()
    audit_record(tenant=tenant, actor=actor, action="assignment_rule.edit", obj=rule)
    return rule


@service(ASSIGN_ITEMS)
@transaction.atomic
def assignment_rule_move(*, tenant: Tenant, actor: User, rule: AssignmentRule, up: bool) -> list[int]:
    """Move a rule one place up or down in the order (the first that matches wins). The rules are renumbered
    10, 20, 30… in their new order; returns the ids in that order."""
    _own(tenant, rule)
    rules = list(AssignmentRule.objects.select_for_update().filter(tenant=tenant).order_by("position", "id"))
    ids = [r.pk for r in rules]
    at = ids.index(rule.pk)
    to = at - 1 if up else at + 1
    if 0 <= to < len(ids):
        ids[at], ids[to] = ids[to], ids[at]
    by_id = {r.pk: r for r in rules}
    for place, pk in enumerate(ids, start=1):
        if by_id[pk].position != place * 10:
            by_id[pk].position = place * 10
            by_id[pk].save(update_fields=["position"])
    audit_record(
        tenant=tenant, actor=actor, action="assignment_rule.move", obj=rule, details={"up": up, "order": ids}
    )
    return ids


@service(ASSIGN_ITEMS)
@transaction.atomic
def assignment_rule_set_active(
    *, tenant: Tenant, actor: User, rule: AssignmentRule, active: bool
) -> AssignmentRule:
    """Disable a rule (kept, shown greyed, not applied) or enable it again."""
    _own(tenant, rule)
    if rule.active != active:
        rule.active = active
        rule.save(update_fields=["active"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="assignment_rule.enable" if active else "assignment_rule.disable",
            obj=rule,
        )
    return rule
