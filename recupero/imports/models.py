"""Import batches (lotti di importazione) and saved mapping profiles (the outstanding amount a creditor last
reported for a claim is `cases.Claim.reported_outstanding`).

Staged data (the raw table, the validated rows, the errors) live as Parquet files under
MEDIA_ROOT/imports/<batch id>/, not in the database: a million rows would only be written to be read once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.core.models import TenantModel
from recupero.imports.domain.states import BUSY, COMMIT_QUEUED, LABELS, TONES, TRANSITIONS, BatchStatus
from recupero.parties.models import Creditor


class MappingProfileRecord(TenantModel):
    """A creditor's column mapping, saved once and reused for every later file (MappingProfile.to_dict)."""

    creditor = models.ForeignKey(Creditor, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    mapping: models.JSONField[Any] = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("profilo di importazione")
        verbose_name_plural = gettext_lazy("profili di importazione")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "creditor", "name"], name="mapping_profile_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(TenantModel):
    """One upload of an affido (one or more files): parsed, previewed, then committed or discarded."""

    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        "cases.Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignment_code = models.CharField(gettext_lazy("codice affido"), max_length=60)
    received_on = models.DateField()
    return_on = models.DateField(null=True, blank=True)
    # [{"name": original name, "path": relative to MEDIA_ROOT, "size": bytes, "format": csv|xlsx|fatturapa}]
    files: models.JSONField[Any] = models.JSONField(default=list)
    format = models.CharField(max_length=20, blank=True)
    profile_name = models.CharField(max_length=80, blank=True)
    mapping: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=[(s.value, LABELS[s]) for s in BatchStatus], default=BatchStatus.UPLOADED.value
    )
    # Progress of the last parse/commit (during a commit the live figures are in progress.json, see selectors).
    phase = models.CharField(max_length=40, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    preview: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    result: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=60, blank=True)
    error_message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("lotto di importazione")
        verbose_name_plural = gettext_lazy("lotti di importazione")
        indexes = [models.Index(fields=["tenant", "-created_at"], name="import_batch_recent")]

    def __str__(self) -> str:
        return f"{self.assignment_code} ({self.get_status_display()})"

    @property
    def status_label(self) -> str:
        return LABELS[BatchStatus(self.status)]

    @property
    def status_tone(self) -> str:
        return TONES[BatchStatus(self.status)]

    @property
    def accepted_rows(self) -> int:
        return int(self.preview.get("rows", 0)) - int(self.preview.get("rows_rejected", 0))

    @property
    def has_writes(self) -> bool:
        """Whether the preview would write anything: a batch with nothing to write cannot be confirmed."""
        p = self.preview or {}
        new = sum(
            int(p.get(group, {}).get(key, 0)) for group in ("debtors", "cases", "claims") for key in ("new",)
        )
        changed = sum(int(p.get(group, {}).get("updated", 0)) for group in ("cases", "claims"))
        return bool(new + changed + int(p.get("contacts_new", 0)) + int(p.get("credit_notes", 0)))

    # What may happen next, asked of the transition table (services and templates ask these, never a list of
    # statuses of their own).
    def may_become(self, target: BatchStatus) -> bool:
        return target in TRANSITIONS[BatchStatus(self.status)]

    @property
    def may_commit(self) -> bool:
        return self.may_become(BatchStatus.COMMITTING)

    @property
    def may_discard(self) -> bool:
        return self.may_become(BatchStatus.DISCARDED)

    @property
    def may_reparse(self) -> bool:
        """Read again with another mapping: the table allows a parse and none is under way."""
        return self.may_become(BatchStatus.PARSING) and BatchStatus(self.status) not in BUSY

    @property
    def commit_queued(self) -> bool:
        return self.status == BatchStatus.READY and self.phase == COMMIT_QUEUED
