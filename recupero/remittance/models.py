"""Commission plans per mandate, the accounts money is paid from and to, and the issued remittances."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.cases.models import Case
from recupero.core.models import TenantModel, money_field, tenant_key
from recupero.parties.models import Creditor, Mandate
from recupero.remittance.domain.commission import BASE_LABELS, Base
from recupero.remittance.domain.states import LABELS, LINE_LABELS, LineKind, RemittanceStatus


class CommissionPlan(TenantModel):
    """The commission terms of a mandate as data: `rates` rows {phase, percent, min_age_days, from_amount}."""

    mandate = models.OneToOneField(Mandate, on_delete=models.PROTECT, related_name="commission_plan")
    rates: models.JSONField[Any] = models.JSONField(default=list)
    minimum_per_case = money_field(default=Decimal("0.00"))
    base = models.CharField(max_length=10, choices=[(b.value, BASE_LABELS[b]) for b in Base], default="all")
    keep_interest = models.BooleanField(gettext_lazy("interessi trattenuti dall'agenzia"), default=False)
    vat_percent = models.DecimalField(
        gettext_lazy("aliquota IVA"), max_digits=5, decimal_places=2, default=Decimal("22.00")
    )
    direct_commission = models.BooleanField(gettext_lazy("provvigione sui pagamenti diretti"), default=True)

    class Meta:
        verbose_name = gettext_lazy("piano provvigionale")
        verbose_name_plural = gettext_lazy("piani provvigionali")

    def __str__(self) -> str:
        return f"Provvigioni {self.mandate}"


class PayoutAccount(TenantModel):
    """Where a creditor's remittances are paid and its commission invoices addressed (dati di fatturazione)."""

    creditor = models.OneToOneField(Creditor, on_delete=models.PROTECT, related_name="payout_account")
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    street = models.CharField(gettext_lazy("indirizzo"), max_length=200)
    cap = models.CharField(max_length=5)
    municipality = models.CharField(gettext_lazy("comune"), max_length=100)
    province = models.CharField(max_length=2)
    sdi_code = models.CharField(gettext_lazy("codice destinatario SdI"), max_length=7, default="0000000")

    class Meta:
        verbose_name = gettext_lazy("conto di riversamento")
        verbose_name_plural = gettext_lazy("conti di riversamento")


class AgencyAccount(TenantModel):
    """The agency's own data for transfers and invoices (cedente prestatore); one per agency."""

    tenant = models.OneToOneField("core.Tenant", on_delete=models.PROTECT, related_name="agency_account")
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    tax_code = models.CharField(gettext_lazy("codice fiscale"), max_length=16, blank=True)
    street = models.CharField(gettext_lazy("indirizzo"), max_length=200)
    cap = models.CharField(max_length=5)
    municipality = models.CharField(gettext_lazy("comune"), max_length=100)
    province = models.CharField(max_length=2)
    tax_regime = models.CharField(gettext_lazy("regime fiscale"), max_length=4, default="RF01")

    class Meta:
        verbose_name = gettext_lazy("dati dell'agenzia per riversamenti")
        verbose_name_plural = gettext_lazy("dati dell'agenzia per riversamenti")


class Remittance(TenantModel):
    """A creditor's remittance up to a day (rendiconto e riversamento): locked once issued."""

    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="remittances")
    number = models.CharField(max_length=20)  # 2026/0001, per agency
    until = models.DateField()
    issued_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=[(s.value, LABELS[s]) for s in RemittanceStatus], default="issued"
    )
    payments = models.PositiveIntegerField(default=0)
    collected = money_field(default=Decimal("0.00"))
    commission = money_field(default=Decimal("0.00"))
    vat = money_field(default=Decimal("0.00"))
    held = money_field(default=Decimal("0.00"))
    net = money_field(default=Decimal("0.00"))  # transferred by the agency (pain.001)
    to_invoice = money_field(default=Decimal("0.00"))  # owed by the creditor: direct payments' commission
    vat_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("22.00"))
    payout_iban = models.CharField(max_length=34)
    agency_iban = models.CharField(max_length=34)
    statement = models.FileField(upload_to="remittances/", blank=True)
    workbook = models.FileField(upload_to="remittances/", blank=True)
    transfer = models.FileField(upload_to="remittances/", blank=True)
    invoice = models.FileField(upload_to="remittances/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = gettext_lazy("rendiconto")
        verbose_name_plural = gettext_lazy("rendiconti")
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="remittance_number_unique")]
        indexes = [models.Index(fields=["tenant", "creditor", "until"], name="remittance_creditor")]

    def __str__(self) -> str:
        return f"Rendiconto {self.number}"

    @property
    def status_label(self) -> str:
        return LABELS[RemittanceStatus(self.status)]


HALF_CENT = Decimal("0.005")
_ACCOUNTED = models.F("remitted") + models.F("commission") + models.F("vat") + models.F("held")


class RemittanceLine(TenantModel):
    """One ledger group remitted (or a minimum top-up). `key` is UNIQUE: a payment is remitted exactly once."""

    tenant = tenant_key(db_index=False)
    remittance = models.ForeignKey(Remittance, on_delete=models.PROTECT, related_name="lines")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=[(k.value, LINE_LABELS[k]) for k in LineKind])
    group = models.UUIDField(null=True)  # the ledger group (a payment, or a reversal)
    reversed_group = models.UUIDField(null=True)  # for a reversal: the payment group it reverses
    posted_on = models.DateField()
    direct = models.BooleanField(default=False)  # pagamento diretto (paid to the creditor)
    phase = models.CharField(max_length=12, blank=True)
    principal = money_field(default=Decimal("0.00"))
    interest = money_field(default=Decimal("0.00"))
    compensation = money_field(default=Decimal("0.00"))
    costs = money_field(default=Decimal("0.00"))
    collected = money_field(default=Decimal("0.00"))
    base = money_field(default=Decimal("0.00"))
    commission = money_field(default=Decimal("0.00"))
    vat = money_field(default=Decimal("0.00"))
    held = money_field(default=Decimal("0.00"))
    remitted = money_field(default=Decimal("0.00"))

    class Meta:
        verbose_name = gettext_lazy("riga di rendiconto")
        verbose_name_plural = gettext_lazy("righe di rendiconto")
        indexes = [
            models.Index(fields=["remittance", "case"], name="remittance_line_case"),
            models.Index(fields=["tenant", "group"], name="remittance_line_group"),
            models.Index(fields=["tenant", "reversed_group"], name="remittance_line_reversed"),
        ]
        constraints = [
            # collected = remitted + commission + VAT + held, to the cent. Compared within half a cent: SQLite
            # adds decimals as binary floats (PostgreSQL's numeric is exact either way).
            models.CheckConstraint(
                condition=models.Q(
                    collected__gte=_ACCOUNTED - HALF_CENT, collected__lte=_ACCOUNTED + HALF_CENT
                ),
                name="remittance_line_zero_cents_lost",
            )
        ]
