"""The demo agency's bank: its collection account and one month's statement, imported through the real path.

The statement's credits carry, like a real month: case codes in the causale, RF references, IBANs already known
for the debtor (from an earlier payment), bare names, and a credit that is not a debtor's. Most post by
themselves; the rest wait in the review queue (Incassi → Da verificare).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from schwifty import IBAN

from recupero.cases.domain.states import OPEN_STATUSES
from recupero.cases.models import Case
from recupero.core.clock import today
from recupero.core.models import Tenant, User
from recupero.core.permissions import system_actor
from recupero.imports.bank import statement_file_import
from recupero.payments.domain.camt_write import camt053
from recupero.payments.domain.rf import creditor_reference
from recupero.payments.domain.statements import EntryData
from recupero.payments.services import ImportReport, collection_account_register, payment_record

AGENCY_IBAN = "IT60X0542811101000000123456"
CENT = Decimal("0.01")


def _payer_iban(n: int) -> str:
    return str(IBAN.generate("IT", bank_code="0306909606", account_code=f"{100000 + n:012d}"))


def _spoken(case: Case) -> str:
    """The name as a bank prints it: "Mario Rossi" for a person (first name first), the company as it is."""
    d = case.debtor
    return d.company_name or f"{d.first_name} {d.last_name}".strip()


def demo_payments(tenant: Tenant, *, credits: int = 40) -> ImportReport:
    """Register the agency's account and import a statement of about `credits` credits."""
    actor = system_actor(tenant)
    collection_account_register(tenant=tenant, actor=actor, iban=AGENCY_IBAN, name="Conto incassi (demo)")
    cases = list(
        Case.objects.filter(tenant=tenant, status__in=list(OPEN_STATUSES), balance__gt=10)
        .select_related("debtor").order_by("pk")[: credits]
    )  # fmt: skip
    day = today() - dt.timedelta(days=3)
    lines: list[EntryData] = []
    for i, case in enumerate(cases):
        lines.append(_line(tenant, actor, i, case, day))
    lines.append(EntryData("DEMO-X1", Decimal("1250.00"), True, day, day, "RIMBORSO NOTA CREDITO FORNITORE 2026/118",
                           payer_name="FORNITURE UFFICIO SRL", payer_iban=_payer_iban(999)))  # fmt: skip
    lines.append(EntryData("DEMO-D1", Decimal("12.50"), False, day, day, "COMMISSIONI TENUTA CONTO"))
    data = camt053(iban=AGENCY_IBAN, entries=lines, opening=Decimal("15000.00"),
                   statement_id=f"DEMO-{day:%Y%m}", day=day.isoformat())  # fmt: skip
    return statement_file_import(tenant=tenant, actor=actor, data=data, name=f"estratto-{day:%Y-%m}.xml")


def _line(tenant: Tenant, actor: User, i: int, case: Case, day: dt.date) -> EntryData:
    """One credit of the kind its position in the month calls for."""
    full = case.balance
    part = (full / 2).quantize(CENT) if full > 20 else full
    ref = f"DEMO-{i:04d}"
    kind = i % 5
    if kind == 0:  # the case code in the causale, the whole amount
        return EntryData(ref, full, True, day, day, f"SALDO PRATICA {case.code}", payer_name=_spoken(case))
    if kind == 1:  # the RF reference printed on the letter, structured
        return EntryData(
            ref, part, True, day, day, "", creditor_reference(case.code), payer_name=_spoken(case)
        )
    if kind == 2:  # an IBAN already known for the debtor: an earlier payment came from it
        iban = _payer_iban(i)
        earlier = day - dt.timedelta(days=30)
        payment_record(tenant=tenant, actor=actor, case=case, amount=Decimal("5.00"), value_date=earlier,
                       method="bank_transfer", payer_iban=iban, reference="demo: pagamento precedente")  # fmt: skip
        return EntryData(
            ref, full - Decimal("5.00"), True, day, day, "BONIFICO", payer_name=_spoken(case), payer_iban=iban
        )
    if kind == 3:  # a bare name, the amount due: a person confirms it in the review queue
        return EntryData(ref, full, True, day, day, "PAGAMENTO", payer_name=_spoken(case))
    # the code with a typo (its check character catches it), half the amount: review
    typo = case.code[:-1] + str((int(case.code[-1]) + 1) % 10)
    return EntryData(ref, part, True, day, day, f"RATA PRATICA {typo}")
