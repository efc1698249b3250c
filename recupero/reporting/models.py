"""Nightly snapshots of the portfolio (read-only figures: every write is `services.snapshot_build`).

A snapshot row is one group of cases on one day: creditor × assignment × collector (the case's consultant) ×
strategy step (the last step executed) × case state, with the ledger's amounts as of that day. Dashboards read
the latest snapshot and add what the ledger booked after it ("snapshot plus today")."""

from __future__ import annotations

from decimal import Decimal

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
    # The last case timeline event read: status moves after it are added live to the counts by state.
    timeline_upto = models.BigIntegerField(default=0)
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
    # What the step's executions cost: each at its channel's unit cost (settings.RECUPERO_CHANNEL_COSTS).
    cost = money_field(default=Decimal("0.00"))

    class Meta:
        verbose_name = gettext_lazy("efficacia del passo")
        verbose_name_plural = gettext_lazy("efficacia dei passi")
        indexes = [models.Index(fields=["tenant", "day"], name="stepfigure_day")]


class AgeingFigure(TenantModel):
    """Open cases per creditor and earliest due date (`case.first_due_on`), with their outstanding, as of `day`:
    the dashboards bucket the due dates against today, so the ageing is exact by date without a case scan."""

    tenant = tenant_key(db_index=False)
    day = models.DateField()
    creditor_id = models.BigIntegerField()
    due_on = models.DateField()
    cases = models.PositiveIntegerField()
    outstanding = money_field()

    class Meta:
        verbose_name = gettext_lazy("anzianità")
        verbose_name_plural = gettext_lazy("anzianità")
        indexes = [models.Index(fields=["tenant", "day", "creditor_id"], name="ageing_day_creditor")]


class CollectorMonth(TenantModel):
    """Collected per month of posting, creditor and collector credited with it: the person whose right-party
    contact (a done call or visit, reached) came last on the case within the 30 days before the payment."""

    tenant = tenant_key(db_index=False)
    day = models.DateField()
    month = models.CharField(max_length=7)  # YYYY-MM
    creditor_id = models.BigIntegerField()
    collector_id = models.BigIntegerField(null=True)  # None: no contact in the 30 days before
    collected = money_field()

    class Meta:
        verbose_name = gettext_lazy("incasso per operatore")
        verbose_name_plural = gettext_lazy("incassi per operatore")
        indexes = [models.Index(fields=["tenant", "day", "month"], name="collectormonth_day")]


class PrescriptionRisk(TenantModel):
    """An open case whose earliest claim prescribes within `RISK_HORIZON_DAYS` of `day` (law engine deadline,
    interruptions included), with the amount at risk and whether a PEC address can carry the diffida."""

    tenant = tenant_key(db_index=False)
    day = models.DateField()
    case_id = models.BigIntegerField()
    creditor_id = models.BigIntegerField()
    deadline = models.DateField()
    amount = money_field()
    has_pec = models.BooleanField(default=False)

    class Meta:
        verbose_name = gettext_lazy("prescrizione a rischio")
        verbose_name_plural = gettext_lazy("prescrizioni a rischio")
        indexes = [models.Index(fields=["tenant", "day", "deadline"], name="risk_day_deadline")]


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


class MonthlyReport(TenantModel):
    """A creditor's monthly report by e-mail (PDF + XLSX): on which day of the month, to which of its users."""

    creditor_id = models.BigIntegerField()
    day = models.PositiveSmallIntegerField()  # 1–28: every month has it
    recipients = models.JSONField(default=list)  # ids of the creditor's users (their addresses at sending)
    active = models.BooleanField(default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = gettext_lazy("report mensile")
        verbose_name_plural = gettext_lazy("report mensili")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "creditor_id"], name="monthly_report_one_per_creditor"),
            models.CheckConstraint(condition=models.Q(day__gte=1, day__lte=28), name="monthly_report_day"),
        ]


class MonthlyReportSent(TenantModel):
    """One report of one month: claimed before sending (unique per report × month, the idempotency key), then
    marked sent; a claim left pending or failed is sent again by the next run."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("In invio")
        SENT = "sent", gettext_lazy("Inviato")
        FAILED = "failed", gettext_lazy("Non inviato")

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="sendings")
    period = models.CharField(max_length=7)  # the month reported, YYYY-MM
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    recipients = models.JSONField(default=list)  # the addresses it went to
    collected = money_field(
        default=Decimal("0.00")
    )  # what the report says was collected in the month (for the record)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = gettext_lazy("invio del report mensile")
        verbose_name_plural = gettext_lazy("invii del report mensile")
        constraints = [
            models.UniqueConstraint(fields=["report", "period"], name="monthly_report_once_a_month")
        ]


class PushedBatch(TenantModel):
    """An assignment file a creditor's system pushed through the API: the intake's batch it became, and who
    pushed it. Only these batches can be polled and committed through the integration, by that creditor."""

    batch_id = models.BigIntegerField(unique=True)
    creditor_id = models.BigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pushed_at = models.DateTimeField()

    class Meta:
        verbose_name = gettext_lazy("affido inviato via API")
        verbose_name_plural = gettext_lazy("affidi inviati via API")
