"""Who must prove a second factor (TOTP) after the password. Pure data, like roles.py."""

from __future__ import annotations

from recupero.core.domain.roles import Role

# The agency roles that see every case of every creditor (and the audit log): a stolen password alone must not
# open the whole portfolio. Every other user may enrol from the "Sicurezza" page; once enrolled, they are asked too.
TWO_FACTOR_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR})


def two_factor_required(role: str) -> bool:
    return role in TWO_FACTOR_ROLES
