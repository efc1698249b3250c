"""Every read of the dashboards: the latest snapshot plus what the ledger booked after it ("snapshot + today").

Scope comes from the permission model: a creditor user reaches its own creditor, a consultant the creditors
assigned to it, agency roles every creditor, a lawyer none (the portfolio's amounts are not a legal case's).
No selector returns a debtor: figures only, so none of them is an audited read; the drill-down to the cases is
the case list, which audits what it shows."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case as DbCase
from django.db.models import Count, Q, Sum, Value, When

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
    AgeingFigure,
    ApiToken,
    CollectionMonth,
    CollectorMonth,
    MonthlyReport,
    MonthlyReportSent,
    PrescriptionRisk,
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


RUN_MEMO = "_reporting_run"  # where the latest run is kept on the Tenant object of a request
RUN_MEMO_SECONDS = 60.0


def _latest_run(tenant: Tenant) -> SnapshotRun | None:
    """The latest snapshot run, read once per Tenant object (one request) and at most every minute: a page's
    selectors all ask for it (5–7 reads of one row before). `snapshot_build` forgets it."""
    memo = tenant.__dict__.get(RUN_MEMO)
    if memo is not None and time.monotonic() - memo[0] < RUN_MEMO_SECONDS:
        return memo[1]  # type: ignore[no-any-return]
    run = SnapshotRun.objects.filter(tenant=tenant).order_by("-day", "-pk").first()
    tenant.__dict__[RUN_MEMO] = (time.monotonic(), run)
    return run


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
    """Open cases by days past their earliest due date on `on`: (bucket, cases, outstanding). The cases and their
    outstanding are the latest snapshot's (`AgeingFigure`: per creditor and due date), bucketed against `on`."""
    check(actor, VIEW_AGENCY_REPORTS, tenant)
    run = _latest_run(tenant)
    rows: dict[int, tuple[int, Decimal]] = {}
    if run is not None:
        whens = [
            When(due_on__gte=on - dt.timedelta(days=high), then=Value(i))
            for i, (_l, _low, high) in enumerate(AGEING_BUCKETS)
            if high is not None
        ]
        qs = AgeingFigure.objects.filter(tenant=tenant, day=run.day).filter(scope_q(actor))
        grouped = qs.annotate(bucket=DbCase(*whens, default=Value(len(AGEING_BUCKETS) - 1))).order_by()
        for b, n, total in grouped.values_list("bucket").annotate(n=Sum("cases"), s=Sum("outstanding")):
            rows[b] = (n, total)
    out = []
    for i, (label, _low, _high) in enumerate(AGEING_BUCKETS):
        n, total = rows.get(i, (0, ZERO))
        out.append((label, n, Decimal(total or 0).quantize(Decimal("0.01"))))
    return out


def status_counts(*, tenant: Tenant, actor: User) -> dict[str, int]:
    """Cases per state in the actor's scope: the latest snapshot, the status moves recorded on the timeline
    after it, and the cases opened after it (a primary-key range each, never a scan of the cases)."""
    check(actor, VIEW_CASES, tenant)
    scope, run = _scope(actor), _latest_run(tenant)
    counts: dict[str, int] = defaultdict(int)
    if scope is not None and not scope:
        return {}
    marks = {"tenant": tenant.pk, **_marks(run), "timeline_upto": run.timeline_upto if run else 0}
    if run is not None:
        qs = Snapshot.objects.filter(tenant=tenant, day=run.day).filter(scope_q(actor)).order_by()
        for status, n in qs.values_list("status").annotate(n=Sum("cases")):
            counts[status] += n
        with connection.cursor() as cur:
            cur.execute(sql.status_moves_select(sql.dialect(connection.vendor), _scope_sql(scope)), marks)
            for source, target, n in cur.fetchall():
                counts[source] -= n
                counts[target] += n
    new = Case.objects.filter(tenant=tenant, pk__gt=marks["case_upto"]).filter(scope_q(actor)).order_by()
    for status, n in new.values_list("status").annotate(n=Count("id")):
        counts[status] += n
    return {status: n for status, n in counts.items() if n}


def collector_collected(*, tenant: Tenant, actor: User, since: dt.date) -> dict[int | None, Decimal]:
    """Collected from `since` (within one month) per collector credited with it (`sql.credited_collector`):
    the latest snapshot's month plus the ledger after its mark."""
    check(actor, VIEW_AGENCY_REPORTS, tenant)
    scope, run = _scope(actor), _latest_run(tenant)
    out: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    if scope is not None and not scope:
        return {}
    month = since.strftime("%Y-%m")
    if run is not None:
        qs = CollectorMonth.objects.filter(tenant=tenant, day=run.day, month=month).filter(scope_q(actor))
        for collector_id, total in qs.order_by().values_list("collector_id").annotate(s=Sum("collected")):
            out[collector_id] += total
    d = sql.dialect(connection.vendor)
    statement = sql.collector_months_select(
        d, "e.id > %(upto)s AND e.posted_on >= %(since)s", _scope_sql(scope)
    )
    with connection.cursor() as cur:
        cur.execute(statement, {"tenant": tenant.pk, "since": since, **_marks(run)})
        for row_month, _creditor, collector_id, amount in cur.fetchall():
            if row_month == month:
                out[collector_id] += Decimal(amount).quantize(Decimal("0.01"))
    return dict(out)


def worked_seconds_by_person(
    *, tenant: Tenant, actor: User, since: dt.datetime, until: dt.datetime
) -> dict[int, int]:
    """Seconds each person worked in [since, until): the span of each block of their audited acts whose gaps
    are under 15 minutes (`sql.worked_select`, `domain.figures.worked_seconds`). The agency's own people."""
    check(actor, VIEW_AGENCY_REPORTS, tenant)
    params = {"tenant": tenant.pk, "since": _ts(since), "until": _ts(until)}
    with connection.cursor() as cur:
        cur.execute(sql.worked_select(sql.dialect(connection.vendor)), params)
        return {actor_id: int(seconds or 0) for actor_id, seconds in cur.fetchall()}


def _ts(when: dt.datetime) -> Any:
    # Raw SQL on SQLite compares text: the UTC form Django stores; PostgreSQL takes the aware datetime.
    if connection.vendor == "sqlite":
        return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return when


@dataclass
class RiskRow:
    case_id: int
    code: str
    creditor_id: int
    deadline: dt.date
    days_left: int
    amount: Decimal
    has_pec: bool


def prescription_at_risk(
    *, tenant: Tenant, actor: User, on: dt.date, days: int, limit: int = 200
) -> tuple[list[RiskRow], int, Decimal]:
    """Open cases whose claims prescribe from `on` to `on` + `days` (law engine dates stored by the latest
    build, `services.prescription_risk_build`), soonest first: (the first `limit` rows, how many in all, the
    amount at risk in all)."""
    check(actor, VIEW_AGENCY_REPORTS, tenant)
    latest = (
        PrescriptionRisk.objects.filter(tenant=tenant).order_by("-day").values_list("day", flat=True).first()
    )
    if latest is None:
        return [], 0, ZERO
    qs = PrescriptionRisk.objects.filter(
        tenant=tenant, day=latest, deadline__gte=on, deadline__lte=on + dt.timedelta(days=days)
    ).filter(scope_q(actor))
    total = qs.aggregate(n=Count("id"), s=Sum("amount"))
    risks = list(qs.order_by("deadline", "case_id")[:limit])
    cases = Case.objects.filter(tenant=tenant, pk__in=[r.case_id for r in risks])
    codes = dict(cases.values_list("pk", "code"))
    rows = [
        RiskRow(r.case_id, codes.get(r.case_id, ""), r.creditor_id, r.deadline, (r.deadline - on).days, r.amount,
                r.has_pec)
        for r in risks
    ]  # fmt: skip
    return rows, total["n"], Decimal(total["s"] or 0).quantize(Decimal("0.01"))


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
