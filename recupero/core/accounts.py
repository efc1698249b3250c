"""Second factor (TOTP, django-otp), password changes and the interface language: the writes and reads behind
the login's second step and the "Sicurezza" page. Services follow the house rules (keyword-only, tenant and
actor first, audited)."""

from __future__ import annotations

import base64

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from recupero.core.domain.security import two_factor_required
from recupero.core.errors import DomainError
from recupero.core.models import LANGUAGES, Tenant, User
from recupero.core.passwords import password_check
from recupero.core.services import audit_record

DEVICE_NAME = "App di autenticazione"


# ---- reads ---------------------------------------------------------------------------------------------------
def otp_device_of(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if enrolled (one per user)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def otp_needed(user: User) -> bool:
    """Must this user pass the second step? Always for the roles that see everything; for the others, once
    they have enrolled an authenticator of their own."""
    return two_factor_required(user.role) or otp_device_of(user) is not None


def otp_pending_device(user: User) -> TOTPDevice | None:
    """The authenticator being enrolled (shown as a QR code, not yet confirmed)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def otp_check(*, user: User, code: str) -> TOTPDevice:
    """The second step of the login: the code the user's authenticator shows now. Each wrong code doubles the
    wait before the next try (django-otp's throttling), so six digits cannot be guessed."""
    device = otp_device_of(user)
    if device is None:
        raise DomainError("auth.not_found")
    _verify(device, code)
    return device


def _verify(device: TOTPDevice, code: str) -> None:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise DomainError("user.otp_throttled")
    if not device.verify_token(_digits(code)):
        raise DomainError("user.otp_bad_code")


def _digits(code: str) -> str:
    return "".join(code.split())


def otp_secret(device: TOTPDevice) -> str:
    """The secret as the authenticator apps type it (base32, in groups of four)."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otp_current_code(device: TOTPDevice) -> str:
    """The code the authenticator shows now (the demo's `recupero otp-code`, and the tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


# ---- writes --------------------------------------------------------------------------------------------------
def otp_enrolment_start(*, tenant: Tenant, actor: User) -> TOTPDevice:
    """The actor's authenticator being enrolled, created with a new secret if there is none (a reload of the page
    shows the same QR code). It protects nothing until `otp_enrolment_confirm` proves the app reads it."""
    _require_own(tenant, actor)
    pending = otp_pending_device(actor)
    return pending or TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)


def otp_enrolment_confirm(*, tenant: Tenant, actor: User, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm the new authenticator with a code it shows; the previous one, if any, stops working."""
    _require_own(tenant, actor)
    if device.user_id != actor.pk or device.confirmed:
        raise DomainError("auth.not_found")
    _verify(device, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(tenant=tenant, actor=actor, action="user.otp_enrol", obj=actor)
    return device


def otp_device_remove(*, tenant: Tenant, actor: User) -> None:
    """Switch the second factor off: refused to the roles that must keep it."""
    _require_own(tenant, actor)
    if two_factor_required(actor.role):
        raise DomainError("user.otp_required")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        audit_record(tenant=tenant, actor=actor, action="user.otp_remove", obj=actor)


def password_change(*, tenant: Tenant, actor: User, current: str, new: str) -> None:
    """The actor's own password: the current one proves it is them; the new one passes every validator."""
    _require_own(tenant, actor)
    if not actor.check_password(current):
        raise DomainError("user.bad_current_password")
    password_check(new, actor)
    with transaction.atomic():
        actor.set_password(new)
        actor.save(update_fields=["password"])
        audit_record(tenant=tenant, actor=actor, action="user.password_change", obj=actor)


def language_set(*, tenant: Tenant, actor: User, language: str) -> None:
    """The actor's own interface language ("" to follow the sign-in page's choice)."""
    _require_own(tenant, actor)
    if language and language not in {code for code, _name in LANGUAGES}:
        raise DomainError("user.bad_language", value=language[:20])
    with transaction.atomic():
        actor.language = language
        actor.save(update_fields=["language"])
        audit_record(
            tenant=tenant, actor=actor, action="user.language", obj=actor, details={"language": language}
        )


def _require_own(tenant: Tenant, actor: User) -> None:
    if not actor.is_active or actor.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
