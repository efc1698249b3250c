"""Roles and what each may do. Pure data: services and selectors ask `can(role, permission)`."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CONSULTANT = "consultant"
    COLLECTOR = "collector"
    FIELD_AGENT = "field_agent"
    LAWYER = "lawyer"
    AUDITOR = "auditor"
    CREDITOR_USER = "creditor_user"


ROLE_LABELS = {
    Role.ADMIN: "Amministratore",
    Role.SUPERVISOR: "Supervisore",
    Role.CONSULTANT: "Consulente",
    Role.COLLECTOR: "Operatore phone collection",
    Role.FIELD_AGENT: "Esattore domiciliare",
    Role.LAWYER: "Avvocato",
    Role.AUDITOR: "Revisore",
    Role.CREDITOR_USER: "Utente committente",
}

VIEW_CASES = "cases.view"
EDIT_CASES = "cases.edit"
VIEW_PERSONAL_DATA = "parties.view_personal"
MANAGE_CREDITORS = "parties.manage_creditors"
VIEW_CREDITORS = "parties.view_creditors"
POST_LEDGER = "ledger.post"
VIEW_AUDIT = "core.view_audit"
ADMIN_SITE = "core.admin_site"

_ALL = frozenset(
    {
        VIEW_CASES,
        EDIT_CASES,
        VIEW_PERSONAL_DATA,
        MANAGE_CREDITORS,
        VIEW_CREDITORS,
        POST_LEDGER,
        VIEW_AUDIT,
        ADMIN_SITE,
    }
)

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: _ALL,
    Role.SUPERVISOR: _ALL - {ADMIN_SITE},
    Role.CONSULTANT: frozenset({VIEW_CASES, EDIT_CASES, VIEW_PERSONAL_DATA, VIEW_CREDITORS, POST_LEDGER}),
    Role.COLLECTOR: frozenset({VIEW_CASES, EDIT_CASES, VIEW_PERSONAL_DATA}),
    Role.FIELD_AGENT: frozenset({VIEW_CASES, VIEW_PERSONAL_DATA}),
    Role.LAWYER: frozenset({VIEW_CASES, VIEW_PERSONAL_DATA}),
    Role.AUDITOR: frozenset({VIEW_CASES, VIEW_PERSONAL_DATA, VIEW_CREDITORS, VIEW_AUDIT}),
    Role.CREDITOR_USER: frozenset({VIEW_CASES, VIEW_PERSONAL_DATA}),
}

# Which case population each role sees (enforced by the case selectors).
SCOPE_ALL = "all"
SCOPE_ASSIGNED_CREDITORS = "assigned_creditors"
SCOPE_LEGAL = "legal"
SCOPE_OWN_CREDITOR = "own_creditor"

CASE_SCOPE: dict[Role, str] = {
    Role.ADMIN: SCOPE_ALL,
    Role.SUPERVISOR: SCOPE_ALL,
    Role.AUDITOR: SCOPE_ALL,
    Role.COLLECTOR: SCOPE_ALL,
    Role.FIELD_AGENT: SCOPE_ALL,
    Role.CONSULTANT: SCOPE_ASSIGNED_CREDITORS,
    Role.LAWYER: SCOPE_LEGAL,
    Role.CREDITOR_USER: SCOPE_OWN_CREDITOR,
}


def can(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(Role(role), frozenset())
