"""Payments, the agency's collection accounts, bank statements and their lines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.cases.models import Case, Claim
from recupero.core.models import TenantModel, money_field, tenant_key
from recupero.parties.models import Debtor
from recupero.payments.domain.methods import (
    ENTRY_STATUS_LABELS,
    METHOD_LABELS,
    PAYMENT_STATUS_LABELS,
    EntryStatus,
    PaymentStatus,
)


class CollectionAccount(TenantModel):
    """An account of the agency where debtors pay (conto di incasso): only its statements post payments."""

    iban = models.CharField(max_length=34)
    name = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("conto di incasso")
        verbose_name_plural = gettext_lazy("conti di incasso")
        constraints = [models.UniqueConstraint(fields=["tenant", "iban"], name="collection_account_unique")]

    def __str__(self) -> str:
        return self.iban


class PayerAccount(TenantModel):
    """An IBAN a debtor has paid from: learned from each posted credit, then a reconciliation signal."""

    tenant = tenant_key(db_index=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="+", db_index=False)
    iban = models.CharField(max_length=34)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "iban", "debtor"], name="payer_account_unique")
        ]


class BankStatement(TenantModel):
    """One statement (or credit notification) read from a bank file; its lines are `StatementEntry` rows."""

    class Status(models.TextChoices):
        RECEIVED = "received", gettext_lazy("Ricevuto")
        RECONCILING = "reconciling", gettext_lazy("In riconciliazione")
        DONE = "done", gettext_lazy("Riconciliato")
        UNREGISTERED = "unregistered", gettext_lazy("Conto non registrato")

    kind = models.CharField(max_length=10)
    version = models.CharField(max_length=10, blank=True)
    message_id = models.CharField(max_length=120, blank=True)
    statement_id = models.CharField(max_length=120, blank=True)
    account_iban = models.CharField(max_length=34)
    account = models.ForeignKey(CollectionAccount, on_delete=models.PROTECT, null=True, related_name="+")
    file_name = models.CharField(max_length=200, blank=True)
    opening = money_field(null=True)
    closing = money_field(null=True)
    credits_total = money_field(default=0)
    debits_total = money_field(default=0)
    totals_ok = models.BooleanField(null=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    # entries, credits, new, duplicates, matched, review, posted_total: the figures of the import
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = gettext_lazy("estratto conto")
        verbose_name_plural = gettext_lazy("estratti conto")

    def __str__(self) -> str:
        return f"{self.kind} {self.statement_id or self.message_id}"


class StatementEntry(TenantModel):
    """One line of a statement. `reference` is the bank's key (AcctSvcrRef / NtryRef / EndToEndId): unique per
    account, so the same line in a second or overlapping statement is never stored — nor posted — twice."""

    tenant = tenant_key(db_index=False)
    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="entries")
    account_iban = models.CharField(max_length=34)
    reference = models.CharField(max_length=140)
    amount = money_field()
    credit = models.BooleanField()
    booking_date = models.DateField(null=True)
    value_date = models.DateField(null=True)
    remittance = models.CharField(max_length=500, blank=True)
    structured = models.CharField(max_length=140, blank=True)
    end_to_end = models.CharField(max_length=140, blank=True)
    payer_name = models.CharField(max_length=200, blank=True)
    payer_iban = models.CharField(max_length=34, blank=True)
    status = models.CharField(
        max_length=10, choices=[(k.value, v) for k, v in ENTRY_STATUS_LABELS.items()], default=EntryStatus.NEW
    )
    suggestions = models.JSONField(default=list)  # Match.to_dict() of each candidate, best first
    # the best match's score in [0, 1] to the thousandth (`domain.matching.Match.confidence`): a probability,
    # stored as a decimal like every figure of the database (no binary float anywhere in it)
    confidence = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.000"))
    resolved_at = models.DateTimeField(null=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )  # never searched by: an index would be upkeep on every line reconciled

    class Meta:
        verbose_name = gettext_lazy("movimento")
        verbose_name_plural = gettext_lazy("movimenti")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account_iban", "reference"], name="statement_entry_once"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "status"], name="statement_entry_status"),
            # the lines still to reconcile, per account in id order: a chunk is the next 2,000 of this index
            # (through (tenant, status) each chunk sorted every line left: 38 ms a chunk at 100,000 lines)
            models.Index(
                fields=["tenant", "account_iban", "id"],
                name="statement_entry_to_reconcile",
                condition=models.Q(status="new"),
            ),
        ]


class Payment(TenantModel):
    """A payment imputed to a case's claims and posted as one ledger group (`ledger_group`). Written in bulk
    (a statement's thousands): only the indexes it is read by — by case (payment_case_date), by line."""

    tenant = tenant_key(db_index=False)  # read by case or by id, never by tenant alone
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments", db_index=False)
    amount = money_field()
    value_date = models.DateField()
    method = models.CharField(max_length=16, choices=[(k.value, v) for k, v in METHOD_LABELS.items()])
    direct = models.BooleanField(default=False)  # pagamento diretto: paid to the creditor, reported to us
    reference = models.CharField(max_length=140, blank=True)  # receipt number, cheque number, CRO/TRN
    payer_name = models.CharField(max_length=200, blank=True)
    payer_iban = models.CharField(max_length=34, blank=True)
    designated_claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )  # never searched by (claims are not deleted)
    status = models.CharField(
        max_length=10,
        choices=[(k.value, v) for k, v in PAYMENT_STATUS_LABELS.items()],
        default=PaymentStatus.POSTED,
    )
    ledger_group = models.UUIDField(null=True)
    # per claim and bucket, as posted: [{"claim": id, "invoice": "...", "bucket": "interest", "amount": "1.23"}]
    imputation = models.JSONField(default=list)
    overpayment = money_field(default=0)  # more than was owed: a credit to refund to the debtor
    refund_due = models.BooleanField(default=False)
    entry = models.ForeignKey(StatementEntry, on_delete=models.PROTECT, null=True, related_name="payments")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    reversed_on = models.DateField(null=True)
    reversal_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = gettext_lazy("pagamento")
        verbose_name_plural = gettext_lazy("pagamenti")
        indexes = [models.Index(fields=["case", "value_date"], name="payment_case_date")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.value_date} {self.amount} €"


class CardPayment(TenantModel):
    """A debtor's card payment from their page: started at the provider, then paid (a `Payment` with method
    card, recorded when the provider confirms) or failed. The receipt the debtor sees is this row."""

    class Status(models.TextChoices):
        STARTED = "started", gettext_lazy("Avviato")
        PAID = "paid", gettext_lazy("Pagato")
        FAILED = "failed", gettext_lazy("Non riuscito")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    amount = money_field()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.STARTED)
    provider = models.CharField(max_length=20)
    session_id = models.CharField(max_length=120, blank=True)
    transaction_id = models.CharField(max_length=120, blank=True)
    payment = models.OneToOneField(
        "Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="card_payment"
    )
    error = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("pagamento con carta")
        verbose_name_plural = gettext_lazy("pagamenti con carta")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "session_id"],
                name="card_session_unique",
                condition=~models.Q(session_id=""),
            )
        ]

    def __str__(self) -> str:
        return f"carta {self.pk} ({self.get_status_display()})"
