"""Every write of remittances: commission plans, payout and agency accounts, issuing a remittance.

`remittance_build` computes what would be remitted (it writes nothing; the page "check" shows it);
`remittance_issue` stores it under the creditor's row lock, in one transaction: the header and one line per
ledger group, each with a UNIQUE key, so a payment is remitted exactly once even if two issues race (the
second finds nothing left, or the database refuses its twin). The files are written after the commit from the
lines just stored (kept in memory: the same rows a read-back gives, see `outputs/data.py`); a run killed before
they are written is completed by the next issue for the creditor, from the stored lines.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from typing import Any

from django.db import transaction
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from recupero.core.bulk import Bulk, gc_paused
from recupero.core.clock import today
from recupero.core.domain.roles import ISSUE_REMITTANCE, MANAGE_CREDITORS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_creditor, service
from recupero.core.services import audit_record
from recupero.parties.models import Creditor, Mandate
from recupero.remittance.compute import Draft, draft_compute, plan_of
from recupero.remittance.domain.commission import Base, Phase
from recupero.remittance.domain.states import LineKind, RemittanceStatus, can_transition
from recupero.remittance.models import (
    AgencyAccount,
    CommissionPlan,
    PayoutAccount,
    Remittance,
    RemittanceLine,
)
from recupero.remittance.outputs import save_files, write_files
from recupero.remittance.outputs.rendering import Rendering


def _iban(value: str) -> str:
    try:
        return str(IBAN(value.replace(" ", "")).compact)
    except SchwiftyException:
        raise DomainError("remittance.bad_iban", value=value) from None


@service(ISSUE_REMITTANCE)
def remittance_build(*, tenant: Tenant, actor: User, creditor: Creditor, until: dt.date) -> Draft:
    """What the creditor's remittance up to `until` would hold (rendiconto in bozza): nothing is written."""
    require_creditor(actor, ISSUE_REMITTANCE, creditor.pk, creditor.tenant_id)
    if until > today():
        raise DomainError("remittance.future_date", value=f"{until:%d/%m/%Y}")
    with gc_paused():
        return draft_compute(tenant=tenant, creditor=creditor, until=until)


@service(ISSUE_REMITTANCE)
def remittance_issue(*, tenant: Tenant, actor: User, creditor: Creditor, until: dt.date) -> Remittance | None:
    """Lock the period: store every unremitted group up to `until` as lines, then write the files.

    Returns the new remittance; with nothing new, the one this call completed (a run killed before its files),
    else None."""
    require_creditor(actor, ISSUE_REMITTANCE, creditor.pk, creditor.tenant_id)
    if until > today():
        raise DomainError("remittance.future_date", value=f"{until:%d/%m/%Y}")
    # Millions of acyclic objects (rows, lines, figures, cells): the collector's passes were 40 % of the engine.
    with gc_paused():
        completed = [_complete(r) for r in _pending(tenant, creditor)]
        issued = _issue(tenant=tenant, actor=actor, creditor=creditor, until=until)
        if issued is None:
            return completed[-1] if completed else None
        _crash_point("files")
        remittance, rendering = issued
        return _complete(remittance, rendering)


def _crash_point(name: str) -> None:
    """The seam of the kill -9 test (tests/test_crash.py): with RECUPERO_CRASH_PAUSE=<name> the process says so
    on stderr and waits to be killed at exactly this point. Unset, it is one dictionary look-up."""
    if os.environ.get("RECUPERO_CRASH_PAUSE") == name:
        sys.stderr.write(f"pause:{name}\n")
        sys.stderr.flush()
        time.sleep(120)


def _pending(tenant: Tenant, creditor: Creditor) -> list[Remittance]:
    return list(
        Remittance.objects.filter(
            tenant=tenant, creditor=creditor, status=RemittanceStatus.ISSUED.value
        ).order_by("pk")
    )


@transaction.atomic
def _issue(
    *, tenant: Tenant, actor: User, creditor: Creditor, until: dt.date
) -> tuple[Remittance, Rendering] | None:
    Creditor.objects.select_for_update().filter(pk=creditor.pk).first()  # one issue per creditor at a time
    draft = draft_compute(tenant=tenant, creditor=creditor, until=until)
    if not draft.lines:
        return None
    payout = PayoutAccount.objects.filter(tenant=tenant, creditor=creditor).first()
    if payout is None:
        raise DomainError("remittance.no_payout")
    agency = AgencyAccount.objects.filter(tenant=tenant).first()
    if agency is None:
        raise DomainError("remittance.no_agency_account")
    remittance = Remittance.objects.create(
        tenant=tenant, creditor=creditor, number=_next_number(tenant), until=until, issued_on=today(),
        payments=draft.payments, collected=draft.collected, commission=draft.total("commission"),
        vat=draft.total("vat"), held=draft.total("held"), net=draft.net, to_invoice=draft.to_invoice,
        vat_percent=draft.vat_percent,
        payout_iban=payout.iban, agency_iban=agency.iban, actor=actor if actor.pk else None,
    )  # fmt: skip
    rendering = Rendering(remittance, draft)  # the files prepared while the lines are stored
    try:
        # Keys checked set-based where the role may (decision 0004): else 270,000 trigger calls at the commit.
        Bulk(checked=True).write(
            RemittanceLine._meta.db_table, LINE_COLUMNS, _lines(tenant, remittance, draft)
        )
        _crash_point("lines")  # inside the transaction: a kill here leaves nothing
        audit_record(
            tenant=tenant,
            actor=actor,
            action="remittance.issue",
            obj=remittance,
            details={
                "creditor": creditor.code, "until": until.isoformat(), "payments": draft.payments,
                "collected": str(remittance.collected), "commission": str(remittance.commission),
                "vat": str(remittance.vat), "net": str(remittance.net), "to_invoice": str(remittance.to_invoice),
            },
        )  # fmt: skip
    except BaseException:  # nothing stored: the child's work is dropped
        rendering.cancel()
        raise
    return remittance, rendering


def _next_number(tenant: Tenant) -> str:
    year = today().year
    count = Remittance.objects.filter(tenant=tenant, number__startswith=f"{year}/").count()
    return f"{year}/{count + 1:04d}"


LINE_COLUMNS = (
    "tenant_id", "remittance_id", "case_id", "key", "kind", "group", "reversed_group", "posted_on", "direct",
    "phase", "principal", "interest", "compensation", "costs", "collected", "base", "commission", "vat", "held",
    "remitted",
)  # fmt: skip


def _lines(tenant: Tenant, remittance: Remittance, draft: Draft) -> list[tuple[object, ...]]:
    """The lines as rows for `core.bulk` (COPY / executemany: the ORM's bulk_create took 11 s for 18,000)."""
    out: list[tuple[object, ...]] = []
    for line in draft.lines:
        f, c = line.figures, line.figures.collected
        key = f"{line.key}/{remittance.pk}" if line.kind == LineKind.MINIMUM else line.key
        out.append(
            (
                tenant.pk,
                remittance.pk,
                line.case_id,
                key,
                line.kind.value,
                line.group.hex if line.group else None,
                line.reversed_group.hex if line.reversed_group else None,
                line.posted_on.isoformat(),
                int(line.direct),
                line.phase,
                str(c.principal),
                str(c.interest),
                str(c.compensation),
                str(c.costs),
                str(c.total),
                str(f.base),
                str(f.commission),
                str(f.vat),
                str(f.held),
                str(f.remitted),
            )
        )
    return out


def _complete(remittance: Remittance, rendering: Rendering | None = None) -> Remittance:
    """Write the files of an issued remittance and mark it ready; a no-op once ready. Idempotent: the files
    are derived from its lines (`rendering`: made from those just stored, in memory; None: read back), so a rerun
    after a crash writes the same ones. A building block of `remittance_issue` (which checked the actor), not a
    service."""
    if not can_transition(remittance.status, RemittanceStatus.READY):
        return remittance
    names = write_files(remittance) if rendering is None else save_files(remittance, rendering.result())
    with transaction.atomic():
        moved = Remittance.objects.filter(pk=remittance.pk, status=RemittanceStatus.ISSUED.value).update(
            status=RemittanceStatus.READY.value, **names
        )
    remittance.refresh_from_db()
    if not moved:  # a concurrent completion won: its files are the same
        return remittance
    return remittance


# ------------------------------------------------------------------------------------- terms and accounts


def _plan_rates(rates: list[dict[str, Any]]) -> list[dict[str, str | int]]:
    """Validated rows: a known phase, a percent in 0..100, a band and a tier not negative."""
    out: list[dict[str, str | int]] = []
    try:
        for r in rates:
            row = {
                "phase": Phase(r["phase"]).value,
                "percent": str(Decimal(str(r["percent"])).quantize(Decimal("0.01"))),
                "min_age_days": int(r.get("min_age_days", 0)),
                "from_amount": str(Decimal(str(r.get("from_amount", "0"))).quantize(Decimal("0.01"))),
            }
            if not Decimal("0") <= Decimal(str(row["percent"])) <= Decimal("100"):
                raise ValueError("percentuale fuori da 0-100")
            if int(row["min_age_days"]) < 0 or Decimal(str(row["from_amount"])) < 0:
                raise ValueError("fascia negativa")
            out.append(row)
    except (KeyError, ValueError, ArithmeticError) as exc:
        raise DomainError("remittance.bad_plan", detail=str(exc)) from None
    if not out:
        raise DomainError("remittance.bad_plan", detail="nessuna percentuale")
    return out


@service(MANAGE_CREDITORS)
@transaction.atomic
def commission_plan_set(
    *,
    tenant: Tenant,
    actor: User,
    mandate: Mandate,
    rates: list[dict[str, Any]],
    minimum_per_case: Decimal = Decimal("0.00"),
    base: Base = Base.ALL,
    keep_interest: bool = False,
    vat_percent: Decimal = Decimal("22.00"),
    direct_commission: bool = True,
) -> CommissionPlan:
    """Set the commission terms of a mandate (replacing earlier ones: issued remittances keep their figures)."""
    require_creditor(actor, MANAGE_CREDITORS, mandate.creditor_id, mandate.tenant_id)
    if minimum_per_case < 0 or not Decimal("0") <= vat_percent <= Decimal("100"):
        raise DomainError("remittance.bad_plan", detail="minimo o aliquota IVA non validi")
    terms = dict(
        rates=_plan_rates(rates), minimum_per_case=minimum_per_case, base=Base(base).value,
        keep_interest=keep_interest, vat_percent=vat_percent, direct_commission=direct_commission,
    )  # fmt: skip
    plan, _ = CommissionPlan.objects.update_or_create(tenant=tenant, mandate=mandate, defaults=terms)
    plan_of(plan, mandate)  # the engine accepts it
    audit_record(
        tenant=tenant,
        actor=actor,
        action="remittance.plan_set",
        obj=mandate,
        details={"rates": terms["rates"]},
    )
    return plan


@service(MANAGE_CREDITORS)
@transaction.atomic
def payout_account_set(
    *, tenant: Tenant, actor: User, creditor: Creditor, iban: str, street: str, cap: str, municipality: str,
    province: str, sdi_code: str = "0000000", bic: str = "",
) -> PayoutAccount:  # fmt: skip
    """The creditor's account for remittances and its invoicing address."""
    require_creditor(actor, MANAGE_CREDITORS, creditor.pk, creditor.tenant_id)
    fields = dict(
        iban=_iban(iban), bic=bic, street=street, cap=cap, municipality=municipality,
        province=province.upper(), sdi_code=sdi_code or "0000000",
    )  # fmt: skip
    account, _ = PayoutAccount.objects.update_or_create(tenant=tenant, creditor=creditor, defaults=fields)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="remittance.payout_set",
        obj=creditor,
        details={"iban": fields["iban"]},
    )
    return account


@service(MANAGE_CREDITORS)
@transaction.atomic
def agency_account_set(
    *, tenant: Tenant, actor: User, iban: str, street: str, cap: str, municipality: str, province: str,
    tax_code: str = "", tax_regime: str = "RF01", bic: str = "",
) -> AgencyAccount:  # fmt: skip
    """The agency's own IBAN (where debtors pay it) and its invoicing data (cedente prestatore)."""
    fields = dict(
        iban=_iban(iban), bic=bic, street=street, cap=cap, municipality=municipality,
        province=province.upper(), tax_code=tax_code, tax_regime=tax_regime,
    )  # fmt: skip
    account, _ = AgencyAccount.objects.update_or_create(tenant=tenant, defaults=fields)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="remittance.agency_account_set",
        obj=tenant,
        details={"iban": fields["iban"]},
    )
    return account
