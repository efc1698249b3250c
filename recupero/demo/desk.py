"""The demo agency's collector's desk: a phone team with the demo collector in it and two assignment rules, so
the daily run's new calls land in "La mia coda" (large debts to the collector in person, the rest to the team).

Written directly like the rest of the demo's reference rows (the load is audited once, as `demo.load`)."""

from __future__ import annotations

from decimal import Decimal

from recupero.core.models import Tenant, User
from recupero.worklists.models import AssignmentRule, Team

LARGE_DEBT = Decimal("5000.00")


def desk_demo(tenant: Tenant, users: dict[str, User]) -> int:
    """Returns the rows written (one team, its member, two rules)."""
    team = Team.objects.create(tenant=tenant, name="Squadra telefonica")
    team.members.set([users["collector"]])
    AssignmentRule.objects.create(
        tenant=tenant, position=10, kind="call", amount_min=LARGE_DEBT, user=users["collector"]
    )
    AssignmentRule.objects.create(tenant=tenant, position=20, kind="call", team=team)
    return 4
