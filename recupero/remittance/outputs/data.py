"""What every file of a remittance is made from: header, parties, lines with case and debtor, per-case sums.

One function makes the files from rows (`statement_data`), and rows come from two places that give the same ones:
`draft_rows`, the lines of the draft just stored (the issue keeps them in memory: reading back 90,000 lines with
their cases and debtors took 1.5-2.3 s of a month's issue), and `stored_rows`, the lines read back from the
database (a run killed after the commit is completed from them). tests/test_outputs.py holds the two equal.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from recupero.law.money import ZERO
from recupero.remittance.compute import Draft, debtor_name

if TYPE_CHECKING:
    from recupero.core.models import Tenant
    from recupero.parties.models import Creditor
    from recupero.remittance.models import AgencyAccount, PayoutAccount, Remittance

SUMS = (
    "principal",
    "interest",
    "compensation",
    "costs",
    "collected",
    "commission",
    "vat",
    "held",
    "remitted",
)


@dataclass
class StatementData:
    remittance: Remittance
    tenant: Tenant
    creditor: Creditor
    agency: AgencyAccount
    payout: PayoutAccount
    lines: list[dict[str, Any]]
    totals: dict[tuple[str, bool | None], Decimal] = field(default_factory=dict)

    def sum(self, name: str, *, direct: bool | None = None) -> Decimal:
        return self.totals[(name, direct)]

    @functools.cached_property
    def case_count(self) -> int:
        return len({r["case_id"] for r in self.lines})

    @functools.cached_property
    def cases(self) -> list[dict[str, Any]]:
        """One row per case with its sums (only a short statement lists them: made when asked)."""
        return _per_case(self.lines)


def stored_rows(remittance: Remittance) -> list[dict[str, Any]]:
    """The remittance's stored lines as rows, in the order they were written."""
    from recupero.remittance.models import RemittanceLine

    rows = list(
        RemittanceLine.objects.filter(tenant_id=remittance.tenant_id, remittance=remittance)
        .order_by("pk")
        .values(
            "case_id", "case__code", "case__creditor_reference", "case__debtor__company_name",
            "case__debtor__last_name", "case__debtor__first_name", "kind", "posted_on", "direct", "phase", *SUMS,
        )
    )  # fmt: skip
    for r in rows:
        r["debtor"] = debtor_name(
            r.pop("case__debtor__company_name"),
            r.pop("case__debtor__last_name"),
            r.pop("case__debtor__first_name"),
        )
    return rows


def draft_rows(draft: Draft) -> list[dict[str, Any]]:
    """The lines of a draft as `stored_rows` reads them back once stored (a negative zero is stored as zero)."""
    rows = []
    for line in draft.lines:
        f, c = line.figures, line.figures.collected
        reference, debtor = draft.cases[line.case_id]
        rows.append(
            {
                "case_id": line.case_id, "case__code": line.case_code, "case__creditor_reference": reference,
                "kind": line.kind.value, "posted_on": line.posted_on, "direct": line.direct, "phase": line.phase,
                "principal": c.principal or ZERO, "interest": c.interest or ZERO,
                "compensation": c.compensation or ZERO, "costs": c.costs or ZERO, "collected": c.total or ZERO,
                "commission": f.commission or ZERO, "vat": f.vat or ZERO, "held": f.held or ZERO,
                "remitted": f.remitted or ZERO, "debtor": debtor,
            }
        )  # fmt: skip
    return rows


@dataclass(frozen=True)
class Parties:
    """Who the files name: read from the database before the files are made (maybe in another thread)."""

    tenant: Tenant
    creditor: Creditor
    agency: AgencyAccount
    payout: PayoutAccount


def parties_of(remittance: Remittance) -> Parties:
    from recupero.remittance.models import AgencyAccount, PayoutAccount

    return Parties(
        tenant=remittance.tenant,
        creditor=remittance.creditor,
        agency=AgencyAccount.objects.get(tenant_id=remittance.tenant_id),
        payout=PayoutAccount.objects.get(tenant_id=remittance.tenant_id, creditor_id=remittance.creditor_id),
    )


def statement_data(remittance: Remittance, rows: list[dict[str, Any]], parties: Parties) -> StatementData:
    """The files' data from the remittance's rows (`draft_rows` or `stored_rows`), ordered by case and date;
    reads nothing from the database."""
    lines = sorted(rows, key=itemgetter("case__code", "posted_on"))  # stable: as written within a day
    return StatementData(
        remittance=remittance,
        tenant=parties.tenant,
        creditor=parties.creditor,
        agency=parties.agency,
        payout=parties.payout,
        lines=lines,
        totals=_totals(lines),
    )


def _totals(lines: list[dict[str, Any]]) -> dict[tuple[str, bool | None], Decimal]:
    out: dict[tuple[str, bool | None], Decimal] = {}
    for direct in (False, True):
        rows = [r for r in lines if r["direct"] == direct]
        for name in SUMS:
            out[(name, direct)] = sum(map(itemgetter(name), rows), ZERO)
    for name in SUMS:
        out[(name, None)] = out[(name, False)] + out[(name, True)]
    return out


def _per_case(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in lines:  # ordered by case code
        if not out or out[-1]["case_id"] != r["case_id"]:
            out.append({"case_id": r["case_id"], "code": r["case__code"], "debtor": r["debtor"], "lines": 0,
                        **dict.fromkeys(SUMS, ZERO)})  # fmt: skip
        row = out[-1]
        row["lines"] += 1
        for name in SUMS:
            row[name] += r[name]
    return out
