"""Shared kernel: the agency (tenant), users with roles, the base for tenant-owned models, the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.core.domain.roles import ROLE_LABELS, Role

# The interface's languages (config/settings LANGUAGES): Italian, the source, and English.
LANGUAGES = [("it", "Italiano"), ("en", "English")]


def money_field(verbose_name: str = "", **kwargs: Any) -> models.DecimalField:  # type: ignore[type-arg]
    """Money in the database: `Decimal` with 14 digits and 2 decimals, never float (rule 4)."""
    return models.DecimalField(verbose_name or None, max_digits=14, decimal_places=2, **kwargs)


class Tenant(models.Model):
    """The collection agency (or a company's own credit department). Every business row belongs to one."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    vat_number = models.CharField(max_length=11, blank=True)
    address = models.CharField(max_length=300, blank=True)
    pec = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    licence = models.CharField(gettext_lazy("licenza art. 115 TULPS"), max_length=120, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    # What the debtor's page says under "who to call and when" (web/debtor).
    email = models.EmailField(gettext_lazy("e-mail per i debitori"), blank=True)
    office_hours = models.CharField(gettext_lazy("orari per il pubblico"), max_length=120, blank=True)

    class Meta:
        verbose_name = gettext_lazy("agenzia")
        verbose_name_plural = gettext_lazy("agenzie")

    def __str__(self) -> str:
        return self.name


def tenant_key(*, db_index: bool = True) -> Any:
    """The tenant column of a tenant-owned model. A high-volume table whose every index already leads with the
    tenant passes `db_index=False`: a separate tenant index would only be upkeep on every bulk insert."""
    return models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+", db_index=db_index)


class TenantModel(models.Model):
    """Base of every tenant-owned model: the tenant is explicit in every query (rule 5 of the house)."""

    tenant = tenant_key()

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person using Recupero: agency staff by role, or a creditor's user bound to one creditor."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    role = models.CharField(
        max_length=20, choices=[(r.value, ROLE_LABELS[r]) for r in Role], default=Role.COLLECTOR.value
    )
    # The interface's language chosen by the user ("" follows the sign-in page's choice, else Italian).
    language = models.CharField(
        gettext_lazy("lingua"), max_length=8, blank=True, default="", choices=LANGUAGES
    )
    # Portal users see only this creditor's data (parties.Creditor id; no FK to keep core below parties).
    creditor_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("utente")
        verbose_name_plural = gettext_lazy("utenti")

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(Role(self.role), self.role)


class AuditLog(TenantModel):
    """Who did what, when, from which address: every service write, every view of debtors' personal data by a
    creditor's user and every case an agency user opens. Append-only in the database (triggers of migration
    0002) and hash-chained per tenant (`domain/chain.py`): `seq` numbers the tenant's rows 1, 2, 3… and
    `hash` covers `prev_hash` and the row's content. Rows are written only by `services.audit_record` (and
    `audit_record_many`, the same chain for many rows)."""

    tenant = tenant_key(db_index=False)  # every index below leads with the tenant
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    details: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = gettext_lazy("registro di audit")
        verbose_name_plural = gettext_lazy("registro di audit")
        constraints = [models.UniqueConstraint(fields=["tenant", "seq"], name="audit_chain_seq")]
        # The auditor's page reads newest first by seq (keyset), filtered by one of these.
        indexes = [
            models.Index(
                fields=["tenant", "object_type", "object_id"], name="core_auditl_tenant__6ececa_idx"
            ),
            models.Index(fields=["tenant", "actor", "seq"], name="audit_actor_seq"),
            models.Index(fields=["tenant", "action", "seq"], name="audit_action_seq"),
            models.Index(fields=["tenant", "at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class AuditSubject(TenantModel):
    """The debtors and cases an audit row is about, one row each: the index that lets the auditor find every
    access to a debtor or a case among millions of rows. Derived from the row's hashed `details`, written in
    the same transaction, append-only like it. Plain ids, no foreign keys: core sits below parties and cases."""

    tenant = tenant_key(db_index=False)
    log = models.ForeignKey(AuditLog, on_delete=models.PROTECT, related_name="subjects", db_index=False)
    seq = models.PositiveBigIntegerField()  # the row's seq, so that a search walks this index in page order
    debtor_id = models.BigIntegerField(null=True)
    case_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = gettext_lazy("soggetto di audit")
        verbose_name_plural = gettext_lazy("soggetti di audit")
        indexes = [
            models.Index(
                fields=["tenant", "debtor_id", "seq"],
                name="audit_subject_debtor",
                condition=models.Q(debtor_id__isnull=False),
            ),
            models.Index(
                fields=["tenant", "case_id", "seq"],
                name="audit_subject_case",
                condition=models.Q(case_id__isnull=False),
            ),
            models.Index(fields=["log"], name="audit_subject_log"),
        ]

    def __str__(self) -> str:
        return (
            f"#{self.seq} debitore {self.debtor_id}"
            if self.debtor_id
            else f"#{self.seq} pratica {self.case_id}"
        )
