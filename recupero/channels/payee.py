"""Whom the debtor pays, as every message prints it: the mandate says the agency (its collection account, then
remitted to the creditor less commission) or the creditor (its own account; the creditor reports the payments)."""

from __future__ import annotations

from recupero.cases.models import Case
from recupero.core.models import Tenant
from recupero.parties.models import Mandate


def payee_of(case: Case) -> str:
    """The payee of the case's mandate in force (the latest started): "agency" without a mandate."""
    mandate = (
        Mandate.objects.filter(tenant_id=case.tenant_id, creditor_id=case.creditor_id)
        .order_by("-starts_on", "-pk")
        .values_list("payee", flat=True)
        .first()
    )
    return mandate or "agency"


def payee_account(case: Case, tenant: Tenant) -> tuple[str, str]:
    """(IBAN, beneficiary) printed on the case's letters, e-mails and SMS. The creditor's account when its
    mandate says debtors pay it; the agency's otherwise (the creditor's when the agency has none on file)."""
    creditor = case.creditor
    if creditor.iban and (payee_of(case) == "creditor" or not tenant.iban):
        return creditor.iban, creditor.name
    return tenant.iban, tenant.name
