"""The append-only books of each case (rule 4: corrections are reversals; balances are derived)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.cases.models import Case
from recupero.core.models import TenantModel, money_field, tenant_key
from recupero.ledger.domain.accounts import LABELS, Account, EntryKind

ACCOUNT_CHOICES = [(a.value, LABELS[a]) for a in Account]


class LedgerEntry(TenantModel):
    """One amount moved from `credit_account` to `debit_account` on a case's books.

    The pair sums to zero by construction; the CHECK constraints refuse a non-positive amount or a move from an
    account to itself, and database triggers refuse any UPDATE or DELETE (see migration 0002)."""

    # Read case by case (ledger_case_posted): no index on tenant, case, group or actor alone — one intake
    # posts a million entries.
    tenant = tenant_key(db_index=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ledger_entries", db_index=False)
    # Entries posted together (e.g. one payment split over buckets) share a group id.
    group = models.UUIDField()
    kind = models.CharField(max_length=20, choices=[(k.value, k.value) for k in EntryKind])
    posted_on = models.DateField()
    debit_account = models.CharField(max_length=24, choices=ACCOUNT_CHOICES)
    credit_account = models.CharField(max_length=24, choices=ACCOUNT_CHOICES)
    amount = money_field()
    description = models.CharField(max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    # A unique key per effect makes posting idempotent (a task that runs twice posts once): unique by the
    # constraint below, one index serving both the equality and the prefix look-up of a group's lines.
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = gettext_lazy("registrazione")
        verbose_name_plural = gettext_lazy("registrazioni")
        constraints = [
            # varchar_pattern_ops (PostgreSQL): `=` and `LIKE 'payment:7#%'` both use it; Django's unique=True
            # made a second, pattern twin of the unique index (two indexes of ~3M keys upkept on every post)
            models.UniqueConstraint(
                fields=["idempotency_key"], name="ledger_idempotency_key", opclasses=["varchar_pattern_ops"]
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=~models.Q(debit_account=models.F("credit_account")), name="ledger_two_sides"
            ),
        ]
        indexes = [
            models.Index(fields=["case", "posted_on"], name="ledger_case_posted"),
            # Payments per case (partial payments interrupt prescription and are imputed by the law engine).
            models.Index(
                fields=["case", "posted_on"],
                name="ledger_payment_case",
                condition=models.Q(kind="payment", debit_account="payments_received"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.debit_account}/{self.credit_account} {self.amount}"


RATE_KIND_CHOICES = [("ecb", "Tasso di riferimento BCE"), ("legal", "Saggio degli interessi legali")]


class InterestRate(models.Model):
    """A published rate for one period (tasso BCE per semestre, saggio legale per anno) with its source.

    Law, the same for every agency: not tenant-owned (tests/test_tenancy.py lists it). It lives in `ledger`
    because the ledger's position is where interest is computed and the lowest Django app that reads it; `law`
    (pure, no Django) receives the table as an argument. Rows are only appended (`rate_add`): a table is one
    run of consecutive periods, and the version read by `selectors.rate_table` relies on that."""

    kind = models.CharField(max_length=10, choices=RATE_KIND_CHOICES)
    valid_from = models.DateField()
    valid_to = models.DateField()
    rate = models.DecimalField(max_digits=7, decimal_places=4)  # percent per year, e.g. 2.1500
    source = models.CharField(max_length=300)  # the Gazzetta Ufficiale notice
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = gettext_lazy("tasso di interesse")
        verbose_name_plural = gettext_lazy("tassi di interesse")
        ordering = ("kind", "valid_from")
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="interest_rate_one_per_period"),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="interest_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} dal {self.valid_from:%d/%m/%Y}: {self.published_rate}%"

    @property
    def published_rate(self) -> Decimal:
        """2.1500 → 2.15 (as in the notice and the bundled files), 2.1250 → 2.125; never 1E+1."""
        cents = self.rate.quantize(Decimal("0.01"))
        return cents if cents == self.rate else self.rate.normalize()
