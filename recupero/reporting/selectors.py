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
from typing import Any

from django.db import connection
from django.db.models import Case as DbCase
from django.db.models import Count, Q, Sum, Value, When

from recupero.cases.domain.states import OPEN_STATUSES
from recupero.cases.models import Assignment, Case
from recupero.core.domain.roles import (
    CASE_SCOPE,
    MANAGE_INTEGRATION,
    MONTHLY_REPORT,
    SCOPE_LEGAL,
    VIEW_AGENCY_REPORTS,
    VIEW_CASES,
    Role,
)
from recupero.core.models import Tenant, User
from recupero.core.permissions import check, creditor_ids
from recupero.parties.models import Creditor
from recupero.reporting import sql
from recupero.reporting.domain.figures import AGEING_BUCKETS
from recupero.reporting.integration import TOKEN_PREFIX, key_digest
from recupero.reporting.models import (
    ApiToken,
    CollectionMonth,
    MonthlyReport,
    MonthlyReportSent,
    Snapshot,
    SnapshotRun,
    StepFigure,
    WebhookDelivery,
    WebhookEndpoint,
)
from recupero.worklists.models import WorkItem

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


def _latest_run(tenant: Tenant) -> SnapshotRun | None:
    return SnapshotRun.objects.filter(tenant=tenant).order_by("-day", "-pk").first()


def snapshot_day(*, tenant: Tenant, actor: User) -> dt.date | None:
    """The day of the latest snapshot (None before the first night)."""
    check(actor, VIEW_CASES, tenant)
    run = _latest_run(tenant)
    return run.day if run else None


def portfolio_groups(*, tenant: Tenant, actor: User) -> list[Group]:
    """Figures per creditor × assignment × collector: the latest snapshot plus the ledger after its mark."""
    check(actor, VIEW_CASES, tenant)
    scope = _scope(actor)
    run = _latest_run(tenant)
    groups: dict[tuple[int, int, int | None], Group] = {}

    def group(key: tuple[int, int, int | None]) -> Group:
        if key not in groups:
            groups[key] = Group(*key)
        return groups[key]

    if run is not None:
        qs = Snapshot.objects.filter(tenant=tenant, day=run.day)
        if scope is not None:
            qs = qs.filter(creditor_id__in=sorted(scope))
        keys = ("creditor_id", "assignment_id", "collector_id")
        for row in qs.order_by().values(*keys).annotate(**{n: Sum(n) for n in AMOUNTS + COUNTS}):
            group((row["creditor_id"], row["assignment_id"], row["collector_id"])).figures.add(
                Figures(**{n: row[n] or 0 for n in AMOUNTS + COUNTS})  # type: ignore[arg-type]
            )
    for key, figures in _ledger_after(tenant, scope, run).items():
        group(key).figures.add(figures)
    return sorted(groups.values(), key=lambda g: (g.creditor_id, g.assignment_id, g.collector_id or 0))


def _scope_sql(scope: frozenset[int] | None) -> str:
    return "" if scope is None else f"AND c.creditor_id IN ({', '.join(str(int(i)) for i in sorted(scope))})"


def _marks(run: SnapshotRun | None) -> dict[str, Any]:
    return {"upto": run.ledger_upto if run else 0, "case_upto": run.case_upto if run else 0}


def _ledger_after(
    tenant: Tenant, scope: frozenset[int] | None, run: SnapshotRun | None, on: dt.date | None = None
) -> dict[tuple[int, int, int | None], Figures]:
    """The entries after the run's mark (a primary-key range), optionally only those posted on `on`."""
    if scope is not None and not scope:
        return {}
    where = _scope_sql(scope) + (" AND e.posted_on = %(on)s" if on else "")
    params: dict[str, Any] = {"tenant": tenant.pk, "on": on, **_marks(run)}
    out = {}
    with connection.cursor() as cur:
        cur.execute(sql.delta_select().format(scope=where), params)
        for creditor_id, assignment_id, collector_id, *amounts, opened in cur.fetchall():
            values = {
                n: Decimal(v or 0).quantize(Decimal("0.01")) for n, v in zip(AMOUNTS, amounts, strict=True)
            }
            out[(creditor_id, assignment_id, collector_id)] = Figures(**values, cases=opened)  # type: ignore[arg-type]
    return out


def rollup(groups: list[Group], by: str) -> dict[int | None, Figures]:
    """Sum the groups by `creditor_id`, `assignment_id` or `collector_id`."""
    out: dict[int | None, Figures] = defaultdict(Figures)
    for g in groups:
        out[getattr(g, by)].add(g.figures)
    return dict(out)


def collected_months(*, tenant: Tenant, actor: User) -> dict[int, dict[str, Decimal]]:
    """Per assignment, collected per calendar month: the latest snapshot plus the ledger after its mark."""
    check(actor, VIEW_CASES, tenant)
    scope = _scope(actor)
    run = _latest_run(tenant)
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if scope is not None and not scope:
        return {}
    if run is not None:
        qs = CollectionMonth.objects.filter(tenant=tenant, day=run.day)
        if scope is not None:
            qs = qs.filter(creditor_id__in=sorted(scope))
        for assignment_id, month, amount in qs.values_list("assignment_id", "month", "collected"):
            out[assignment_id][month] = amount
    statement = sql.months_select(sql.dialect(connection.vendor), "e.id > %(upto)s", _scope_sql(scope))
    with connection.cursor() as cur:
        cur.execute(statement, {"tenant": tenant.pk, **_marks(run)})
        for _t, _c, assignment_id, month, amount in cur.fetchall():
            months = out[assignment_id]
            months[month] = months.get(month, ZERO) + Decimal(amount).quantize(Decimal("0.01"))
    return dict(out)


def step_figures(*, tenant: Tenant, actor: User) -> list[StepFigure]:
    """Strategy effectiveness per step, as of the latest snapshot (agency reports only)."""
    check(actor, VIEW_AGENCY_REPORTS, tenant)
    run = _latest_run(tenant)
    if run is None:
        return []
    return list(StepFigure.objects.filter(tenant=tenant, day=run.day).order_by("strategy_code", "step_code"))


def scope_q(actor: User, field_name: str = "creditor_id") -> Q:
    scope = _scope(actor)
    return Q() if scope is None else Q(**{f"{field_name}__in": sorted(scope)})


def assignments_named(*, tenant: Tenant, actor: User) -> list[Assignment]:
    """The assignments (affidi) of the creditors the actor reaches, newest first, with their creditor."""
    check(actor, VIEW_CASES, tenant)
    qs = Assignment.objects.filter(tenant=tenant).filter(scope_q(actor)).select_related("creditor")
    return list(qs.order_by("-received_on", "-id"))


def creditors_named(*, tenant: Tenant, actor: User) -> dict[int, str]:
    check(actor, VIEW_CASES, tenant)
    return dict(Creditor.objects.filter(tenant=tenant).filter(scope_q(actor, "pk")).values_list("pk", "name"))


def portfolio_today(*, tenant: Tenant, actor: User, on: dt.date) -> list[Group]:
    """What the ledger booked after the latest snapshot's mark and posted on `on` (today's collections)."""
    check(actor, VIEW_AGENCY_REPORTS, tenant)
    return [
        Group(*key, figures=f)
        for key, f in sorted(
            _ledger_after(tenant, _scope(actor), _latest_run(tenant), on).items(),
            key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0),
        )
    ]


@dataclass
class CollectorWork:
    user_id: int | None
    name: str
    calls: int
    reached: int
    promises: int


def collector_work(*, tenant: Tenant, actor: User, since: dt.date) -> list[CollectorWork]:
    """Per person, the calls and visits closed since `since`: attempts, right-party contacts, promises."""
    check(actor, VIEW_AGENCY_REPORTS, tenant)
    qs = WorkItem.objects.filter(
        tenant=tenant, status="done", kind__in=sql.CONTACT_KINDS, done_at__date__gte=since
    )
    rows = (
        qs.filter(scope_q(actor, "case__creditor_id"))
        .order_by()
        .values("done_by", "done_by__username")
        .annotate(
            calls=Count("id"),
            reached=Count("id", filter=Q(outcome__in=sql.REACHED)),
            promises=Count("id", filter=Q(outcome="promise")),
        )
    )
    return [
        CollectorWork(r["done_by"], r["done_by__username"] or "—", r["calls"], r["reached"], r["promises"])
        for r in rows
    ]


def ageing(*, tenant: Tenant, actor: User, on: dt.date) -> list[tuple[str, int, Decimal]]:
    """Open cases by age of their first unpaid due date: (bucket, cases, outstanding)."""
    check(actor, VIEW_AGENCY_REPORTS, tenant)
    whens = [
        When(first_due_on__gte=on - dt.timedelta(days=high), then=Value(i))
        for i, (_l, _low, high) in enumerate(AGEING_BUCKETS)
        if high is not None
    ]
    qs = Case.objects.filter(tenant=tenant, status__in=[s.value for s in OPEN_STATUSES]).filter(
        scope_q(actor)
    )
    rows = dict(
        (b, (n, s))
        for b, n, s in qs.annotate(bucket=DbCase(*whens, default=Value(len(AGEING_BUCKETS) - 1)))
        .order_by()
        .values_list("bucket")
        .annotate(n=Count("id"), s=Sum("balance"))
        .values_list("bucket", "n", "s")
    )
    out = []
    for i, (label, _low, _high) in enumerate(AGEING_BUCKETS):
        n, total = rows.get(i, (0, ZERO))
        out.append((label, n, Decimal(total or 0).quantize(Decimal("0.01"))))
    return out


def staff_named(*, tenant: Tenant, actor: User) -> dict[int, str]:
    """The agency's people by id (collectors and consultants in the reports): names only, agency reports only."""
    check(actor, VIEW_AGENCY_REPORTS, tenant)
    rows = User.objects.filter(tenant=tenant).values_list("pk", "first_name", "last_name", "username")
    return {pk: f"{first} {last}".strip() or username for pk, first, last, username in rows}


def token_user(*, key: str) -> User | None:
    """The user an API key stands for: not revoked, user active, still bound to the token's creditor.
    The authentication itself (no actor yet), so it checks no capability; the API's selectors do."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.filter(digest=key_digest(key), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active or token.user.creditor_id != token.creditor_id:
        return None
    return token.user


def tokens_of(*, tenant: Tenant, actor: User) -> list[ApiToken]:
    """The actor's own API tokens (never another user's)."""
    check(actor, MANAGE_INTEGRATION, tenant)
    return list(ApiToken.objects.filter(tenant=tenant, user=actor).order_by("-created_at"))


def webhooks_of(*, tenant: Tenant, actor: User) -> list[WebhookEndpoint]:
    check(actor, MANAGE_INTEGRATION, tenant)
    return list(WebhookEndpoint.objects.filter(tenant=tenant).filter(scope_q(actor)).order_by("-created_at"))


def deliveries_of(*, tenant: Tenant, actor: User, limit: int = 50) -> list[WebhookDelivery]:
    """The delivery log of the actor's creditor's endpoints, newest first."""
    check(actor, MANAGE_INTEGRATION, tenant)
    qs = WebhookDelivery.objects.filter(tenant=tenant).filter(scope_q(actor, "endpoint__creditor_id"))
    return list(qs.select_related("event", "endpoint").order_by("-pk")[:limit])


@dataclass
class MonthlyReportPage:
    """The actor's creditor's monthly report (None before it is set), who may receive it, the last sendings."""

    report: MonthlyReport | None
    choices: list[tuple[int, str, str]]  # user id, name, e-mail: the creditor's users with an address
    sendings: list[MonthlyReportSent]


def monthly_report_page(*, tenant: Tenant, actor: User) -> MonthlyReportPage:
    check(actor, MONTHLY_REPORT, tenant)
    if not actor.creditor_id:
        return MonthlyReportPage(None, [], [])
    report = MonthlyReport.objects.filter(tenant=tenant, creditor_id=actor.creditor_id).first()
    users = User.objects.filter(
        tenant=tenant, role=Role.CREDITOR_USER.value, creditor_id=actor.creditor_id, is_active=True
    ).exclude(email="")
    choices = [(u.pk, u.get_full_name() or u.username, u.email) for u in users.order_by("pk")]
    sendings = (
        list(MonthlyReportSent.objects.filter(report=report).order_by("-period")[:12]) if report else []
    )
    return MonthlyReportPage(report, choices, sendings)
