"""One read of an issued remittance for every file: header, parties, lines with case and debtor, per-case sums."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from recupero.law.money import ZERO

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
    cases: list[dict[str, Any]] = field(default_factory=list)

    def sum(self, name: str, *, direct: bool | None = None) -> Decimal:
        rows = self.lines if direct is None else [r for r in self.lines if r["direct"] == direct]
        return sum((r[name] for r in rows), ZERO)


def statement_data(remittance: Remittance) -> StatementData:
    from recupero.remittance.models import AgencyAccount, PayoutAccount, RemittanceLine

    lines = list(
        RemittanceLine.objects.filter(tenant_id=remittance.tenant_id, remittance=remittance)
        .order_by("case__code", "posted_on", "pk")
        .values(
            "case_id", "case__code", "case__creditor_reference", "case__debtor__company_name",
            "case__debtor__last_name", "case__debtor__first_name", "kind", "posted_on", "direct", "phase",
            "group", *SUMS,
        )
    )  # fmt: skip
    for r in lines:
        r["debtor"] = r["case__debtor__company_name"] or (
            f"{r['case__debtor__last_name']} {r['case__debtor__first_name']}".strip()
        )
    return StatementData(
        remittance=remittance,
        tenant=remittance.tenant,
        creditor=remittance.creditor,
        agency=AgencyAccount.objects.get(tenant_id=remittance.tenant_id),
        payout=PayoutAccount.objects.get(tenant_id=remittance.tenant_id, creditor_id=remittance.creditor_id),
        lines=lines,
        cases=_per_case(lines),
    )


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
