"""Human work: calls, home visits, skip tracing, legal reviews — one row per item, keyed like the step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.cases.models import Case
from recupero.core.models import TenantModel, money_field, tenant_key
from recupero.parties.models import Creditor
from recupero.worklists.domain.items import KIND_LABELS, OUTCOME_LABELS, STATUS_LABELS


class Team(TenantModel):
    """A team of collectors (squadra): a queue its members share."""

    name = models.CharField(max_length=80)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    class Meta:
        verbose_name = gettext_lazy("squadra")
        verbose_name_plural = gettext_lazy("squadre")
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="team_name_unique")]

    def __str__(self) -> str:
        return self.name


class AssignmentRule(TenantModel):
    """Who gets a new work item (domain/rules.py): conditions on the case, a collector or a team. Data, not code."""

    position = models.PositiveIntegerField(default=100)
    kind = models.CharField(max_length=14, blank=True)  # "" any kind of item
    creditor = models.ForeignKey(Creditor, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    province = models.CharField(max_length=2, blank=True)
    amount_min = money_field(null=True, blank=True)
    amount_max = money_field(null=True, blank=True)
    language = models.CharField(max_length=2, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = gettext_lazy("regola di assegnazione")
        verbose_name_plural = gettext_lazy("regole di assegnazione")
        ordering = ["position", "id"]


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
    # The case's balance when the item was made: the desk's queues are read in this order straight from the
    # assignee's index (the live balance is shown; ordering by it would join every item of a long queue).
    priority = money_field("importo alla creazione", default=Decimal("0.00"), db_default=Decimal("0.00"))
    team = models.ForeignKey(  # workitem_team leads with it
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    # Worked by one person at a time: opening the item takes the lock until `locked_until`.
    locked_by = models.ForeignKey(  # never searched by
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    locked_until = models.DateTimeField(null=True, blank=True)
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
        verbose_name = gettext_lazy("attività")
        verbose_name_plural = gettext_lazy("attività")
        constraints = [models.UniqueConstraint(fields=["idempotency_key"], name="workitem_idempotency_key")]
        indexes = [
            models.Index(fields=["tenant", "kind", "status", "due_on"], name="workitem_queue"),
            models.Index(fields=["tenant", "case"], name="workitem_case"),
            # one collector's (or one team's) queue: open items of a kind by due day
            models.Index(fields=["assigned_to", "kind", "status", "-priority"], name="workitem_assignee"),
            models.Index(fields=["team", "kind", "status", "-priority"], name="workitem_team"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"
