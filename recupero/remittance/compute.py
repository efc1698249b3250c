"""What a remittance would hold: every payment group of a creditor not yet remitted up to a day, set-based.

Two grouped queries read the books (payments, and reversals of payments, by ledger group, with their amounts per
receivable bucket); one reads what earlier remittances already gave each case (the cumulative base the tiers
and the minimum are measured on) and one the lines of the payments being reversed. The commission engine
(`domain/commission.py`) turns them into lines. Nothing is written here: `services.remittance_issue` stores the
draft under the creditor's lock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, Sum

from recupero.cases.domain.states import CaseStatus
from recupero.core.errors import DomainError
from recupero.core.models import Tenant
from recupero.law.money import ZERO, round_cents
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.models import LedgerEntry
from recupero.parties.models import Creditor, Mandate
from recupero.remittance.domain.commission import (
    Base,
    Collected,
    Figures,
    Phase,
    Plan,
    PlanError,
    Rate,
    minimum_topup,
    payment_figures,
    reversal_figures,
    topup_figures,
)
from recupero.remittance.domain.states import LineKind
from recupero.remittance.models import CommissionPlan, RemittanceLine

BUCKETS = {
    "principal": Account.PRINCIPAL,
    "interest": Account.LATE_INTEREST,
    "compensation": Account.FLAT_COMPENSATION,
    "costs": Account.COLLECTION_COSTS,
}


@dataclass
class DraftLine:
    case_id: int
    case_code: str
    key: str
    kind: LineKind
    posted_on: dt.date
    figures: Figures
    group: uuid.UUID | None = None
    reversed_group: uuid.UUID | None = None
    direct: bool = False
    phase: str = ""


@dataclass
class Draft:
    creditor: Creditor
    until: dt.date
    lines: list[DraftLine] = field(default_factory=list)
    vat_percent: Decimal = Decimal("22.00")  # the plan's rate on `until`, printed on the invoice
    cases: dict[int, tuple[str, str]] = field(default_factory=dict)  # case id: creditor's reference, debtor

    def total(self, name: str) -> Decimal:
        return sum((getattr(line.figures, name) for line in self.lines), ZERO)

    @property
    def payments(self) -> int:
        return sum(1 for line in self.lines if line.kind == LineKind.PAYMENT)

    @property
    def collected(self) -> Decimal:
        return sum((line.figures.collected.total for line in self.lines), ZERO)

    @property
    def net(self) -> Decimal:
        """What the agency transfers: every line not paid straight to the creditor."""
        return sum((line.figures.remitted for line in self.lines if not line.direct), ZERO)

    @property
    def to_invoice(self) -> Decimal:
        """What the creditor owes: commission and VAT on the payments it received itself."""
        return -sum((line.figures.remitted for line in self.lines if line.direct), ZERO)


# ------------------------------------------------------------------------------------------------ plans


def plan_of(row: CommissionPlan | None, mandate: Mandate) -> Plan:
    """The engine's plan from the stored one; a mandate without a plan: its flat percent, everything as base."""
    if row is None:
        rates = tuple(Rate(p, mandate.commission_percent) for p in Phase)
        return Plan(rates=rates, minimum_per_case=mandate.commission_fixed)
    return Plan(
        rates=tuple(
            Rate(
                Phase(r["phase"]),
                Decimal(str(r["percent"])),
                int(r.get("min_age_days", 0)),
                Decimal(str(r.get("from_amount", "0"))),
            )
            for r in row.rates
        ),
        minimum_per_case=row.minimum_per_case,
        base=Base(row.base),
        keep_interest=row.keep_interest,
        vat_percent=row.vat_percent,
        direct_commission=row.direct_commission,
    )


class Plans:
    """The creditor's mandates with their plans; the one in force on a day (the latest started by then)."""

    def __init__(self, tenant: Tenant, creditor: Creditor) -> None:
        mandates = list(Mandate.objects.filter(tenant=tenant, creditor=creditor).order_by("starts_on", "id"))
        rows = {p.mandate_id: p for p in CommissionPlan.objects.filter(tenant=tenant, mandate__in=mandates)}
        self.periods = [(m.starts_on, plan_of(rows.get(m.pk), m)) for m in mandates]
        self._by_day: dict[dt.date, Plan] = {}  # asked twice a payment, for a month of days

    def on(self, day: dt.date) -> Plan:
        plan = self._by_day.get(day)
        if plan is None:
            plan = self._by_day[day] = self._on(day)
        return plan

    def _on(self, day: dt.date) -> Plan:
        if not self.periods:
            raise DomainError("remittance.no_mandate")
        chosen = self.periods[0][1]
        for starts_on, plan in self.periods:
            if starts_on <= day:
                chosen = plan
        return chosen


# ------------------------------------------------------------------------------------------------ reads


def _bucket_sums(side: str) -> dict[str, Any]:
    return {name: Sum("amount", filter=Q(**{side: acc.value})) for name, acc in BUCKETS.items()}


def exact_sums() -> bool:
    """PostgreSQL sums numeric(14,2) exactly, into Decimals of two places; SQLite sums decimals as binary floats
    (amounts are whole cents, so `round_cents` restores them exactly: 760,000 calls in a month's remittance)."""
    return connection.vendor == "postgresql"


def _collected(row: dict[str, Any], exact: bool) -> Collected:
    if exact:
        return Collected(
            row["principal"] or ZERO,
            row["interest"] or ZERO,
            row["compensation"] or ZERO,
            row["costs"] or ZERO,
        )
    return Collected(*(round_cents(Decimal(row[n] or 0)) for n in BUCKETS))


def debtor_name(company: str, last: str, first: str) -> str:
    """As `parties.Debtor.__str__`, from the columns read with a line."""
    return company or f"{last} {first}".strip()


def _unremitted(tenant: Tenant) -> Exists:
    return Exists(RemittanceLine.objects.filter(tenant=tenant, group=OuterRef("group")))


CASE_FIELDS = (
    "case_id", "case__code", "case__status", "case__first_due_on", "case__opened_on", "case__creditor_reference",
    "case__debtor__company_name", "case__debtor__last_name", "case__debtor__first_name",
)  # fmt: skip


def payment_rows(tenant: Tenant, creditor: Creditor, until: dt.date) -> list[dict[str, Any]]:
    entries = LedgerEntry.objects.filter(
        tenant=tenant, case__creditor=creditor, kind=EntryKind.PAYMENT.value, posted_on__lte=until
    )
    return list(
        entries.exclude(_unremitted(tenant))
        .values("group", "posted_on", "debit_account", *CASE_FIELDS)
        .annotate(**_bucket_sums("credit_account"))
        .order_by()
    )


def reversal_rows(tenant: Tenant, creditor: Creditor, until: dt.date) -> list[dict[str, Any]]:
    entries = LedgerEntry.objects.filter(
        tenant=tenant,
        case__creditor=creditor,
        kind=EntryKind.REVERSAL.value,
        reverses__kind=EntryKind.PAYMENT.value,
        posted_on__lte=until,
    )
    return list(
        entries.exclude(_unremitted(tenant))
        .values("group", "posted_on", "reverses__group", "credit_account", *CASE_FIELDS)
        .annotate(**_bucket_sums("debit_account"))
        .order_by()
    )


def prior_by_case(tenant: Tenant, creditor: Creditor) -> dict[int, dict[str, Decimal]]:
    """What earlier remittances gave each case: cumulative base, computed commission, minimum top-ups."""
    minimum = Q(kind=LineKind.MINIMUM.value)
    rows = (
        RemittanceLine.objects.filter(tenant=tenant, remittance__creditor=creditor)
        .values("case_id")
        .annotate(
            base=Sum("base"),
            computed=Sum("commission", filter=~minimum),
            topups=Sum("commission", filter=minimum),
        )
        .order_by()
    )
    if exact_sums():
        return {r["case_id"]: {k: r[k] or ZERO for k in ("base", "computed", "topups")} for r in rows}
    return {
        r["case_id"]: {k: round_cents(Decimal(r[k] or 0)) for k in ("base", "computed", "topups")}
        for r in rows
    }


def _chunks(values: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def remitted_originals(tenant: Tenant, groups: list[uuid.UUID]) -> dict[uuid.UUID, RemittanceLine]:
    out: dict[uuid.UUID, RemittanceLine] = {}
    for chunk in _chunks(groups):
        for line in RemittanceLine.objects.filter(
            tenant=tenant, kind=LineKind.PAYMENT.value, group__in=chunk
        ):
            assert line.group is not None
            out[line.group] = line
    return out


def earlier_reversals(tenant: Tenant, groups: list[uuid.UUID]) -> dict[uuid.UUID, list[RemittanceLine]]:
    out: dict[uuid.UUID, list[RemittanceLine]] = defaultdict(list)
    for chunk in _chunks(groups):
        for line in RemittanceLine.objects.filter(
            tenant=tenant, kind=LineKind.REVERSAL.value, reversed_group__in=chunk
        ):
            assert line.reversed_group is not None
            out[line.reversed_group].append(line)
    return out


def figures_of(line: RemittanceLine) -> Figures:
    collected = Collected(line.principal, line.interest, line.compensation, line.costs)
    return Figures(collected, line.base, line.commission, line.vat, line.held, line.remitted)


def add(a: Figures, b: Figures) -> Figures:
    ca, cb = a.collected, b.collected
    collected = Collected(
        ca.principal + cb.principal,
        ca.interest + cb.interest,
        ca.compensation + cb.compensation,
        ca.costs + cb.costs,
    )
    return Figures(
        collected,
        a.base + b.base,
        a.commission + b.commission,
        a.vat + b.vat,
        a.held + b.held,
        a.remitted + b.remitted,
    )


# ------------------------------------------------------------------------------------------------ the draft


LEGAL, PAID_TO_CREDITOR = CaseStatus.LEGAL.value, Account.PAID_TO_CREDITOR.value  # an enum's .value: ~1 µs


def _phase(row: dict[str, Any]) -> Phase:
    # The case's legal flag when the remittance is built (cases record no status history by date yet).
    return Phase.LEGAL if row["case__status"] == LEGAL else Phase.OUT_OF_COURT


def _age(row: dict[str, Any]) -> int:
    due = row["case__first_due_on"] or row["case__opened_on"]
    return (row["posted_on"] - due).days if due else 0


def _sort_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["case_id"],
        row["posted_on"],
        "reverses__group" in row,
        row["group"].int,
    )  # .int: as str, faster


class _Builder:
    """Walks one creditor's unremitted groups case by case, in date order (payments before reversals)."""

    def __init__(self, tenant: Tenant, creditor: Creditor, until: dt.date) -> None:
        self.tenant, self.until = tenant, until
        self.plans = Plans(tenant, creditor)
        self.prior = prior_by_case(tenant, creditor)
        self.draft = Draft(creditor=creditor, until=until)
        self.exact = exact_sums()
        self.fresh: dict[uuid.UUID, tuple[Figures, dt.date, bool]] = {}  # payments of this draft

    def run(self, payments: list[dict[str, Any]], reversals: list[dict[str, Any]]) -> Draft:
        reversed_groups = sorted({r["reverses__group"] for r in reversals}, key=str)
        self.originals = remitted_originals(self.tenant, reversed_groups)
        self.earlier = earlier_reversals(self.tenant, reversed_groups)
        rows = sorted([*payments, *reversals], key=_sort_key)
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i]["case_id"] != rows[start]["case_id"]:
                self._case(rows[start:i])
                start = i
        return self.draft

    def _case(self, rows: list[dict[str, Any]]) -> None:
        first = rows[0]
        self.draft.cases[first["case_id"]] = (
            first["case__creditor_reference"],
            debtor_name(
                first["case__debtor__company_name"], first["case__debtor__last_name"],
                first["case__debtor__first_name"],
            ),
        )  # fmt: skip
        prior = self.prior.get(first["case_id"], {"base": ZERO, "computed": ZERO, "topups": ZERO})
        base, computed = prior["base"], prior["computed"]
        plan: Plan | None = None
        for row in rows:
            line = self._payment(row, base) if "debit_account" in row else self._reversal(row)
            if line is None:
                continue
            plan = self.plans.on(line.posted_on)
            self.draft.lines.append(line)
            base += line.figures.base
            computed += line.figures.commission
        if plan is not None:
            self._minimum(first, plan, base, computed, prior["topups"])

    def _payment(self, row: dict[str, Any], base_before: Decimal) -> DraftLine:
        direct = row["debit_account"] == PAID_TO_CREDITOR
        plan = self.plans.on(row["posted_on"])
        phase = _phase(row)
        try:
            figures = payment_figures(
                plan,
                _collected(row, self.exact),
                phase=phase,
                age_days=_age(row),
                base_before=base_before,
                direct=direct,
            )
        except PlanError as exc:
            raise DomainError(exc.code, phase=phase.value) from None
        self.fresh[row["group"]] = (figures, row["posted_on"], direct)
        return DraftLine(
            row["case_id"], row["case__code"], str(row["group"]), LineKind.PAYMENT, row["posted_on"], figures,
            group=row["group"], direct=direct, phase=phase.value,
        )  # fmt: skip

    def _reversal(self, row: dict[str, Any]) -> DraftLine | None:
        target = row["reverses__group"]
        if target in self.originals:
            stored = self.originals[target]
            original, posted_on, direct = figures_of(stored), stored.posted_on, stored.direct
        elif target in self.fresh:
            original, posted_on, direct = self.fresh[target]
        else:
            return None  # its payment is not remitted yet (after `until`): both go together later
        already = Figures()
        for earlier in self.earlier.get(target, []):
            already = add(already, figures_of(earlier))
        reversed_before = already.collected.scaled(-1)
        plan = self.plans.on(posted_on)
        now = _collected(row, self.exact)
        figures = reversal_figures(plan, original, now, reversed_before, already, direct=direct)
        self.earlier.setdefault(target, [])  # several reversal groups of one payment in one draft
        line = DraftLine(
            row["case_id"], row["case__code"], f"{row['group']}/{target}", LineKind.REVERSAL, row["posted_on"],
            figures, group=row["group"], reversed_group=target, direct=direct,
        )  # fmt: skip
        self.earlier[target].append(_as_line(line))
        return line

    def _minimum(
        self, row: dict[str, Any], plan: Plan, base: Decimal, computed: Decimal, topups: Decimal
    ) -> None:
        extra = minimum_topup(plan, cum_base=base, computed=computed, topups_before=topups)
        if extra:
            figures = topup_figures(plan, extra)
            key = f"minimum/{row['case_id']}"  # completed with the remittance number when issued
            self.draft.lines.append(
                DraftLine(row["case_id"], row["case__code"], key, LineKind.MINIMUM, self.until, figures)
            )


def _as_line(line: DraftLine) -> RemittanceLine:
    """An unsaved line standing for a reversal of this draft, for the next reversal of the same payment."""
    f = line.figures
    c = f.collected
    return RemittanceLine(
        principal=c.principal, interest=c.interest, compensation=c.compensation, costs=c.costs,
        collected=c.total, base=f.base, commission=f.commission, vat=f.vat, held=f.held, remitted=f.remitted,
    )  # fmt: skip


def draft_compute(*, tenant: Tenant, creditor: Creditor, until: dt.date) -> Draft:
    """Every not-yet-remitted payment group (and reversal of a payment) of the creditor up to `until`."""
    builder = _Builder(tenant, creditor, until)
    draft = builder.run(payment_rows(tenant, creditor, until), reversal_rows(tenant, creditor, until))
    if draft.lines:
        draft.vat_percent = builder.plans.on(until).vat_percent
    return draft
