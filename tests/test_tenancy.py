"""Tenancy is explicit (rule 5): every business model is tenant-owned, and no selector leaks another agency's rows.

The selector test calls every public function of every `selectors` module with tenant A while tenant B holds a
mirror image of A's data (same codes, same codici fiscali), and fails if anything of B comes back. A new selector
must be added to CALLS below, or the test fails and says so.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.apps import apps
from django.db import models

import recupero
from recupero.cases.models import Case
from recupero.cases.selectors import CaseFilters
from recupero.core.domain.roles import Role
from recupero.core.models import AuditLog, TenantModel
from recupero.core.selectors import AuditFilters
from tests.factories import make_case, make_creditor, make_debtor, make_user

# the tenant itself; users carry tenant as a (nullable) FK; published interest rates are law, the same for all
NOT_TENANT_OWNED = {"core.tenant", "core.user", "ledger.interestrate"}


def test_every_business_model_is_tenant_owned():
    offenders = [
        m._meta.label_lower
        for m in apps.get_models()
        if m.__module__.startswith("recupero.")
        and m._meta.label_lower not in NOT_TENANT_OWNED
        and not m._meta.auto_created
        and not issubclass(m, TenantModel)
    ]
    assert offenders == [], f"models without TenantModel: {offenders}"


def _selector_functions() -> dict[str, Callable[..., Any]]:
    found = {}
    for mod in pkgutil.walk_packages(recupero.__path__, "recupero."):
        if mod.name.endswith(".selectors") or ".selectors." in mod.name:  # a package counts by its modules
            module = importlib.import_module(mod.name)
            for name, fn in inspect.getmembers(module, inspect.isfunction):
                if fn.__module__ == module.__name__ and not name.startswith("_"):
                    found[f"{mod.name}.{name}"] = fn
    return found


# How to call each selector with tenant A's context `c`.
CALLS: dict[str, Callable[[Callable[..., Any], dict[str, Any]], Any]] = {
    "recupero.cases.selectors.cases_visible": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.cases.selectors.case_list": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], filters=CaseFilters(q="RSSMRA85T10A562S")
    )[0],
    "recupero.cases.selectors.case_get": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], case_id=c["case"].pk
    ),
    "recupero.cases.selectors.case_claims": lambda f, c: f(case=c["case"]),
    "recupero.cases.selectors.claim_documents": lambda f, c: f(case=c["case"]),
    "recupero.cases.selectors.case_timeline": lambda f, c: f(case=c["case"]),
    "recupero.cases.selectors.assignments_of": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], creditor_id=c["creditor"].pk
    ),
    "recupero.cases.selectors.other_cases_of_debtor": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], case=c["case"]
    ),
    "recupero.cases.selectors.prescription_events": None,  # (kind, date) pairs of one case, no rows
    "recupero.cases.selectors.search_q": None,  # builds a condition, returns no rows
    "recupero.cases.selectors.case_messages": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], case=c["case"]
    ),
    "recupero.cases.selectors.threads_waiting": None,  # (case id, code, time, text) of case_q's messages
    "recupero.parties.selectors.creditors_visible": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.parties.selectors.creditor_get": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], creditor_id=c["creditor"].pk
    ),
    "recupero.cases.selectors.case_status_counts": None,  # counts, checked through the home page tests
    "recupero.cases.selectors.case_counts_by_assignment": None,
    "recupero.cases.selectors.open_case_count": None,
    "recupero.parties.selectors.creditor_list": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.parties.selectors.contacts_of": lambda f, c: f(tenant=c["tenant"], debtor=c["case"].debtor),
    "recupero.parties.selectors.mandates_of": lambda f, c: f(tenant=c["tenant"], creditor=c["creditor"]),
    "recupero.ledger.selectors.case_balances": None,  # returns sums, checked in test_balances_are_per_tenant
    "recupero.ledger.selectors.case_entries": lambda f, c: f(case=c["case"]),
    "recupero.ledger.selectors.unbalanced_cases": None,  # integrity check over every tenant, by design
    "recupero.ledger.selectors.rate_table": None,  # published rates: law, global, no tenant rows
    "recupero.ledger.selectors.rate_rows": None,
    "recupero.ledger.selectors.rates_missing": None,
    "recupero.strategies.selectors.chunks.iter_chunks": lambda f, c: [
        Case.objects.get(pk=s.case_id)
        for chunk in f(tenant=c["tenant"], today=dt.date(2026, 3, 2))
        for s in chunk.snapshots
    ],
    "recupero.strategies.selectors.pages.runs_recent": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.strategies.selectors.pages.case_steps": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], case_id=c["case"].pk
    ),
    "recupero.channels.selectors.case_communications": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], case_id=c["case"].pk
    ),
    "recupero.channels.selectors.print_batches": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.channels.selectors.communications_visible": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"]
    ),
    "recupero.channels.selectors.communication_get": None,  # by id with the tenant: channels tests
    "recupero.worklists.selectors.call_queue": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], today=dt.date(2026, 3, 2), at=dt.time(10)
    ),
    "recupero.worklists.selectors.visit_queue": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], today=dt.date(2026, 3, 2)
    ),
    "recupero.worklists.selectors.skip_trace_queue": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], today=dt.date(2026, 3, 2)
    ),
    "recupero.worklists.selectors.case_items": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], case_id=c["case"].pk
    ),
    "recupero.worklists.selectors.items_visible": lambda f, c: list(
        f(tenant=c["tenant"], actor=c["admin"], kind="call")
    ),
    "recupero.worklists.selectors.item_get": None,  # by id with the tenant: worklists tests
    "recupero.imports.selectors.batch_get": None,  # by id with the tenant: imports tests
    "recupero.imports.selectors.batch_list": lambda f, c: list(f(tenant=c["tenant"], actor=c["admin"])),
    "recupero.imports.selectors.profiles_of": lambda f, c: list(f(tenant=c["tenant"], actor=c["admin"])),
    "recupero.imports.selectors.batches_visible": lambda f, c: list(f(tenant=c["tenant"], actor=c["admin"])),
    "recupero.imports.selectors.import_creditors": lambda f, c: list(f(tenant=c["tenant"], actor=c["admin"])),
    "recupero.imports.selectors.batch_progress": None,  # figures of one batch, no rows
    "recupero.imports.selectors.batch_report": None,  # bytes of one batch's report
    "recupero.core.selectors.chain_rows": lambda f, c: list(
        AuditLog.objects.filter(pk__in=[r.id for r in f(tenant=c["tenant"])])
    ),
    "recupero.core.selectors.chain_verify": None,  # a verdict, no rows (core/tests/test_audit_chain.py)
    "recupero.core.selectors.last_verification": lambda f, c: f(tenant=c["tenant"]),
    "recupero.core.selectors.audit_filtered": lambda f, c: list(
        f(tenant=c["tenant"], actor=c["admin"], filters=AuditFilters())
    ),
    "recupero.core.selectors.audit_page": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], filters=AuditFilters()
    )[0],
    "recupero.core.selectors.audit_actions": None,  # action names, no rows
    "recupero.core.selectors.chain_status": None,  # a sentence about the tenant's own chain
    "recupero.parties.selectors.debtor_ids_matching": None,  # ids, checked in web/tests/test_audit.py
    "recupero.core.selectors.audit_actors": lambda f, c: list(f(tenant=c["tenant"], actor=c["admin"])),
    "recupero.payments.selectors.require_statements": None,  # a check, no rows
    "recupero.payments.selectors.payments_of_case": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], case_id=c["case"].pk
    ),
    "recupero.payments.selectors.payment_get": None,  # by id with the tenant: payments tests
    "recupero.payments.selectors.case_by_code": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], code=c["case"].code
    ),
    "recupero.payments.selectors.statements_list": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.payments.selectors.statement_get": None,  # by id with the tenant: payments tests
    "recupero.payments.selectors.statement_entries": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], statement_id=0
    ),
    "recupero.payments.selectors.review_queue": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.payments.selectors.entry_get": None,  # by id with the tenant
    "recupero.payments.selectors.collection_accounts": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.payments.selectors.statement_counts": None,  # figures of one statement
    "recupero.payments.selectors.statement_summary": None,
    "recupero.reporting.selectors.assignments_named": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.reporting.selectors.step_figures": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.reporting.selectors.tokens_of": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.reporting.selectors.webhooks_of": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.reporting.selectors.deliveries_of": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.reporting.selectors.monthly_report_page": lambda f, c: [
        f(tenant=c["tenant"], actor=c["admin"]).report,
        f(tenant=c["tenant"], actor=c["admin"]).sendings,
    ],
    # Figures (dataclasses and dicts of numbers), every query filtered by the tenant: reporting/tests
    "recupero.reporting.selectors.portfolio_groups": None,
    "recupero.reporting.selectors.portfolio_today": None,
    "recupero.reporting.selectors.collected_months": None,
    "recupero.reporting.selectors.snapshot_day": None,
    "recupero.reporting.selectors.creditors_named": None,
    "recupero.reporting.selectors.staff_named": None,
    "recupero.reporting.selectors.collector_work": None,
    "recupero.reporting.selectors.ageing": None,
    "recupero.reporting.selectors.status_counts": None,
    "recupero.reporting.selectors.collector_collected": None,
    "recupero.reporting.selectors.worked_seconds_by_person": None,
    "recupero.reporting.selectors.prescription_at_risk": None,  # dataclass rows of the tenant's snapshot
    "recupero.reporting.selectors.rollup": None,  # sums groups already read
    "recupero.reporting.selectors.scope_q": None,  # builds a condition
    "recupero.reporting.selectors.token_user": None,  # by the key's digest: the API's authentication
    "recupero.payments.selectors.known_references": lambda f, c: f(
        tenant=c["tenant"], iban="X", references=["R"]
    ),
    "recupero.payments.selectors.entries_to_reconcile": lambda f, c: f(tenant=c["tenant"], iban="X", limit=5),
    "recupero.payments.selectors.pending_count": lambda f, c: f(tenant=c["tenant"], iban="X"),
    "recupero.payments.selectors.entry_data": None,  # a conversion, no query
    "recupero.payments.selectors.candidate_index": None,  # dataclasses, checked by the statements tests
    "recupero.payments.selectors.cases_by_id": lambda f, c: f(tenant=c["tenant"], ids=[c["case"].pk]),
    "recupero.remittance.selectors.remittances_visible": lambda f, c: list(
        f(tenant=c["tenant"], actor=c["admin"])
    ),
    "recupero.remittance.selectors.remittance_creditors": lambda f, c: list(
        f(tenant=c["tenant"], actor=c["admin"])
    ),
    "recupero.remittance.selectors.remittance_get": None,  # by id with the tenant: tests/test_permissions.py
    "recupero.remittance.selectors.remittance_file": None,  # by id with the tenant: tests/test_permissions.py
    "recupero.remittance.selectors.remittance_lines": None,  # lines of a remittance reached through remittance_get
    "recupero.arrangements.selectors.arrangements_visible": lambda f, c: list(
        f(tenant=c["tenant"], actor=c["admin"])
    ),
    "recupero.arrangements.selectors.case_arrangements": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], case=c["case"]
    ),
    "recupero.arrangements.selectors.arrangements_pending": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"]
    ),
    "recupero.arrangements.selectors.case_by_code": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], code=c["case"].code
    ),
    "recupero.arrangements.selectors.arrangement_get": None,  # by id through arrangements_visible
    "recupero.arrangements.selectors.open_arrangement": None,  # of a case reached through case_get
    "recupero.arrangements.selectors.mandate_for": None,  # the mandate of a case already reached
    "recupero.arrangements.selectors.rules_for": None,  # the rules of that mandate
    "recupero.arrangements.selectors.default_rules": None,  # pure: rules from a mandate's columns
    "recupero.arrangements.selectors.self_service_offer": None,  # limits of a case reached through case_get
    "recupero.arrangements.selectors.amount_due_today": None,  # figures of a case already reached
    "recupero.arrangements.selectors.arrangement_draft": None,  # a computation on a case already reached
    "recupero.arrangements.selectors.draft_json": None,  # formats a draft
    "recupero.arrangements.selectors.terms_from_input": None,  # parses typed input
    "recupero.arrangements.selectors.instalment_notices": None,  # filtered by tenant; arrangements tests
    "recupero.arrangements.selectors.acceptance_by_token": None,  # by a signed token (public page)
    "recupero.arrangements.selectors.summary_token": None,  # signs an offer's id
    "recupero.arrangements.selectors.token_hash": None,  # a hash
    # the collector's desk and disputes (issue 12)
    "recupero.cases.selectors.cases_filtered": lambda f, c: list(
        f(tenant=c["tenant"], actor=c["admin"], filters=CaseFilters())
    ),
    "recupero.cases.selectors.case_disputes": lambda f, c: f(case=c["case"]),
    "recupero.cases.selectors.dispute_document_get": None,  # by id with the tenant: web desk tests
    "recupero.worklists.selectors.my_queue": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], kind="call", today=dt.date(2026, 3, 2)
    ),
    "recupero.worklists.selectors.queue_of": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], kind="call", today=dt.date(2026, 3, 2)
    ),
    "recupero.worklists.selectors.desk_overview": lambda f, c: f(
        tenant=c["tenant"], actor=c["admin"], today=dt.date(2026, 3, 2)
    ),
    "recupero.worklists.selectors.teams_list": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.worklists.selectors.assignment_rules": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.worklists.selectors.collectors": lambda f, c: f(tenant=c["tenant"], actor=c["admin"]),
    "recupero.worklists.selectors.team_get": None,  # by id with the tenant: worklists/tests/test_teams.py
    "recupero.worklists.selectors.rule_get": None,  # by id with the tenant: worklists/tests/test_teams.py
    "recupero.worklists.selectors.visit_day": lambda f, c: [
        s.item for g in f(tenant=c["tenant"], actor=c["admin"], today=dt.date(2026, 3, 2)) for s in g.stops
    ],
    "recupero.worklists.selectors.call_prep": None,  # by item id with the tenant: worklists desk tests
}


def _mirror(tenant) -> dict[str, Any]:
    creditor = make_creditor(tenant, "UTIL")
    case = make_case(tenant, creditor, make_debtor(tenant), reference="SAME-REF", invoice_prefix="SAME")
    return {"tenant": tenant, "creditor": creditor, "case": case, "admin": make_user(tenant, Role.ADMIN)}


def _tenant_ids(value: Any) -> Iterable[int]:
    if isinstance(value, models.Model):
        if hasattr(value, "tenant_id"):
            yield value.tenant_id
    elif isinstance(value, (list, tuple, set, models.QuerySet)):
        for item in value:
            yield from _tenant_ids(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tenant_ids(item)


@pytest.mark.django_db
def test_no_selector_returns_another_tenants_rows(tenant, other_tenant):
    a, b = _mirror(tenant), _mirror(other_tenant)
    functions = _selector_functions()
    missing = sorted(set(functions) - set(CALLS))
    assert missing == [], f"add these selectors to CALLS in tests/test_tenancy.py: {missing}"
    for name, fn in functions.items():
        call = CALLS[name]
        if call is None:
            continue
        seen = set(_tenant_ids(call(fn, a)))
        assert b["tenant"].pk not in seen, f"{name} leaked rows of another tenant"


@pytest.mark.django_db
def test_balances_are_per_tenant(tenant, other_tenant):
    from recupero.ledger.domain.accounts import total_due
    from recupero.ledger.selectors import case_balances

    a, b = _mirror(tenant), _mirror(other_tenant)
    assert total_due(case_balances(case=a["case"])) == a["case"].original_amount
    assert a["case"].code == b["case"].code  # same code in both agencies, still separate books
    from recupero.cases.selectors import case_counts_by_assignment, case_status_counts, open_case_count

    assert case_status_counts(tenant=tenant, actor=a["admin"]) == {"new": 1}
    assert case_counts_by_assignment(tenant=tenant, actor=a["admin"], creditor_id=a["creditor"].pk) == {
        a["case"].assignment_id: 1
    }
    assert open_case_count(tenant=tenant, actor=a["admin"], creditor_id=a["creditor"].pk) == 1
