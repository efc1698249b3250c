"""Daily runs and the steps they executed.

There is no StrategyAssignment table: a case's strategy is chosen at run time by segmentation (data, with the
mandate's `strategy_code` first) and written on each StepExecution, so a change of rules re-segments the
portfolio the next morning and the planner ignores the records of the old strategy (README).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.cases.models import Case
from recupero.core.models import TenantModel, tenant_key


class StrategyRun(TenantModel):
    """One daily run. At most one is running per tenant (partial unique constraint): a second start is refused."""

    class Status(models.TextChoices):
        RUNNING = "running", gettext_lazy("In corso")
        FINISHED = "finished", gettext_lazy("Completata")
        FAILED = "failed", gettext_lazy("Interrotta")

    run_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    report: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = gettext_lazy("esecuzione strategie")
        verbose_name_plural = gettext_lazy("esecuzioni strategie")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(status="running"), name="strategy_run_one_running"
            )
        ]
        indexes = [models.Index(fields=["tenant", "run_date"], name="strategy_run_date")]

    def __str__(self) -> str:
        return f"{self.run_date} {self.status}"


class StepExecution(TenantModel):
    """A step started for a case under its idempotency key (a second run the same day inserts nothing).

    `status` is `done` (the effect was created) or `skipped` (a final skip: the ladder moves past the step).
    Whether a letter was then delivered or bounced lives on its Communication (same key); the history selector
    joins it, because channels may not write strategies' rows (dependencies point down)."""

    class Status(models.TextChoices):
        DONE = "done", gettext_lazy("Eseguito")
        SKIPPED = "skipped", gettext_lazy("Saltato")

    # Half a million rows a day: only the indexes something reads (every index is upkeep on each bulk insert).
    # (tenant, case) serves the run's history reads and the pages — SQLite, offered an index led by the tenant
    # alone, scanned every step of the tenant for each chunk; the case index serves the cases' PROTECT check;
    # the key is unique through a constraint, so PostgreSQL builds no second (LIKE) index on it.
    tenant = tenant_key(db_index=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(StrategyRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    strategy_code = models.CharField(max_length=40)
    step_code = models.CharField(max_length=40)
    action = models.CharField(max_length=40)
    channel = models.CharField(max_length=12)
    scheduled_for = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    idempotency_key = models.CharField(max_length=160)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = gettext_lazy("passo eseguito")
        verbose_name_plural = gettext_lazy("passi eseguiti")
        constraints = [models.UniqueConstraint(fields=["idempotency_key"], name="step_idempotency_key")]
        indexes = [models.Index(fields=["tenant", "case"], name="step_case")]

    def __str__(self) -> str:
        return self.idempotency_key
