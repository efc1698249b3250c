"""The demo agency's collector's desk: a phone team with the demo collector in it and two assignment rules, so
the daily run's new calls land in "La mia coda" (large debts to the collector in person, the rest to the team).

Written through the desk's services, as every reference row of the demo."""

from __future__ import annotations

from decimal import Decimal

from recupero.core.models import Tenant, User
from recupero.core.permissions import system_actor
from recupero.worklists.desk import assignment_rule_add, team_create

LARGE_DEBT = Decimal("5000.00")


def desk_demo(tenant: Tenant, users: dict[str, User]) -> int:
    """Through the desk's services (as the system). Returns the rows written (one team, its member, two rules)."""
    actor = system_actor(tenant)
    team = team_create(tenant=tenant, actor=actor, name="Squadra telefonica", members=[users["collector"]])
    assignment_rule_add(
        tenant=tenant, actor=actor, position=10, kind="call", amount_min=LARGE_DEBT, user=users["collector"]
    )
    assignment_rule_add(tenant=tenant, actor=actor, position=20, kind="call", team=team)
    return 4
