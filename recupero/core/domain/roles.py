"""The permission model as data: role × capability × scope. Pure: services and selectors ask, never decide.

Three tables decide everything a user may see or do:
- `PERMISSIONS`: which capabilities a role holds (what kind of act);
- `CASE_SCOPE`: which cases a role's acts reach (all of the agency, the creditors assigned to the user, the
  user's own creditor, the cases handed to legal);
- `OWN_ITEMS_ONLY`: capabilities a role holds only on work assigned to it (a field agent's own visits).

`recupero/core/permissions.py` applies them (querysets cut to the actor, writes refused); the README of `core`
prints them (`matrix_markdown()`, kept true by a test). An interface never looks at a role name.
"""

from __future__ import annotations

from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CONSULTANT = "consultant"
    COLLECTOR = "collector"
    FIELD_AGENT = "field_agent"
    LAWYER = "lawyer"
    AUDITOR = "auditor"
    CREDITOR_USER = "creditor_user"
    # The worker and the command line acting for the agency (daily run, receipts, intake from a shell): never a
    # person, never logged in, audited as "sistema".
    SYSTEM = "system"
    # A debtor who opened the personal link of a letter and passed its second factor: never a stored user,
    # scoped to their own cases with the creditor of that link (`core.permissions.debtor_actor`).
    DEBTOR = "debtor"


ROLE_LABELS = {
    Role.ADMIN: gettext_lazy("Amministratore"),
    Role.SUPERVISOR: gettext_lazy("Supervisore"),
    Role.CONSULTANT: gettext_lazy("Consulente"),
    Role.COLLECTOR: gettext_lazy("Operatore phone collection"),
    Role.FIELD_AGENT: gettext_lazy("Esattore domiciliare"),
    Role.LAWYER: gettext_lazy("Avvocato"),
    Role.AUDITOR: gettext_lazy("Revisore"),
    Role.CREDITOR_USER: gettext_lazy("Utente committente"),
    Role.SYSTEM: gettext_lazy("Sistema"),
    Role.DEBTOR: gettext_lazy("Debitore (pagina personale)"),
}

# Capabilities. The string is the stable name (audit rows and tests use it).
VIEW_CASES = "cases.view"
EDIT_CASES = "cases.edit"
VIEW_PERSONAL_DATA = "parties.view_personal"
VIEW_CREDITORS = "parties.view_creditors"
MANAGE_CREDITORS = "parties.manage_creditors"
VIEW_QUEUES = "worklists.view"
WORK_ITEMS = "worklists.work"  # close call and skip-trace items with an outcome
REPORT_VISITS = "worklists.report_visit"  # close visit items with a report
ASSIGN_ITEMS = "worklists.assign"
VIEW_IMPORTS = "imports.view"
COMMIT_IMPORTS = "imports.commit"  # upload, map, discard, commit an affido
VIEW_STRATEGIES = "strategies.view"
RUN_STRATEGIES = "strategies.run"
VIEW_DOCUMENTS = "channels.view_documents"
RECORD_RECEIPTS = "channels.record_receipts"  # PEC receipts, registered-mail outcomes, bounces
SEND_COMMUNICATIONS = "channels.send"  # a letter, e-mail, SMS or PEC: the ladder's or an ad-hoc one
POST_LEDGER = "ledger.post"
PROPOSE_ARRANGEMENTS = "arrangements.propose"
APPROVE_ARRANGEMENTS = "arrangements.approve"
POST_PAYMENTS = "payments.post"
# Bank statements and their review queue show every payer of the agency's account, whichever creditor's.
RECONCILE_PAYMENTS = "payments.reconcile"
ISSUE_REMITTANCE = "remittance.issue"
VIEW_AUDIT = "core.view_audit"
MANAGE_USERS = "core.manage_users"
MANAGE_RATES = "law.manage_rates"
ADMIN_SITE = "core.admin_site"
DECIDE_DISPUTES = "disputes.decide"  # uphold (reducing the books) or reject a dispute with a reasoned reply
VIEW_AGENCY_REPORTS = "reporting.view_agency"  # the agency's dashboards, exports and snapshots
MANAGE_INTEGRATION = "reporting.integration"  # a creditor's API tokens and webhooks
CASE_MESSAGES = "cases.message"  # the case's thread between the creditor's users and the agency
MONTHLY_REPORT = "reporting.monthly_report"  # a creditor's monthly report by e-mail: when, to whom
# A creditor's own system pushes assignments and direct payments through the API (the agency's intake and
# payments services do the work, for that creditor only).
PUSH_INTEGRATION = "reporting.push"
# The debtor's own acts on their page (pay by card, propose a plan, contest, correct a contact): never a staff
# capability, so a staff role cannot reach these services by mistake.
DEBTOR_SELF_SERVICE = "debtor.self_service"
# The agency's hand on a debtor's personal link: unlock it after failed attempts, reissue or revoke it.
MANAGE_ACCESS_LINKS = "cases.manage_access"

CAPABILITY_LABELS = {
    VIEW_CASES: gettext_lazy("vedere le pratiche"),
    EDIT_CASES: gettext_lazy("lavorare le pratiche"),
    VIEW_PERSONAL_DATA: gettext_lazy("vedere i dati personali dei debitori"),
    VIEW_CREDITORS: gettext_lazy("vedere i committenti"),
    MANAGE_CREDITORS: gettext_lazy("gestire committenti e mandati"),
    VIEW_QUEUES: gettext_lazy("vedere le code di lavoro"),
    WORK_ITEMS: gettext_lazy("esitare telefonate e rintracci"),
    REPORT_VISITS: gettext_lazy("esitare visite domiciliari"),
    ASSIGN_ITEMS: gettext_lazy("assegnare attività"),
    VIEW_IMPORTS: gettext_lazy("vedere le importazioni"),
    COMMIT_IMPORTS: gettext_lazy("caricare e confermare affidi"),
    VIEW_STRATEGIES: gettext_lazy("vedere strategie ed esecuzioni"),
    RUN_STRATEGIES: gettext_lazy("eseguire le strategie"),
    VIEW_DOCUMENTS: gettext_lazy("scaricare lettere e documenti"),
    RECORD_RECEIPTS: gettext_lazy("registrare ricevute ed esiti postali"),
    SEND_COMMUNICATIONS: gettext_lazy("inviare comunicazioni"),
    POST_LEDGER: gettext_lazy("registrare in contabilità"),
    PROPOSE_ARRANGEMENTS: gettext_lazy("proporre promesse, piani e stralci"),
    APPROVE_ARRANGEMENTS: gettext_lazy("approvare piani e stralci oltre mandato"),
    POST_PAYMENTS: gettext_lazy("registrare pagamenti"),
    RECONCILE_PAYMENTS: gettext_lazy("caricare estratti conto e riconciliare gli incassi"),
    ISSUE_REMITTANCE: gettext_lazy("emettere rendiconti e riversamenti"),
    VIEW_AUDIT: gettext_lazy("consultare il registro di audit"),
    MANAGE_USERS: gettext_lazy("gestire gli utenti"),
    MANAGE_RATES: gettext_lazy("aggiornare i tassi"),
    ADMIN_SITE: gettext_lazy("usare l'amministrazione"),
    DECIDE_DISPUTES: gettext_lazy("decidere le contestazioni"),
    VIEW_AGENCY_REPORTS: gettext_lazy("vedere i report dell'agenzia"),
    MANAGE_INTEGRATION: gettext_lazy("gestire token API e webhook del committente"),
    CASE_MESSAGES: gettext_lazy("scrivere nei messaggi della pratica tra committente e agenzia"),
    MONTHLY_REPORT: gettext_lazy("programmare il report mensile del committente via e-mail"),
    PUSH_INTEGRATION: gettext_lazy("inviare affidi e pagamenti diretti dal sistema del committente"),
    DEBTOR_SELF_SERVICE: gettext_lazy("agire sulla propria pratica dalla pagina personale"),
    MANAGE_ACCESS_LINKS: gettext_lazy(
        "sbloccare, riemettere o revocare i collegamenti personali dei debitori"
    ),
}

ALL_CAPABILITIES = frozenset(CAPABILITY_LABELS)

_READ = frozenset({VIEW_CASES, VIEW_PERSONAL_DATA, VIEW_DOCUMENTS})
# The operator who takes the debtor's call checks who they are and unlocks or reissues their personal link.
_AGENCY_WORK = _READ | {
    EDIT_CASES,
    VIEW_QUEUES,
    WORK_ITEMS,
    PROPOSE_ARRANGEMENTS,
    SEND_COMMUNICATIONS,
    MANAGE_ACCESS_LINKS,
}

_STAFF_CAPABILITIES = ALL_CAPABILITIES - {DEBTOR_SELF_SERVICE}

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: _STAFF_CAPABILITIES,
    Role.SUPERVISOR: _STAFF_CAPABILITIES
    - {
        ADMIN_SITE,
        MANAGE_USERS,
        MANAGE_RATES,
        MANAGE_CREDITORS,
        MANAGE_INTEGRATION,
        MONTHLY_REPORT,
        PUSH_INTEGRATION,
    },
    Role.CONSULTANT: _AGENCY_WORK
    | {
        VIEW_CREDITORS,
        VIEW_IMPORTS,
        COMMIT_IMPORTS,
        VIEW_STRATEGIES,
        POST_LEDGER,
        APPROVE_ARRANGEMENTS,
        POST_PAYMENTS,
        RECORD_RECEIPTS,
        DECIDE_DISPUTES,
        CASE_MESSAGES,
    },
    Role.COLLECTOR: _AGENCY_WORK,
    # Read-only, except the reports of the visits assigned to them (and the agreements reached there).
    Role.FIELD_AGENT: _READ | {REPORT_VISITS, PROPOSE_ARRANGEMENTS},
    Role.LAWYER: _READ,
    Role.AUDITOR: _READ
    | {VIEW_CREDITORS, VIEW_QUEUES, VIEW_IMPORTS, VIEW_STRATEGIES, VIEW_AUDIT, VIEW_AGENCY_REPORTS},
    # A creditor's window on its own portfolio: its cases, its letters, its batches, its approvals.
    Role.CREDITOR_USER: _READ
    | {
        VIEW_CREDITORS,
        VIEW_IMPORTS,
        APPROVE_ARRANGEMENTS,
        MANAGE_INTEGRATION,
        CASE_MESSAGES,
        MONTHLY_REPORT,
        PUSH_INTEGRATION,
    },
    Role.SYSTEM: _STAFF_CAPABILITIES - {ADMIN_SITE},
    # What a debtor's page shows (their cases, letters, documents) and what they do there themselves.
    Role.DEBTOR: frozenset({VIEW_CASES, VIEW_DOCUMENTS, DEBTOR_SELF_SERVICE}),
}

# Which case population each role sees and acts on (enforced by core.permissions).
SCOPE_ALL = "all"
SCOPE_ASSIGNED_CREDITORS = "assigned_creditors"
SCOPE_LEGAL = "legal"
SCOPE_OWN_CREDITOR = "own_creditor"
SCOPE_OWN_DEBTS = "own_debts"

SCOPE_LABELS = {
    SCOPE_ALL: gettext_lazy("tutta l'agenzia"),
    SCOPE_ASSIGNED_CREDITORS: gettext_lazy("i committenti assegnati"),
    SCOPE_LEGAL: gettext_lazy("le pratiche affidate al legale"),
    SCOPE_OWN_CREDITOR: gettext_lazy("il proprio committente"),
    SCOPE_OWN_DEBTS: gettext_lazy("le proprie pratiche con il committente del collegamento"),
}

CASE_SCOPE: dict[Role, str] = {
    Role.ADMIN: SCOPE_ALL,
    Role.SUPERVISOR: SCOPE_ALL,
    Role.AUDITOR: SCOPE_ALL,
    Role.COLLECTOR: SCOPE_ALL,
    Role.FIELD_AGENT: SCOPE_ALL,
    Role.SYSTEM: SCOPE_ALL,
    Role.CONSULTANT: SCOPE_ASSIGNED_CREDITORS,
    Role.LAWYER: SCOPE_LEGAL,
    Role.CREDITOR_USER: SCOPE_OWN_CREDITOR,
    Role.DEBTOR: SCOPE_OWN_DEBTS,
}

# (role, capability) pairs that reach only the work items assigned to the user, or to nobody yet.
OWN_ITEMS_ONLY: frozenset[tuple[Role, str]] = frozenset(
    {
        (Role.FIELD_AGENT, REPORT_VISITS),
        (Role.COLLECTOR, VIEW_QUEUES),
        (Role.COLLECTOR, WORK_ITEMS),
    }
)


def can(role: str, permission: str) -> bool:
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def matrix_markdown() -> str:
    """The matrix as the Markdown table printed in core/README.md (a test keeps the README equal to it)."""
    roles = [r for r in Role]
    head = "| capacità | " + " | ".join(r.value for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    lines = [head, rule]
    for cap, label in CAPABILITY_LABELS.items():
        cells = []
        for r in roles:
            mark = "✓" if cap in PERMISSIONS[r] else ""
            if mark and (r, cap) in OWN_ITEMS_ONLY:
                mark = "propri"
            cells.append(mark)
        lines.append(f"| `{cap}` {label} | " + " | ".join(cells) + " |")
    lines.append(
        "| **ambito delle pratiche** | " + " | ".join(SCOPE_LABELS[CASE_SCOPE[r]] for r in roles) + " |"
    )
    return "\n".join(lines)
