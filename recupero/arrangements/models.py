"""Promises, instalment plans and settlements (accordi), their instalments, the mandate's limits as data and
the debtor's acceptance of the written summary."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.arrangements.domain.schedule import INTEREST_LABELS, Frequency
from recupero.arrangements.domain.states import (
    INSTALMENT_LABELS,
    KIND_LABELS,
    LABELS,
    OPEN,
    ArrangementStatus,
    Kind,
)
from recupero.cases.models import Case
from recupero.core.models import TenantModel, money_field, tenant_key
from recupero.parties.models import Creditor, Mandate

CHANNEL_CHOICES = [
    ("phone", "Telefono"),
    ("visit", "Visita domiciliare"),
    ("backoffice", "Back-office"),
    ("api", "API"),
    ("cli", "Riga di comando"),
    ("web", "Pagina web"),
    ("self-service", "Pagina del debitore"),  # proposed and accepted by the debtor alone (issue 15)
]
SELF_SERVICE = "self-service"


class ArrangementPolicy(TenantModel):
    """The negotiation limits of one mandate, as data (see `domain/limits.py` for the keys of `rules`).

    A mandate without a policy row gets defaults built from its own columns (max instalments, minimum
    instalment, maximum discount): `selectors.rules_for`."""

    mandate = models.OneToOneField(Mandate, on_delete=models.PROTECT, related_name="arrangement_policy")
    rules: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("limiti di negoziazione")
        verbose_name_plural = gettext_lazy("limiti di negoziazione")

    def __str__(self) -> str:
        return f"Limiti {self.mandate}"


class Arrangement(TenantModel):
    """One agreement on a case: a promise to pay, a plan (piano di rientro) or a settlement (saldo e stralcio)."""

    tenant = tenant_key(db_index=False)  # arrangement_status leads with the tenant
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="arrangements")
    # The case's creditor, copied at creation (a case never changes creditor): the portal's figures of one
    # creditor read its arrangements by this column's index, not by a semi-join over its cases.
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=12, choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    status = models.CharField(max_length=20, choices=[(s.value, v) for s, v in LABELS.items()])
    # The amount due on the day it was agreed (law engine), and what the debtor undertook to pay.
    amount_due = money_field()
    total = money_field()
    down_payment = money_field(default=Decimal("0.00"))
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    interest_treatment = models.CharField(
        max_length=10, choices=[(k.value, v) for k, v in INTEREST_LABELS.items()], default="frozen"
    )
    frequency = models.CharField(max_length=10, choices=[(f.value, f.value) for f in Frequency], blank=True)
    channel = models.CharField(max_length=12, choices=CHANNEL_CHOICES, default="backoffice")
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    breaches: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=300, blank=True)
    started_on = models.DateField()  # payments posted from this day count towards it
    expires_on = models.DateField(null=True, blank=True)  # a pending proposal undecided by then expires
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    # The mandate's rules at signature (a later change of the policy does not rewrite an agreement).
    grace_days = models.PositiveSmallIntegerField(default=5)
    missed_to_break = models.PositiveSmallIntegerField(default=1)
    # Net payments counted by the last daily check: lets the next check skip an arrangement nothing touched.
    paid_seen = money_field(default=Decimal("0.00"))
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("accordo")
        verbose_name_plural = gettext_lazy("accordi")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=sorted(s.value for s in OPEN)),
                name="arrangement_one_open_per_case",
            ),
            models.CheckConstraint(condition=models.Q(total__gt=0), name="arrangement_total_positive"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "id"], name="arrangement_status"),
            # the approvals waiting, soonest to expire first (`selectors.arrangements_pending`, the portal)
            models.Index(
                fields=["tenant", "expires_on", "id"],
                name="arrangement_pending",
                condition=models.Q(status="pending_approval"),
            ),
            # PostgreSQL: the portal's sums by kind and status come from the index alone (INCLUDE)
            models.Index(
                fields=["tenant", "creditor", "status", "kind"],
                name="arrangement_creditor",
                include=["total", "paid_seen", "ended_on"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id}"

    @property
    def status_label(self) -> str:
        return LABELS[ArrangementStatus(self.status)]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[Kind(self.kind)]


class Instalment(TenantModel):
    """One payment the debtor undertook (a promise has one; number 0 is a plan's down payment)."""

    tenant = tenant_key(db_index=False)
    # No index of its own: instalment_number_unique (arrangement, number) leads with it. Every index is written
    # again when the daily check marks an instalment (the status is indexed: no HOT update).
    arrangement = models.ForeignKey(
        Arrangement, on_delete=models.CASCADE, related_name="instalments", db_index=False
    )
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = money_field()
    interest = money_field(default=Decimal("0.00"))
    status = models.CharField(
        max_length=10, choices=[(s.value, v) for s, v in INSTALMENT_LABELS.items()], default="pending"
    )

    class Meta:
        verbose_name = gettext_lazy("rata")
        verbose_name_plural = gettext_lazy("rate")
        ordering = ["arrangement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "number"], name="instalment_number_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="instalment_amount_positive"),
        ]
        indexes = [
            # reminders and notices: pending or missed instalments by due date. Partial: an instalment marked
            # paid or cancelled leaves it (the first daily check at 1M marks 400,000 paid).
            models.Index(
                fields=["tenant", "status", "due_on"],
                name="instalment_open_due",
                condition=models.Q(status__in=["missed", "pending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Rata {self.number} del {self.due_on:%d/%m/%Y}"


class Acceptance(TenantModel):
    """The written summary offered to the debtor, and their acceptance of it (riconoscimento del debito).

    The personal link carries a random token; only its SHA-256 is stored, so the table alone opens nothing."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="acceptances")
    token_hash = models.CharField(max_length=64, unique=True)
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    offered_at = models.DateTimeField()
    deadline = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_channel = models.CharField(max_length=12, blank=True)
    accepted_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("accettazione")
        verbose_name_plural = gettext_lazy("accettazioni")

    def __str__(self) -> str:
        return f"Riepilogo accordo {self.arrangement_id}"
