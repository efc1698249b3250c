"""Promises, plans and settlements as figures: how many are open, for how much, and their kept rate.

Shared by the creditor's portal (by kind) and the agency's reports (by collector, `taken_by_id`). One scoped
aggregate over the arrangements (a GROUP BY on kind/collector × status), not a scan of the cases: the kept
rate is kept / (kept + broken) over the arrangements that ended (replaced, cancelled, rejected and expired ones
count in neither side: the debtor neither kept nor broke them). `ended_since` limits the kept and broken ones to
those that ended from that day (a period's rate); the open ones are open now, whenever they started."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from recupero.arrangements.domain.states import ArrangementStatus
from recupero.arrangements.models import Arrangement
from recupero.core.domain.roles import VIEW_CASES
from recupero.core.models import Tenant, User
from recupero.core.permissions import check
from recupero.reporting.domain.figures import percent
from recupero.reporting.selectors import _scope

ZERO = Decimal("0.00")
S = ArrangementStatus
GROUPINGS = frozenset({"kind", "taken_by_id", "creditor_id", None})


@dataclass
class ArrangementFigures:
    """One group's arrangements: open ones (count, amount agreed, paid so far) and ended ones."""

    active: int = 0
    active_total: Decimal = ZERO  # what the debtors undertook to pay on the active ones
    active_paid: Decimal = ZERO  # what the books show paid towards them (net of reversals)
    pending_approval: int = 0
    pending_total: Decimal = ZERO
    kept: int = 0
    kept_total: Decimal = ZERO
    broken: int = 0
    broken_total: Decimal = ZERO

    def add(self, other: ArrangementFigures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def ended(self) -> int:
        return self.kept + self.broken

    @property
    def kept_rate(self) -> Decimal | None:
        """kept / (kept + broken) in %, one decimal; None when none has ended yet (not 0%: nothing to judge)."""
        return percent(Decimal(self.kept), Decimal(self.ended)) if self.ended else None

    @property
    def active_outstanding(self) -> Decimal:
        return max(self.active_total - self.active_paid, ZERO)


def arrangement_figures(
    *, tenant: Tenant, actor: User, by: str | None = None, ended_since: dt.date | None = None
) -> dict[object, ArrangementFigures]:
    """Figures per `by` ("kind", "taken_by_id", "creditor_id"; None: one group keyed None), cut to the
    creditors the actor reaches (creditor user: its own; consultant: its creditors; lawyer: none)."""
    check(actor, VIEW_CASES, tenant)
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    shown = [S.ACTIVE, S.PENDING_APPROVAL, S.KEPT, S.BROKEN]
    if ended_since is None:  # one list: PostgreSQL reads it from the arrangement_creditor index alone
        qs = Arrangement.objects.filter(tenant=tenant, status__in=shown)
    else:
        ended = Q(status__in=[S.KEPT, S.BROKEN], ended_on__gte=ended_since)
        qs = Arrangement.objects.filter(tenant=tenant).filter(Q(status__in=shown[:2]) | ended)
    scope = _scope(actor)
    if scope is not None:  # the arrangement's own creditor column (arrangement_creditor index): no case read
        qs = qs.filter(creditor_id__in=sorted(scope))
    keys = ("status",) if by is None else (by, "status")
    out: dict[object, ArrangementFigures] = {}
    rows = qs.order_by().values(*keys).annotate(n=Count("*"), total=Sum("total"), paid=Sum("paid_seen"))
    for row in rows:
        figures = out.setdefault(None if by is None else row[by], ArrangementFigures())
        _fill(figures, ArrangementStatus(row["status"]), row["n"], row["total"] or ZERO, row["paid"] or ZERO)
    return out


def _fill(f: ArrangementFigures, status: ArrangementStatus, n: int, total: Decimal, paid: Decimal) -> None:
    if status == S.ACTIVE:
        f.active, f.active_total, f.active_paid = f.active + n, f.active_total + total, f.active_paid + paid
    elif status == S.PENDING_APPROVAL:
        f.pending_approval, f.pending_total = f.pending_approval + n, f.pending_total + total
    elif status == S.KEPT:
        f.kept, f.kept_total = f.kept + n, f.kept_total + total
    elif status == S.BROKEN:
        f.broken, f.broken_total = f.broken + n, f.broken_total + total


def arrangement_totals(figures: dict[object, ArrangementFigures]) -> ArrangementFigures:
    total = ArrangementFigures()
    for f in figures.values():
        total.add(f)
    return total
