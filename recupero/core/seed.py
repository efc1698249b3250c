"""Core rows of a fixture load (the demo agency, `recupero.demo.loader`): a tenant and its users, written here
because core owns their tables (issue 11 item 1: no app writes another app's tables).

Not services and not for business flows: the demo's password and second-factor secret are public by design, so
the users are made without the password validators `core.services.user_create` applies (one hash shared by all),
and a tenant has no service of its own (an agency is set up by the installer).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from recupero.core.accounts import DEVICE_NAME
from recupero.core.domain.security import two_factor_required
from recupero.core.models import Tenant, User


def tenant_seed(**fields: Any) -> Tenant:
    return Tenant.objects.create(**fields)


def users_seed(
    *, tenant: Tenant, actor: User, users: list[dict[str, Any]], password: str, totp_hex: str
) -> dict[str, User]:
    """Users (username, role, first_name, last_name, email, is_staff) sharing one password, with a confirmed
    authenticator device of key `totp_hex` for the roles that need the second step. Returns them by username."""
    taken = set(
        User.objects.filter(username__in=[u["username"] for u in users]).values_list("username", flat=True)
    )
    if taken:
        raise RuntimeError(f"usernames already taken outside the demo: {', '.join(sorted(taken))}")
    hashed = make_password(password)  # hashed once, shared by every demo user (same password)
    made = {u["username"]: User.objects.create(tenant=tenant, password=hashed, **u) for u in users}
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name=DEVICE_NAME, key=totp_hex, confirmed=True)
        for user in made.values()
        if two_factor_required(user.role)
    )
    return made


def user_creditor_set(*, tenant: Tenant, actor: User, user: User, creditor_id: int) -> None:
    """A creditor user's creditor (the portal's scope), once the creditor exists."""
    User.objects.filter(tenant=tenant, pk=user.pk).update(creditor_id=creditor_id)
    user.creditor_id = creditor_id
