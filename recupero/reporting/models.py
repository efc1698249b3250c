"""Nightly snapshots of the portfolio (read-only figures: every write is `services.snapshot_build`).

A snapshot row is one group of cases on one day: creditor × assignment × collector (the case's consultant) ×
strategy step (the last step executed) × case state, with the ledger's amounts as of that day. Dashboards read
the latest snapshot and add what the ledger booked after it ("snapshot plus today")."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from recupero.core.models import TenantModel, money_field, tenant_key


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
        verbose_name = "istantanea"
        verbose_name_plural = "istantanee"
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
        verbose_name = "incasso mensile"
        verbose_name_plural = "incassi mensili"
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
        verbose_name = "efficacia del passo"
        verbose_name_plural = "efficacia dei passi"
        indexes = [models.Index(fields=["tenant", "day"], name="stepfigure_day")]
