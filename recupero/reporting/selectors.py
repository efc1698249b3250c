"""Every read of the dashboards: the latest snapshot plus what the ledger booked after it ("snapshot + today").

Scope comes from the permission model: a creditor user reaches its own creditor, a consultant the creditors
assigned to it, agency roles every creditor, a lawyer none (the portfolio's amounts are not a legal case's).
No selector returns a debtor: figures only, so none of them is an audited read; the drill-down to the cases is
the case list, which audits what it shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db import connection
from django.db.models import Max, Q, Sum

from recupero.core.domain.roles import CASE_SCOPE, SCOPE_LEGAL, VIEW_AGENCY_REPORTS, VIEW_CASES, Role
from recupero.core.models import Tenant, User
from recupero.core.permissions import check, creditor_ids
from recupero.reporting import sql
from recupero.reporting.models import CollectionMonth, Snapshot, StepFigure

ZERO = Decimal("0.00")
AMOUNTS = ("assigned", "collected", "collected_direct", "written_off", "credited", "outstanding")
COUNTS = ("cases", "paid_cases", "first_payment_days", "contacts_attempted", "contacts_reached")


@dataclass
class Figures:
    """Amounts and counts of one group of cases (creditor, assignment, collector or the whole scope)."""

    assigned: Decimal = ZERO
    collected: Decimal = ZERO
    collected_direct: Decimal = ZERO
    written_off: Decimal = ZERO
    credited: Decimal = ZERO
    outstanding: Decimal = ZERO
    cases: int = 0
    paid_cases: int = 0
    first_payment_days: int = 0
    contacts_attempted: int = 0
    contacts_reached: int = 0

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def collected_total(self) -> Decimal:
        return self.collected + self.collected_direct

    @property
    def average_days_to_first_payment(self) -> Decimal | None:
        if not self.paid_cases:
            return None
        return (Decimal(self.first_payment_days) / self.paid_cases).quantize(Decimal("0.1"))


@dataclass
class Group:
    creditor_id: int
    assignment_id: int
    collector_id: int | None
    figures: Figures = field(default_factory=Figures)


def _scope(actor: User) -> frozenset[int] | None:
    """The creditors whose figures the actor reaches (None: all of the agency's)."""
    if CASE_SCOPE.get(Role(actor.role)) == SCOPE_LEGAL:
        return frozenset()
    return creditor_ids(actor)


def snapshot_day(*, tenant: Tenant, actor: User) -> dt.date | None:
    """The day of the latest snapshot (None before the first night)."""
    check(actor, VIEW_CASES, tenant)
    return Snapshot.objects.filter(tenant=tenant).aggregate(d=Max("day"))["d"]


def portfolio_groups(*, tenant: Tenant, actor: User) -> list[Group]:
    """Figures per creditor × assignment × collector: the latest snapshot plus the ledger after its day."""
    check(actor, VIEW_CASES, tenant)
    scope = _scope(actor)
    day = Snapshot.objects.filter(tenant=tenant).aggregate(d=Max("day"))["d"]
    groups: dict[tuple[int, int, int | None], Group] = {}

    def group(key: tuple[int, int, int | None]) -> Group:
        if key not in groups:
            groups[key] = Group(*key)
        return groups[key]

    if day is not None:
        qs = Snapshot.objects.filter(tenant=tenant, day=day)
        if scope is not None:
            qs = qs.filter(creditor_id__in=sorted(scope))
        keys = ("creditor_id", "assignment_id", "collector_id")
        for row in qs.order_by().values(*keys).annotate(**{n: Sum(n) for n in AMOUNTS + COUNTS}):
            group((row["creditor_id"], row["assignment_id"], row["collector_id"])).figures.add(
                Figures(**{n: row[n] or 0 for n in AMOUNTS + COUNTS})
            )
    for key, figures in _ledger_after(tenant, scope, day).items():
        group(key).figures.add(figures)
    return sorted(groups.values(), key=lambda g: (g.creditor_id, g.assignment_id, g.collector_id or 0))


def _ledger_after(
    tenant: Tenant, scope: frozenset[int] | None, day: dt.date | None
) -> dict[tuple[int, int, int | None], Figures]:
    if scope is not None and not scope:
        return {}
    where = "" if scope is None else f"AND c.creditor_id IN ({', '.join(str(int(i)) for i in sorted(scope))})"
    params = {"tenant": tenant.pk, "after": day or dt.date(1900, 1, 1)}
    out = {}
    with connection.cursor() as cur:
        cur.execute(sql.delta_select().format(scope=where), params)
        for creditor_id, assignment_id, collector_id, *amounts in cur.fetchall():
            values = {n: Decimal(v or 0).quantize(Decimal("0.01")) for n, v in zip(AMOUNTS, amounts, strict=True)}
            out[(creditor_id, assignment_id, collector_id)] = Figures(**values)
    return out


def rollup(groups: list[Group], by: str) -> dict[int | None, Figures]:
    """Sum the groups by `creditor_id`, `assignment_id` or `collector_id`."""
    out: dict[int | None, Figures] = defaultdict(Figures)
    for g in groups:
        out[getattr(g, by)].add(g.figures)
    return dict(out)


def collected_months(*, tenant: Tenant, actor: User) -> dict[int, dict[str, Decimal]]:
    """Per assignment, collected per calendar month (latest snapshot) plus the ledger after it, this month."""
    check(actor, VIEW_CASES, tenant)
    scope = _scope(actor)
    day = Snapshot.objects.filter(tenant=tenant).aggregate(d=Max("day"))["d"]
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    qs = CollectionMonth.objects.filter(tenant=tenant, day=day)
    if scope is not None:
        qs = qs.filter(creditor_id__in=sorted(scope))
    for assignment_id, month, amount in qs.values_list("assignment_id", "month", "collected"):
        out[assignment_id][month] = amount
    where = "" if scope is None else f"AND c.creditor_id IN ({', '.join(str(int(i)) for i in sorted(scope))})"
    if scope is not None and not scope:
        return dict(out)
    statement = sql.months_select(sql.dialect(connection.vendor), "e.posted_on > %(after)s", where)
    with connection.cursor() as cur:
        cur.execute(statement, {"tenant": tenant.pk, "after": day or dt.date(1900, 1, 1)})
        for _t, _c, assignment_id, month, amount in cur.fetchall():
            months = out[assignment_id]
            months[month] = months.get(month, ZERO) + Decimal(amount).quantize(Decimal("0.01"))
    return dict(out)


def step_figures(*, tenant: Tenant, actor: User) -> list[StepFigure]:
    """Strategy effectiveness per step, as of the latest snapshot (agency reports only)."""
    check(actor, VIEW_AGENCY_REPORTS, tenant)
    day = StepFigure.objects.filter(tenant=tenant).aggregate(d=Max("day"))["d"]
    return list(StepFigure.objects.filter(tenant=tenant, day=day).order_by("strategy_code", "step_code"))


def scope_q(actor: User, field_name: str = "creditor_id") -> Q:
    scope = _scope(actor)
    return Q() if scope is None else Q(**{f"{field_name}__in": sorted(scope)})
