"""Communications (letters, raccomandate, e-mail, PEC, SMS), their evidence, and the daily print batches."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from recupero.cases.models import Case
from recupero.channels.domain.states import KIND_LABELS, LABELS, CommKind, CommStatus
from recupero.core.models import TenantModel, tenant_key
from recupero.parties.models import ContactPoint


class PrintBatch(TenantModel):
    """One day's letters for the postal provider: one merged PDF in print order and its manifest CSV."""

    on = models.DateField()
    seq = models.PositiveIntegerField()
    pdf = models.FileField(upload_to="print/", max_length=200)
    manifest = models.FileField(upload_to="print/", max_length=200)
    letters = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("lotto di stampa")
        verbose_name_plural = gettext_lazy("lotti di stampa")
        constraints = [models.UniqueConstraint(fields=["tenant", "on", "seq"], name="print_batch_seq_unique")]

    def __str__(self) -> str:
        return f"{self.on} #{self.seq}"


class Communication(TenantModel):
    """One message to a debtor, through one channel; its status moves only through `domain.states`.

    Half a million are written by a day's run: no index beyond what the reads use (the tenant leads comm_case and
    comm_status_kind; the keys are compared by equality only, so PostgreSQL needs no LIKE twin)."""

    tenant = tenant_key(db_index=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    template = models.CharField(max_length=40)
    step_code = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=40, blank=True)
    contact = models.ForeignKey(
        ContactPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Snapshot of the address used (the contact point may later be corrected or marked wrong).
    address = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=[(s.value, v) for s, v in LABELS.items()], default=CommStatus.QUEUED.value
    )
    scheduled_for = models.DateField()
    provider = models.CharField(max_length=40, blank=True)
    provider_message_id = models.CharField(max_length=250, blank=True)
    document = models.FileField(upload_to="letters/", max_length=200, blank=True)
    print_batch = models.ForeignKey(
        PrintBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tracking_number = models.CharField(gettext_lazy("numero raccomandata"), max_length=40, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    held_on = models.DateField(gettext_lazy("avviso di giacenza"), null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=160)  # = the StepExecution's key, unique (Meta)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("comunicazione")
        verbose_name_plural = gettext_lazy("comunicazioni")
        constraints = [models.UniqueConstraint(fields=["idempotency_key"], name="comm_idempotency_key")]
        indexes = [
            models.Index(fields=["tenant", "case"], name="comm_case"),
            models.Index(fields=["tenant", "status", "kind"], name="comm_status_kind"),
            models.Index(fields=["provider_message_id"], name="comm_provider_message"),
            models.Index(fields=["tracking_number"], name="comm_tracking_number"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.template} ({self.get_status_display()})"

    @property
    def is_letter(self) -> bool:
        return self.kind in (CommKind.LETTER, CommKind.REGISTERED, CommKind.PEC)


class CommunicationEvidence(TenantModel):
    """Proof kept as received: a PEC receipt (.eml), a DSN, an SMS delivery report, a scanned return card."""

    communication = models.ForeignKey(Communication, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=40)  # pec:avvenuta-consegna, dsn, sms_dlr, return_card, held_notice
    file = models.FileField(upload_to="evidence/", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField()
    data: models.JSONField[Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = gettext_lazy("prova di consegna")
        verbose_name_plural = gettext_lazy("prove di consegna")
        constraints = [
            models.UniqueConstraint(
                fields=["communication", "sha256"], condition=~models.Q(sha256=""), name="evidence_once"
            )
        ]
