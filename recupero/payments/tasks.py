"""Background work of payments (Django Tasks API, run by Huey). Tasks take ids and are idempotent: a statement
reconciled twice posts nothing twice (its lines leave the "new" state once, in the transaction that posts them)."""

from __future__ import annotations

from django_tasks import task

from recupero.core.permissions import system_actor
from recupero.payments import services
from recupero.payments.models import BankStatement


@task()
def reconcile_task(statement_id: int) -> str:
    statement = BankStatement.objects.select_related("tenant").get(pk=statement_id)
    result = services.statement_reconcile(
        tenant=statement.tenant, actor=system_actor(statement.tenant), statement=statement
    )
    return f"{result.matched} registrati, {result.review} da verificare"
