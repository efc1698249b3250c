"""Human work: calls, home visits, skip tracing, legal reviews — one row per item, keyed like the step."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from recupero.cases.models import Case
from recupero.core.models import TenantModel, tenant_key
from recupero.worklists.domain.items import KIND_LABELS, OUTCOME_LABELS, STATUS_LABELS


class WorkItem(TenantModel):
    tenant = tenant_key(db_index=False)  # workitem_queue and workitem_case lead with the tenant
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=14, choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    step_code = models.CharField(max_length=40, blank=True)
    template = models.CharField(max_length=40, blank=True)
    due_on = models.DateField()
    window_start = models.TimeField(null=True, blank=True)
    window_end = models.TimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=[(k.value, v) for k, v in STATUS_LABELS.items()], default="open"
    )
    outcome = models.CharField(
        max_length=14, choices=[(k.value, v) for k, v in OUTCOME_LABELS.items()], blank=True
    )
    outcome_data: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=160)  # unique (Meta): no LIKE twin on PostgreSQL
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "attività"
        verbose_name_plural = "attività"
        constraints = [models.UniqueConstraint(fields=["idempotency_key"], name="workitem_idempotency_key")]
        indexes = [
            models.Index(fields=["tenant", "kind", "status", "due_on"], name="workitem_queue"),
            models.Index(fields=["tenant", "case"], name="workitem_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"
