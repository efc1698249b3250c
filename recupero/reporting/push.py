"""The creditor's system pushes through the API: an assignment file (affido) into the agency's intake, and the
direct payments it received (pagamento diretto) into the payments app.

A creditor user holds `reporting.push` (not `imports.commit` nor `payments.post`: it cannot upload or post from
the agency's pages). These services check it, cut every object to the user's own creditor, and then ask the
intake and payments services to do the work for the agency (as the system actor, the way the daily jobs do):
the audit row here names the creditor's user, the intake's and the ledger's rows name the system. A pushed
batch is remembered (`PushedBatch`), and only those can be polled and committed by their creditor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from recupero.cases.models import Case
from recupero.core.clock import now
from recupero.core.domain.roles import PUSH_INTEGRATION, Role
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import service, system_actor
from recupero.core.services import audit_record
from recupero.imports import services as intake
from recupero.imports import staging
from recupero.imports.models import ImportBatch
from recupero.parties.models import Creditor
from recupero.payments.models import Payment
from recupero.payments.services import payment_record
from recupero.reporting.models import PushedBatch


def _own_creditor(tenant: Tenant, actor: User) -> Creditor:
    if actor.role != Role.CREDITOR_USER.value or not actor.creditor_id:
        raise DomainError("reporting.push_needs_creditor")
    return Creditor.objects.get(tenant=tenant, pk=actor.creditor_id)


def pushed_batch(tenant: Tenant, actor: User, batch_id: int) -> ImportBatch:
    """A batch this actor's creditor pushed, or not found (any other batch, whoever's)."""
    creditor = _own_creditor(tenant, actor)
    if not PushedBatch.objects.filter(tenant=tenant, batch_id=batch_id, creditor_id=creditor.pk).exists():
        raise DomainError("auth.not_found")
    return ImportBatch.objects.select_related("creditor").get(tenant=tenant, pk=batch_id)


@service(PUSH_INTEGRATION)
@transaction.atomic
def assignment_push(
    *,
    tenant: Tenant,
    actor: User,
    files: Sequence[tuple[str, staging.Upload]],
    assignment_code: str = "",
    received_on: dt.date | None = None,
) -> ImportBatch:
    """An affido file (CSV, XLSX, FatturaPA XML or a zip) for the actor's own creditor: a new intake batch
    whose parse starts on commit; poll it, then `assignment_push_commit` once its preview is ready."""
    creditor = _own_creditor(tenant, actor)
    batch = intake.batch_upload(
        tenant=tenant, actor=system_actor(tenant), creditor=creditor, files=files,
        assignment_code=assignment_code, received_on=received_on,
    )  # fmt: skip
    PushedBatch.objects.create(
        tenant=tenant, batch_id=batch.pk, creditor_id=creditor.pk, user=actor, pushed_at=now()
    )
    audit_record(
        tenant=tenant, actor=actor, action="reporting.push_assignment", obj=batch,
        details={"files": [name for name, _ in files], "assignment_code": batch.assignment_code},
    )  # fmt: skip
    return batch


@service(PUSH_INTEGRATION)
@transaction.atomic
def assignment_push_commit(*, tenant: Tenant, actor: User, batch_id: int) -> ImportBatch:
    """Confirm a pushed batch (its preview read): the intake's commit runs as a task after this commit."""
    batch = pushed_batch(tenant, actor, batch_id)
    batch = intake.batch_request_commit(tenant=tenant, actor=system_actor(tenant), batch=batch)
    audit_record(tenant=tenant, actor=actor, action="reporting.push_commit", obj=batch)
    return batch


@service(PUSH_INTEGRATION)
@transaction.atomic
def direct_payment_push(
    *,
    tenant: Tenant,
    actor: User,
    case_code: str,
    amount: Decimal | str,
    value_date: dt.date,
    reference: str = "",
    method: str = "bank_transfer",
) -> tuple[Payment, bool]:
    """A payment the debtor made to the creditor (pagamento diretto) on one of its cases: recorded and imputed
    by the payments app. The same non-empty reference on the same case is the same payment: sent again, it is
    returned, not posted twice. Returns (payment, created)."""
    creditor = _own_creditor(tenant, actor)
    case = Case.objects.filter(tenant=tenant, creditor=creditor, code=case_code.strip().upper()).first()
    if case is None:
        raise DomainError("reporting.push_case", case=case_code[:40])
    reference = reference.strip()[:140]
    if reference:
        known = Payment.objects.filter(tenant=tenant, case=case, direct=True, reference=reference).first()
        if known is not None:
            return known, False
    payment = payment_record(
        tenant=tenant, actor=system_actor(tenant), case=case, amount=amount, value_date=value_date,
        method=method, direct=True, reference=reference,
    )  # fmt: skip
    audit_record(
        tenant=tenant, actor=actor, action="reporting.push_payment", obj=payment,
        details={"case": case.code, "amount": str(payment.amount), "reference": reference}, case_ids=[case.pk],
    )  # fmt: skip
    return payment, True
