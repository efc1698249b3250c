"""Shared kernel: the agency (tenant), users with roles, the base for tenant-owned models, the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models

from recupero.core.domain.roles import ROLE_LABELS, Role


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
    licence = models.CharField("licenza art. 115 TULPS", max_length=120, blank=True)
    iban = models.CharField(max_length=34, blank=True)

    class Meta:
        verbose_name = "agenzia"
        verbose_name_plural = "agenzie"

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
    # Portal users see only this creditor's data (parties.Creditor id; no FK to keep core below parties).
    creditor_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "utente"
        verbose_name_plural = "utenti"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(Role(self.role), self.role)


class AuditLog(TenantModel):
    """Who did what, when, from which address: every service write and every creditor view of personal data."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    details: models.JSONField[Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "registro di audit"
        verbose_name_plural = "registro di audit"
        indexes = [models.Index(fields=["tenant", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
