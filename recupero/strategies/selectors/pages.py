"""Reads of the strategies' pages: recent runs, a case's steps."""

from __future__ import annotations

from recupero.core.domain.roles import VIEW_CASES, VIEW_STRATEGIES
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, check
from recupero.strategies.models import StepExecution, StrategyRun


def runs_recent(*, tenant: Tenant, actor: User, limit: int = 20) -> list[StrategyRun]:
    check(actor, VIEW_STRATEGIES, tenant)
    return list(StrategyRun.objects.filter(tenant=tenant).order_by("-started_at", "-id")[:limit])


def case_steps(*, tenant: Tenant, actor: User, case_id: int) -> list[StepExecution]:
    check(actor, VIEW_CASES, tenant)
    qs = StepExecution.objects.filter(tenant=tenant, case_id=case_id).filter(case_q(actor, "case__"))
    return list(qs.order_by("scheduled_for", "id"))
