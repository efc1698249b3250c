"""Nightly snapshots of the portfolio (read-only figures: every write is `services.snapshot_build`).

A snapshot row is one group of cases on one day: creditor × assignment × collector (the case's consultant) ×
strategy step (the last step executed) × case state, with the ledger's amounts as of that day. Dashboards read
the latest snapshot and add what the ledger booked after it ("snapshot plus today")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.core.models import TenantModel, money_field, tenant_key


class SnapshotRun(TenantModel):
    """One build of a day's snapshot and its high-water marks: the snapshot holds the ledger entries with
    id ≤ `ledger_upto` and the cases with id ≤ `case_upto`; the dashboards add the entries after the mark, a
    primary-key range read whatever the ledger's size ("snapshot + today")."""

    day = models.DateField()
    ledger_upto = models.BigIntegerField()
    case_upto = models.BigIntegerField()
    built_at = models.DateTimeField()

    class Meta:
        verbose_name = gettext_lazy("costruzione istantanea")
        verbose_name_plural = gettext_lazy("costruzioni istantanee")
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="snapshot_run_one_per_day")]


class Snapshot(TenantModel):
    tenant = tenant_key(db_index=False)  # the index below leads with the tenant
    day = models.DateField()
    creditor_id = models.BigIntegerField()
    assignment_id = models.BigIntegerField()
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    step_code = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=12)
    cases = models.PositiveIntegerField()
    assigned = money_field()
    collected = money_field()  # payments to the agency, net of reversals
    collected_direct = money_field()  # pagamenti diretti (paid to the creditor), net of reversals
    written_off = money_field()
    credited = money_field()  # credit notes
    outstanding = money_field()  # what the debtors owe on the receivable accounts
    paid_cases = models.PositiveIntegerField()  # cases with at least one payment
    first_payment_days = models.BigIntegerField()  # sum over paid_cases of days from opening to first payment
    contacts_attempted = models.PositiveIntegerField()
    contacts_reached = models.PositiveIntegerField()

    class Meta:
        verbose_name = gettext_lazy("istantanea")
        verbose_name_plural = gettext_lazy("istantanee")
        indexes = [models.Index(fields=["tenant", "day", "creditor_id"], name="snapshot_day_creditor")]


class CollectionMonth(TenantModel):
    """Collected per assignment and calendar month of posting (the liquidation curve), as of `day`."""

    tenant = tenant_key(db_index=False)
    day = models.DateField()
    creditor_id = models.BigIntegerField()
    assignment_id = models.BigIntegerField()
    month = models.CharField(max_length=7)  # YYYY-MM
    collected = money_field()

    class Meta:
        verbose_name = gettext_lazy("incasso mensile")
        verbose_name_plural = gettext_lazy("incassi mensili")
        indexes = [models.Index(fields=["tenant", "day", "creditor_id"], name="collmonth_day_creditor")]


class StepFigure(TenantModel):
    """Strategy effectiveness as of `day`: the cases a step reached and those paying within 30 days of it."""

    tenant = tenant_key(db_index=False)
    day = models.DateField()
    strategy_code = models.CharField(max_length=40)
    step_code = models.CharField(max_length=40)
    cases = models.PositiveIntegerField()
    paid_30 = models.PositiveIntegerField()
    collected_30 = money_field()

    class Meta:
        verbose_name = gettext_lazy("efficacia del passo")
        verbose_name_plural = gettext_lazy("efficacia dei passi")
        indexes = [models.Index(fields=["tenant", "day"], name="stepfigure_day")]


class ApiToken(TenantModel):
    """A creditor user's key to the API, scoped to that user's creditor. Only the SHA-256 of the key is kept:
    the key is shown once, at creation; a revoked token authenticates nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    creditor_id = models.BigIntegerField()
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)  # the key's first characters, to tell tokens apart on the page
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("token API")
        verbose_name_plural = gettext_lazy("token API")


class WebhookEndpoint(TenantModel):
    """Where a creditor wants its events POSTed, signed with HMAC-SHA256 under `secret` (shown once)."""

    creditor_id = models.BigIntegerField()
    url = models.URLField(max_length=300)
    secret = models.CharField(max_length=64)  # kept in clear: the signature needs it
    events = models.JSONField(default=list)  # kinds subscribed, e.g. ["payment", "closure"]
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = gettext_lazy("webhook")
        verbose_name_plural = gettext_lazy("webhook")


class WebhookEvent(TenantModel):
    """One business event for one creditor; `event_id` is its stable identity (the receiver dedups on it)."""

    event_id = models.CharField(max_length=60, unique=True)
    creditor_id = models.BigIntegerField()
    kind = models.CharField(max_length=30)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = gettext_lazy("evento webhook")
        verbose_name_plural = gettext_lazy("eventi webhook")


class WebhookCursor(TenantModel):
    """The last timeline event read into webhook events, per tenant."""

    last_timeline_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="webhook_cursor_one_per_tenant")]


class WebhookDelivery(TenantModel):
    """The delivery log: one row per event × endpoint (unique: an event is delivered once per endpoint)."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("In attesa")
        DELIVERED = "delivered", gettext_lazy("Consegnato")
        FAILED = "failed", gettext_lazy("Fallito")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("consegna webhook")
        verbose_name_plural = gettext_lazy("consegne webhook")
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]
