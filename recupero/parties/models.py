"""Creditors (committenti) and their mandates, debtors and their contact points."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.core.models import TenantModel, money_field, tenant_key
from recupero.parties.domain.contacts import KIND_LABELS as CONTACT_KIND_LABELS
from recupero.parties.domain.contacts import STATUS_LABELS as CONTACT_STATUS_LABELS
from recupero.parties.domain.debtors import KIND_LABELS, SIZE_LABELS


class Creditor(TenantModel):
    """A client who entrusts its unpaid invoices to the agency (committente)."""

    class Sector(models.TextChoices):
        UTILITY = "utility", gettext_lazy("Multiutility")
        TELCO = "telco", gettext_lazy("Telecomunicazioni")
        SUPPLIER = "supplier", gettext_lazy("Fornitore")
        PUBLIC_BODY = "public_body", gettext_lazy("Ente pubblico")
        FINANCE = "finance", gettext_lazy("Finanziaria")

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    vat_number = models.CharField(gettext_lazy("partita IVA"), max_length=11, blank=True)
    tax_code = models.CharField(gettext_lazy("codice fiscale"), max_length=16, blank=True)
    pec = models.EmailField(blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    # Letter branding.
    logo = models.FileField(upload_to="logos/", blank=True)
    primary_colour = models.CharField(max_length=7, default="#1f4e79")
    secondary_colour = models.CharField(max_length=7, default="#e8eef5")
    signature = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    contact_email = models.EmailField(blank=True)
    iban = models.CharField(max_length=34, blank=True)
    consultants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="consulted_creditors"
    )

    class Meta:
        verbose_name = gettext_lazy("committente")
        verbose_name_plural = gettext_lazy("committenti")
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="creditor_code_unique")]

    def __str__(self) -> str:
        return self.name


class Mandate(TenantModel):
    """The creditor's terms (mandato): commission, negotiation limits, channels, contact window, strategy."""

    class ContactWindow(models.TextChoices):
        UNIREC = (
            "unirec",
            gettext_lazy("UNIREC (lun-ven 8:30-21, sab 8:30-15; max 3 a settimana, 1 al giorno)"),
        )
        STRICT = "strict", gettext_lazy("Ristretto (lun-ven 9-19; max 2 a settimana)")

    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="mandates")
    reference = models.CharField(max_length=60)
    commission_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("15.00"))
    commission_fixed = money_field(default=Decimal("0.00"))
    max_discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    max_instalments = models.PositiveSmallIntegerField(default=12)
    # A promise to pay is taken for a date at most this many days ahead (beyond it: a plan, not a promise).
    promise_max_days = models.PositiveSmallIntegerField(
        gettext_lazy("orizzonte delle promesse (giorni)"), default=30
    )
    min_instalment = money_field(default=Decimal("50.00"))
    allowed_channels: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    contact_window = models.CharField(max_length=20, choices=ContactWindow.choices, default="unirec")
    waive_flat_compensation = models.BooleanField(gettext_lazy("rinuncia ai 40 €"), default=False)
    telecom_prescription_years = models.PositiveSmallIntegerField(default=5)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    strategy_code = models.CharField(max_length=40, blank=True)
    # Whom the debtors pay: the agency's collection account (then remitted to the creditor, less commission) or
    # the creditor's own account (the creditor then reports the payments: pagamenti diretti). Letters print it.
    payee = models.CharField(
        gettext_lazy("beneficiario dei pagamenti"),
        max_length=10,
        choices=[
            ("agency", gettext_lazy("Agenzia (conto di incasso)")),
            ("creditor", gettext_lazy("Committente (pagamento diretto)")),
        ],
        default="agency",
    )

    class Meta:
        verbose_name = gettext_lazy("mandato")
        verbose_name_plural = gettext_lazy("mandati")

    def __str__(self) -> str:
        return f"{self.creditor.name} — {self.reference}"


IDENTITY_STATUS_CHOICES = [
    ("verified", "Verificata"),
    ("unverified", "Non verificata"),
    ("to_verify", "Da verificare"),
]


class Debtor(TenantModel):
    """A person or organisation owing money; deduplicated by codice fiscale / partita IVA across creditors."""

    tenant = tenant_key(db_index=False)  # debtor_tax_code and debtor_vat lead with the tenant
    kind = models.CharField(max_length=20, choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    size = models.CharField(max_length=20, choices=[(k.value, v) for k, v in SIZE_LABELS.items()])
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    tax_code = models.CharField(gettext_lazy("codice fiscale"), max_length=16, blank=True)
    vat_number = models.CharField(gettext_lazy("partita IVA"), max_length=11, blank=True)
    vulnerable = models.BooleanField(gettext_lazy("vulnerabile"), default=False)
    country = models.CharField(
        gettext_lazy("paese"), max_length=2, default="IT", db_default="IT", blank=True
    )  # ISO 3166 alpha-2; "" unknown
    # a foreign tax id (an EU VAT number with its prefix, or any other country's code as given)
    other_tax_id = models.CharField(
        gettext_lazy("altro codice identificativo"), max_length=30, blank=True, db_default=""
    )
    # "to_verify": the code came with a wrong check digit; credit-bureau and legal steps wait for a verification
    identity_status = models.CharField(
        gettext_lazy("identità"),
        max_length=10,
        choices=IDENTITY_STATUS_CHOICES,
        default="unverified",
        db_default="unverified",
    )
    # how a debtor without an Italian code is found again: "X:<foreign id>" in the tenant, or
    # "N<creditor>:<hash of name, address, country>" within the creditor; "" for debtors with CF / P.IVA
    identity_key = models.CharField(max_length=60, blank=True, db_default="")
    # Channels the debtor refused (bits of `domain/consents.REFUSABLE`: e-mail 1, SMS 2, calls 4), set by the
    # debtor on their page through `services.debtor_channels_set`; read by the daily run with the case row.
    channels_refused = models.PositiveSmallIntegerField(
        gettext_lazy("canali rifiutati"), default=0, db_default=0
    )
    # Lower-case "surname name" / company name, for prefix search at a million rows: indexed as
    # debtor_search_name_c (tenant_id, search_name) in byte order — "C" collation on PostgreSQL, SQLite's BINARY —
    # made by migrations 0003 and 0005 outside Django's state (no Meta index can say COLLATE "C" on one database
    # only); tests/test_schema.py checks that it is there.
    search_name = models.CharField(max_length=220)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("debitore")
        verbose_name_plural = gettext_lazy("debitori")
        indexes = [
            models.Index(fields=["tenant", "tax_code"], name="debtor_tax_code"),
            models.Index(fields=["tenant", "vat_number"], name="debtor_vat"),
            models.Index(fields=["tenant", "identity_key"], name="debtor_identity_key"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.company_name:
            return self.company_name
        return f"{self.last_name} {self.first_name}".strip()


class ContactPoint(TenantModel):
    """A way to reach a debtor: postal address, phone, mobile, e-mail, PEC — with its source and status."""

    tenant = tenant_key(db_index=False)  # read by debtor only
    # contact_unique_per_debtor (debtor, kind, value) serves every look-up by debtor
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="contacts", db_index=False)
    kind = models.CharField(max_length=10, choices=[(k.value, v) for k, v in CONTACT_KIND_LABELS.items()])
    value = models.CharField(max_length=254)  # phone in E.164, e-mail lower-case, address street line
    cap = models.CharField(max_length=5, blank=True)
    country = models.CharField(
        gettext_lazy("paese"), max_length=2, default="IT", db_default="IT", blank=True
    )  # ISO 3166 alpha-2; "" unknown
    municipality = models.CharField(max_length=100, blank=True)
    province = models.CharField(max_length=2, blank=True)
    source = models.CharField(max_length=60, default="committente")
    status = models.CharField(
        max_length=12, choices=[(k.value, v) for k, v in CONTACT_STATUS_LABELS.items()], default="unverified"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("recapito")
        verbose_name_plural = gettext_lazy("recapiti")
        constraints = [
            models.UniqueConstraint(fields=["debtor", "kind", "value"], name="contact_unique_per_debtor")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
