"""The trust boundary, proved by enumeration: every URL pattern and API operation, every service, every selector,
as every role (and anonymous), with ids of another creditor's and another agency's objects.

A new URL, API operation, service or selector is covered without editing this file: URLs come from the
resolver (the API's included), operations from the OpenAPI schema, services from `core.permissions.SERVICES`,
selectors from every `selectors` module. What it asserts:
- no response shows a case code, debtor name or tax code of a case the actor may not reach;
- no request with a foreign id, and no request at all by a role that may only read, changes a row;
- no response is a server error;
- every public service declares its capability, and a role without it changes nothing;
- the matrix printed in core/README.md is the one the code applies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import recupero
from recupero.cases.models import Assignment, Case
from recupero.channels.models import Communication
from recupero.core.domain.roles import PERMISSIONS, Role, matrix_markdown
from recupero.core.errors import DomainError
from recupero.core.models import User
from recupero.core.permissions import SERVICES
from recupero.imports.models import ImportBatch
from recupero.parties.models import Creditor
from recupero.remittance.models import Remittance
from recupero.worklists.models import AssignmentRule, Team, WorkItem
from tests import permissions_world as pw

pytestmark = pytest.mark.django_db

# Rows that a read may add (the audit of the read itself, the session, login bookkeeping): not business data.
NOT_BUSINESS = {"core.auditlog", "core.auditsubject", "sessions.session", "admin.logentry"}
NOT_BUSINESS_APPS = {"axes", "otp_totp", "otp_static", "otp_email", "contenttypes", "auth"}

# Which model an id parameter names, by its name in the URL (a new URL with these names needs nothing here).
ID_MODELS: dict[str, type[Any]] = {
    "case_id": Case,
    "item_id": WorkItem,
    "batch_id": ImportBatch,
    "communication_id": Communication,
    "creditor_id": Creditor,
    "code": Case,  # API paths by case code
    "remittance_id": Remittance,
    "team_id": Team,
    "rule_id": AssignmentRule,
    "assignment_id": Assignment,  # the portal's outcomes file (esiti)
}
STR_VALUES = {"fmt": ["csv", "xlsx"], "app_label": ["cases", "core", "parties"]}
POST_DATA = {
    "outcome": "promise",
    "amount": "10,00",
    "date": "31/12/2030",
    "note": "prova",
    "contact_id": "",
    "creditor": "ENE",
}
# Roles that may only read on every page of this world: any POST of theirs must change nothing.
READ_ONLY = {Role.AUDITOR, Role.LAWYER, Role.CREDITOR_USER, Role.FIELD_AGENT}


@pytest.fixture
def world(settings, tmp_path) -> pw.PermissionWorld:
    settings.MEDIA_ROOT = tmp_path
    return pw.build()


# ----------------------------------------------------------------------------------------------- URL walk


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        else:
            yield route, entry


def _admin_model(pattern: URLPattern) -> type[Any] | None:
    admin = getattr(pattern.callback, "model_admin", None)
    return getattr(admin, "model", None)


_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _fill(route: str, pattern: URLPattern, ids: dict[str, list[int]]) -> list[str]:
    """Every concrete path for a route: each id parameter takes each id it is given, str params their values."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    params = list(_PARAM.finditer(route))
    if not params:
        return ["/" + route]
    paths = [route]
    for p in params:
        name, conv = p.group("name"), p.group("conv") or "str"
        if name in STR_VALUES:
            values = STR_VALUES[name]
        elif name == "object_id":
            model = _admin_model(pattern)
            values = [str(i) for i in ids.get(model._meta.label_lower, [])] if model else []
        elif name in ID_MODELS:
            values = [str(i) for i in ids.get(ID_MODELS[name]._meta.label_lower, [])]
        elif conv == "int" or name.endswith("_id"):
            values = [str(i) for i in ids.get("cases.case", [])]
        else:
            values = ["x"]
        paths = [path.replace(p.group(0), v, 1) for path in paths for v in values]
    return ["/" + path for path in paths]


def _regex_routes() -> list[tuple[str, URLPattern]]:
    """Django's admin uses regex patterns (`^(.+)/change/$`): rewrite them as <object_id> routes."""
    out = []
    for route, pattern in _patterns():
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
        route = route.replace("(.+)", "<object_id>")
        if "(" in route or "[" in route:
            continue  # catch-alls (the admin's fallback), nothing with an id
        out.append((route, pattern))
    return out


# ------------------------------------------------------------------------------------------ observations


def _business_fingerprint() -> str:
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        label = model._meta.label_lower
        if label in NOT_BUSINESS or model._meta.app_label in NOT_BUSINESS_APPS:
            continue
        fields = [
            f.attname for f in model._meta.concrete_fields if f.attname not in {"last_login", "balance_at"}
        ]
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr((label, row)).encode())
    return digest.hexdigest()


def _body(response: Any) -> str:
    streaming = getattr(response, "streaming", False)
    data = b"".join(response.streaming_content) if streaming else response.content
    return data.decode("utf-8", errors="replace")


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        _mark_second_factor(client, user)
    return client


def _mark_second_factor(client: Client, user: User) -> None:
    """Sessions of roles that need a second factor are marked verified (the login itself is tested apart)."""
    try:
        from tests.auth import verify_session  # type: ignore[import-not-found]
    except ImportError:
        return
    verify_session(client, user)


def _ids_for(world: pw.PermissionWorld, actor: User | None, *, writes: bool) -> dict[str, list[int]]:
    """Ids of what the actor must not reach; for writes by a role that may only read, every id."""
    ids = {
        model._meta.label_lower: world.foreign_ids(actor, model)
        for model in (Case, WorkItem, Communication, ImportBatch, Creditor, Remittance)
    }
    if writes and actor is not None and Role(actor.role) in READ_ONLY:
        own_visits = {
            p.items["visit"].pk
            for p in world.places.values()
            if actor.role == Role.FIELD_AGENT and p.items["visit"].assigned_to_id in (None, actor.pk)
        }
        ids["cases.case"] = [p.case.pk for p in world.places.values()]
        ids["worklists.workitem"] = [
            i.pk for p in world.places.values() for i in p.items.values() if i.pk not in own_visits
        ]
        ids["imports.importbatch"] = [bt.pk for bt in world.batches.values()]
    # Admin pages of any other model: the other agency's rows.
    for model in apps.get_models():
        label = model._meta.label_lower
        if (
            label not in ids
            and model._meta.app_label not in NOT_BUSINESS_APPS
            and hasattr(model, "tenant_id")
        ):
            ids[label] = list(model.objects.filter(tenant=world.other).values_list("pk", flat=True)[:2])
    return ids


def _role_actors(world: pw.PermissionWorld) -> list[tuple[str, User | None]]:
    return [("anonymous", None)] + [(r.value, world.users[r.value]) for r in pw.ROLES]


# ----------------------------------------------------------------------------------------------- the tests


def test_every_url_and_operation_as_every_role_with_foreign_ids(world, capsys):
    routes = _regex_routes()
    schema = _openapi_paths()
    covered = {r for r, _ in routes}
    missing = [p for p in schema if p.lstrip("/") not in covered]
    assert missing == [], f"API operations the URL walk does not reach: {missing}"
    checked = 0
    failures: list[str] = []
    for role, actor in _role_actors(world):
        client = _client(actor)
        forbidden = [m for place in world.foreign_places(actor) for m in place.markers]
        read_ids = _ids_for(world, actor, writes=False)
        write_ids = _ids_for(world, actor, writes=True)
        before = _business_fingerprint()  # once per role: every POST below must leave every row as it was
        posted: list[str] = []
        for route, pattern in routes:
            if route.startswith("esci/"):
                continue  # logging out would end the walk's session
            for path in _fill(route, pattern, read_ids):
                checked += 1
                failures += _look(role, "GET", path, client.get(path), forbidden)
            if "<" not in route and actor is not None and Role(actor.role) not in READ_ONLY:
                continue  # a POST without ids by a role that may write: its own tests say what it does
            for path in _fill(route, pattern, write_ids):
                checked += 1
                posted.append(path)
                failures += _look(role, "POST", path, client.post(path, POST_DATA), forbidden)
        if _business_fingerprint() != before:
            failures.append(f"{role}: a POST changed rows (one of {len(posted)}: {posted[:40]})")
    with capsys.disabled():
        print(f"\npermission walk: {checked} (URL or operation) × role × object requests checked")
    assert failures == [], "\n".join(failures)
    assert checked > 500


def _look(role: str, method: str, path: str, response: Any, forbidden: list[str]) -> list[str]:
    out = []
    if response.status_code >= 500:
        out.append(f"{role} {method} {path}: {response.status_code}")
    body = _body(response)
    shown = [m for m in forbidden if m and m in body]
    if shown:
        out.append(f"{role} {method} {path} ({response.status_code}) shows {shown}")
    return out


def _openapi_paths() -> list[str]:
    from recupero.web.api.router import api

    schema = api.get_openapi_schema()
    return [re.sub(r"\{(\w+)\}", r"<\1>", path) for path in schema["paths"]]


# -------------------------------------------------------------------------------------------- services


def _service_modules() -> list[str]:
    names = []
    for mod in pkgutil.walk_packages(recupero.__path__, "recupero."):
        # a services package counts by its modules (`channels/services/sending.py`…)
        if (
            mod.name.endswith(".services")
            or ".services." in mod.name
            or mod.name
            in {
                "recupero.imports.returns",
                "recupero.strategies.desk",
                # the debtor's own acts (issue 15, part 2)
                "recupero.arrangements.self_service",
                "recupero.cases.self_service",
                "recupero.parties.self_service",
                "recupero.worklists.self_service",
                "recupero.strategies.self_service",
                "recupero.strategies.reminders",
                "recupero.channels.packs",
                "recupero.channels.dispute_replies",
                "recupero.cases.documents",
                "recupero.worklists.teams",
                "recupero.worklists.desk",
                "recupero.parties.bulk",
                "recupero.cases.bulk",
                "recupero.ledger.bulk",
                "recupero.cases.messages",
                "recupero.channels.notices",
                "recupero.reporting.monthly",
                "recupero.reporting.push",
                "recupero.cases.access",
                "recupero.channels.access_codes",
                "recupero.payments.cards",
                "recupero.payments.bulk",
            }
        ):
            names.append(mod.name)
    return names


# Public functions of service modules that are not services of their own: building blocks called inside a
# service that checked its actor, or task bodies acting for a request already checked. Each says why.
NOT_SERVICES = {
    "recupero.worklists.teams.rule_check": "the validation inside assignment_rule_add and assignment_rule_edit",
    "recupero.cases.services.timeline_append": "inside other services, which checked actor and case",
    "recupero.cases.services.case_move": "inside other services (a visit report moves the case)",
    "recupero.cases.services.claim_outstanding_lower": "inside the intake's commit (a credit note it posted)",
    "recupero.cases.services.case_set_balance": "the ledger's balance refresh, inside its services",
    "recupero.cases.services.dispute_document_store": "inside dispute_document_add and the debtor's dispute",
    "recupero.arrangements.services.summary_offer": "inside summary_prepare and the debtor's own plan",
    "recupero.arrangements.self_service.self_service_draft": "a read: the preview of the debtor's proposal",
    "recupero.cases.self_service.documents_check": "pure check of uploads before the debtor's dispute writes",
    "recupero.parties.self_service.channels_parse": "parses a form's channel names (no write)",
    "recupero.cases.services.prescription_event_append": "inside prescription_event_record and the debtor's plan",
    "recupero.cases.bulk.next_case_seqs": "inside case_open and the intake's commit",
    "recupero.core.services.audit_record": "the audit row of every service",
    "recupero.ledger.services.balance_refresh": "inside the ledger's services",
    "recupero.parties.services.debtor_search_name": "a pure normalisation",
    "recupero.strategies.services.catalogue": "the bundled strategies file, read by the run",
    "recupero.strategies.services.strategies_catalogue": "a read (checks strategies.view)",
    "recupero.strategies.services.plan_case": "the pure planner",
    "recupero.strategies.services.decide": "the pure planner over a chunk",
    "recupero.strategies.services.chunk_effects": "inside strategy_run",
    "recupero.strategies.services.steps_write": "inside chunk_record",
    "recupero.imports.services.profile_load": "a read inside batch_upload",
    "recupero.imports.returns.outcome_rows": "formats the outcomes of an assignment_return",
    "recupero.imports.returns.outcomes_csv": "formats the outcomes of an assignment_return",
    "recupero.imports.returns.outcomes_xlsx": "formats the outcomes of an assignment_return",
    "recupero.imports.services.batch_parse": "task body of batch_upload's parse (checked there)",
    "recupero.imports.services.batch_commit": "task body of batch_request_commit (checked there)",
    "recupero.imports.services.batch_fail_stalled": "the periodic sweep of dead parses, as the system actor",
    "recupero.payments.services.normal_iban": "a pure normalisation (schwifty)",
    "recupero.cases.services.cases_move_many": "inside arrangements_check (set-based case_move)",
    "recupero.cases.services.timeline_append_many": "inside arrangements_check (set-based timeline_append)",
    "recupero.cases.services.dispute_record": "inside dispute_open and the call/visit outcomes (checked there)",
    "recupero.cases.services.dispute_close": "inside dispute_withdraw and strategies.desk.dispute_decide",
    "recupero.channels.packs.pack_data": "a read of a case already reached through case_get",
    "recupero.channels.packs.pack_pdf": "a read: checks channels.view_documents on the case itself",
    "recupero.parties.bulk.search_name": "a polars expression",
    "recupero.parties.bulk.debtors_write": "bulk, inside the intake commit",
    "recupero.parties.bulk.contacts_write": "bulk, inside the intake commit",
    "recupero.parties.bulk.debtor_rows_write": "bulk, inside the demo load",
    "recupero.parties.bulk.contact_rows_write": "bulk, inside the demo load",
    "recupero.cases.bulk.case_codes": "a polars expression",
    "recupero.cases.bulk.number_key_columns": "a polars expression",
    "recupero.cases.bulk.cases_write": "bulk, inside the intake commit",
    "recupero.cases.bulk.claims_write": "bulk, inside the intake commit",
    "recupero.cases.bulk.instalments_write": "bulk, inside the intake commit",
    "recupero.cases.bulk.claims_outstanding_set": "bulk, inside the intake commit",
    "recupero.cases.bulk.cases_first_due_set": "bulk, inside the intake commit",
    "recupero.cases.bulk.cases_facts_set": "bulk, inside the intake commit",
    "recupero.cases.bulk.balances_set": "bulk, inside the intake commit",
    "recupero.cases.bulk.opened_summaries": "a polars expression",
    "recupero.cases.bulk.timeline_write": "bulk, inside the intake commit",
    "recupero.cases.bulk.case_rows_write": "bulk, inside the demo load",
    "recupero.cases.bulk.claim_rows_write": "bulk, inside the demo load",
    "recupero.cases.bulk.timeline_rows_write": "bulk, inside the demo load",
    "recupero.cases.messages.side_of": "a pure reading of the actor's role",
    "recupero.reporting.push.pushed_batch": "a read: the actor's creditor's pushed batch, else not found",
    "recupero.reporting.monthly.recipients_allowed": "a read of a creditor's users, inside monthly_report_set",
    "recupero.reporting.monthly.period_before": "a date computation",
    "recupero.channels.notices.recipients_of": "addresses of a message already written by case_message_send",
    "recupero.channels.notices.emails_send": "the provider call of notify and of the monthly reports",
    "recupero.channels.notices.notify": "the on-commit e-mail of case_message_send (checked there)",
    "recupero.ledger.bulk.opening_descriptions": "a polars expression",
    "recupero.ledger.bulk.opening_keys": "a polars expression",
    "recupero.ledger.bulk.opening_accounts": "a polars expression",
    "recupero.ledger.bulk.entries_write": "bulk, inside the intake commit",
    "recupero.ledger.bulk.balances_refresh": "bulk, inside the intake commit",
    "recupero.ledger.bulk.balances_after": "bulk, inside payments.bulk.credits_post (cases locked)",
    "recupero.ledger.bulk.entry_rows_write": "bulk, inside the demo load",
    # The debtor's door (web/debtor): the token and the second factor are the credentials, no actor yet.
    "recupero.cases.access.access_verify": "the debtor's authentication itself: returns the debtor principal",
    "recupero.cases.access.access_open": "the door: audits an opened link, changes nothing",
    "recupero.cases.access.access_code_issue": "inside channels.access_codes.access_code_send (the door)",
    "recupero.cases.access.access_policy": "reads the settings",
    "recupero.cases.access.access_token": "the signed token of a link (pure)",
    "recupero.cases.access.access_link_state": "the state of a link (pure)",
    "recupero.cases.access.access_link_by_token": "a read by the token, which is the key",
    "recupero.cases.access.access_principal": "a read: the principal of a debtor session",
    "recupero.channels.access_codes.access_code_send": "the door: a one-time code to the debtor's own contact",
    "recupero.channels.access_codes.access_code_contacts": "a read of the door: the link's debtor's contacts",
    "recupero.channels.access_codes.mask": "pure formatting",
    "recupero.payments.cards.amount_due_today": "a read of the law position",
    "recupero.cases.access.access_link_current": "a read of a case already reached through case_get",
    "recupero.payments.cards.card_payment_confirm": "the provider's word: records as the system actor once paid",
    "recupero.payments.cards.card_payment_get": "a scoped read (case_q of the actor)",
    "recupero.ledger.bulk.groups_post": "bulk, inside statement_reconcile's chunk (payments.bulk)",
    "recupero.ledger.bulk.audit_items": "pure: the audit rows of groups_post",
    "recupero.core.services.audit_record_many": "the audit rows of a bulk write, inside a checked service",
    "recupero.payments.bulk.credits_post": "bulk, inside statement_reconcile (checked statements access)",
    "recupero.payments.bulk.entries_save": "bulk, inside statement_reconcile's chunk",
    "recupero.payments.bulk.entries_store": "bulk, inside statement_import's store (checked statements access)",
}


def test_every_public_service_declares_its_capability():
    undeclared = []
    for name in _service_modules():
        module = importlib.import_module(name)
        for fname, fn in inspect.getmembers(module, inspect.isfunction):
            qual = f"{name}.{fname}"
            if fn.__module__ != name or fname.startswith("_") or qual in NOT_SERVICES:
                continue
            if qual not in SERVICES:
                undeclared.append(qual)
    assert undeclared == [], f"declare with @service(CAPABILITY) or list in NOT_SERVICES: {undeclared}"


def test_a_role_without_the_capability_changes_nothing(world):
    for name in _service_modules():
        importlib.import_module(name)
    before = _business_fingerprint()
    refused = 0
    for qual, fn in sorted(SERVICES.items()):
        needed = set(fn.permissions)
        for role in pw.ROLES:
            if needed & PERMISSIONS[role]:
                continue
            actor = world.users[role.value]
            with pytest.raises(DomainError) as err:
                fn(tenant=world.tenant, actor=actor)
            assert err.value.code == "auth.forbidden", qual
            refused += 1
        with pytest.raises(DomainError):
            fn(tenant=world.tenant, actor=None)
        other_admin = pw._user(world.other, Role.ADMIN, f"admin-b-{qual[-20:]}")
        with pytest.raises(DomainError) as err:
            fn(tenant=world.tenant, actor=other_admin)
        # a debtor's own acts (debtor.self_service) are held by no staff role: refused before the tenant check
        assert err.value.code == (
            "tenant.mismatch" if needed & PERMISSIONS[Role.ADMIN] else "auth.forbidden"
        ), qual
        other_admin.delete()
        if "debtor.self_service" in needed:  # …and a debtor of another agency is of another tenant
            with pytest.raises(DomainError) as err:
                fn(tenant=world.tenant, actor=_foreign_debtor(world))
            assert err.value.code == "tenant.mismatch", qual
    assert _business_fingerprint() == before
    assert refused > 50


def _foreign_debtor(world: pw.PermissionWorld) -> User:
    from recupero.core.permissions import debtor_actor

    case = world.places["z"].case  # another agency's case
    return debtor_actor(
        tenant_id=case.tenant_id, creditor_id=case.creditor_id, debtor_id=case.debtor_id, link_id=1,
        case_code=case.code,
    )  # fmt: skip


def test_scoped_services_refuse_another_creditors_case(world):
    """The object a service writes is checked too: a consultant of creditor X may not move Y's case."""
    from recupero.cases.domain.states import CaseStatus
    from recupero.cases.services import case_transition
    from recupero.worklists.domain.items import Outcome
    from recupero.worklists.services import work_item_complete

    before = _business_fingerprint()
    consultant, collector = world.users["consultant"], world.users["collector"]
    y = world.places["y"]
    with pytest.raises(DomainError) as err:
        case_transition(tenant=world.tenant, actor=consultant, case=y.case, target=CaseStatus.WORKING)
    assert err.value.code == "auth.not_found"
    with pytest.raises(DomainError) as err:
        work_item_complete(
            tenant=world.tenant, actor=consultant, item=y.items["call"], outcome=Outcome.NO_ANSWER
        )
    assert err.value.code == "auth.not_found"
    agent = world.users["field_agent"]
    x_visit = world.places["x"].items["visit"]  # assigned to a colleague
    with pytest.raises(DomainError) as err:
        work_item_complete(tenant=world.tenant, actor=agent, item=x_visit, outcome=Outcome.NOT_HOME)
    assert err.value.code == "auth.forbidden"
    with pytest.raises(DomainError) as err:  # a field agent reports visits, never calls
        work_item_complete(tenant=world.tenant, actor=agent, item=y.items["call"], outcome=Outcome.NO_ANSWER)
    assert err.value.code == "auth.forbidden"
    with pytest.raises(DomainError):
        case_transition(tenant=world.tenant, actor=agent, case=y.case, target=CaseStatus.WORKING)
    assert _business_fingerprint() == before
    # ...and the collector may: the same call closes.
    work_item_complete(tenant=world.tenant, actor=collector, item=y.items["call"], outcome=Outcome.NO_ANSWER)
    assert WorkItem.objects.get(pk=y.items["call"].pk).status == "done"


# ------------------------------------------------------------------------------------------- selectors


def test_every_selector_as_every_role_returns_only_what_the_role_reaches(world):
    from tests.test_tenancy import _selector_functions

    functions = _selector_functions()
    missing = sorted(set(functions) - set(SELECTOR_CALLS))
    assert missing == [], f"add these selectors to SELECTOR_CALLS in tests/test_permissions.py: {missing}"
    checked = 0
    for name, fn in functions.items():
        call = SELECTOR_CALLS[name]
        if call is None:
            continue
        for role in pw.ROLES:
            actor = world.users[role.value]
            for place in world.places.values():
                checked += 1
                try:
                    result = call(fn, actor, world, place)
                except DomainError as exc:
                    assert exc.code in {"auth.not_found", "auth.forbidden", "tenant.mismatch"}, (
                        name,
                        exc.code,
                    )
                    continue
                for row in _rows(result):
                    _assert_reachable(world, actor, row, name)
    assert checked > 300


def _rows(value: Any) -> Iterator[Any]:
    from django.db import models

    if isinstance(value, models.Model):
        yield value
    elif isinstance(value, (list, tuple, set, models.QuerySet)):
        for item in value:
            yield from _rows(item)


def _assert_reachable(world: pw.PermissionWorld, actor: User, row: Any, name: str) -> None:
    from recupero.core.permissions import creditor_q, in_case_scope

    tenant_id = getattr(row, "tenant_id", actor.tenant_id)
    assert tenant_id == actor.tenant_id, f"{name} as {actor.role}: another agency's {row!r}"
    case = row if isinstance(row, Case) else getattr(row, "case", None) if hasattr(row, "case_id") else None
    if case is not None:
        assert in_case_scope(actor, creditor_id=case.creditor_id, status=case.status), (
            f"{name} as {actor.role}: case {case.code} out of scope"
        )
    creditor_id = row.pk if isinstance(row, Creditor) else getattr(row, "creditor_id", None)
    if creditor_id is not None and not isinstance(row, Case):
        assert Creditor.objects.filter(pk=creditor_id).filter(creditor_q(actor)).exists(), (
            f"{name} as {actor.role}: creditor {creditor_id} out of scope"
        )


def _call(**extra: Any):  # type: ignore[no-untyped-def]
    return lambda f, a, w, p: f(tenant=w.tenant, actor=a, **{k: v(p, w) for k, v in extra.items()})


_CASE = lambda p, w: p.case  # noqa: E731
_CASE_ID = lambda p, w: p.case.pk  # noqa: E731
_CREDITOR_ID = lambda p, w: p.case.creditor_id  # noqa: E731

SELECTOR_CALLS: dict[str, Any] = {
    "recupero.cases.selectors.cases_visible": _call(),
    "recupero.cases.selectors.case_list": lambda f, a, w, p: f(
        tenant=w.tenant, actor=a, filters=_filters(q=p.case.debtor.last_name)
    )[0],
    "recupero.cases.selectors.case_get": _call(case_id=_CASE_ID),
    "recupero.cases.selectors.assignments_of": _call(creditor_id=_CREDITOR_ID),
    "recupero.cases.selectors.other_cases_of_debtor": _call(case=_CASE),
    "recupero.cases.selectors.case_status_counts": None,  # counts on cases_visible
    "recupero.cases.selectors.case_counts_by_assignment": None,
    "recupero.cases.selectors.open_case_count": None,
    # Rows of an object the caller reached through a scoped lookup (case_get, creditor_get): see core/README.
    "recupero.cases.selectors.case_claims": None,
    "recupero.cases.selectors.claim_documents": None,
    "recupero.cases.selectors.case_timeline": None,
    "recupero.cases.selectors.prescription_events": None,
    "recupero.cases.selectors.search_q": None,  # builds a condition, returns no rows
    "recupero.cases.selectors.case_messages": _call(case=_CASE),
    "recupero.cases.selectors.threads_waiting": None,  # case ids and codes of messages cut by case_q
    "recupero.parties.selectors.creditors_visible": _call(),
    "recupero.parties.selectors.creditor_get": _call(creditor_id=_CREDITOR_ID),
    "recupero.parties.selectors.creditor_list": _call(),
    "recupero.parties.selectors.contacts_of": None,
    "recupero.parties.selectors.mandates_of": None,
    "recupero.ledger.selectors.case_balances": None,
    "recupero.ledger.selectors.case_entries": None,
    "recupero.ledger.selectors.unbalanced_cases": None,  # an integrity check of the database, no actor
    "recupero.ledger.selectors.rate_rows": None,  # the published rates: law, the same for everyone
    "recupero.ledger.selectors.rate_table": None,
    "recupero.ledger.selectors.rates_missing": None,
    "recupero.strategies.selectors.chunks.iter_chunks": None,  # the daily run's reader (the system actor's service)
    "recupero.strategies.selectors.pages.runs_recent": _call(),
    "recupero.strategies.selectors.pages.case_steps": _call(case_id=_CASE_ID),
    "recupero.channels.selectors.communications_visible": _call(),
    "recupero.channels.selectors.case_communications": _call(case_id=_CASE_ID),
    "recupero.channels.selectors.print_batches": _call(),
    "recupero.channels.selectors.communication_get": lambda f, a, w, p: f(
        tenant=w.tenant, actor=a, communication_id=p.letter.pk
    ),
    "recupero.worklists.selectors.items_visible": lambda f, a, w, p: list(
        f(tenant=w.tenant, actor=a, kind="call")
    ),
    "recupero.worklists.selectors.call_queue": lambda f, a, w, p: f(
        tenant=w.tenant, actor=a, today=pw.DAY, at=__import__("datetime").time(10)
    ),
    "recupero.worklists.selectors.visit_queue": lambda f, a, w, p: f(tenant=w.tenant, actor=a, today=pw.DAY),
    "recupero.worklists.selectors.skip_trace_queue": lambda f, a, w, p: f(
        tenant=w.tenant, actor=a, today=pw.DAY
    ),
    "recupero.worklists.selectors.item_get": lambda f, a, w, p: f(
        tenant=w.tenant, actor=a, item_id=p.items["call"].pk
    ),
    "recupero.worklists.selectors.case_items": _call(case_id=_CASE_ID),
    "recupero.imports.selectors.batches_visible": _call(),
    "recupero.imports.selectors.batch_list": _call(),
    "recupero.imports.selectors.import_creditors": _call(),
    "recupero.imports.selectors.profiles_of": _call(),
    "recupero.imports.selectors.batch_get": lambda f, a, w, p: [
        _try(f, tenant=w.tenant, actor=a, batch_id=bt.pk) for bt in w.batches.values()
    ],
    "recupero.imports.selectors.batch_progress": None,  # figures of a batch reached through batch_get
    "recupero.imports.selectors.batch_report": None,  # bytes of a batch reached through batch_get
    "recupero.core.selectors.audit_filtered": lambda f, a, w, p: list(
        f(tenant=w.tenant, actor=a, filters=_audit_filters())
    ),
    "recupero.core.selectors.audit_page": lambda f, a, w, p: f(
        tenant=w.tenant, actor=a, filters=_audit_filters()
    )[0],
    "recupero.core.selectors.audit_actors": _call(),
    "recupero.core.selectors.audit_actions": None,  # action names
    # The tenant's own chain, for `recupero audit verify`, the nightly job (system actor) and the audit page
    # after audit_page checked core.view_audit.
    "recupero.core.selectors.chain_rows": None,
    "recupero.core.selectors.chain_verify": None,
    "recupero.core.selectors.chain_status": None,
    "recupero.core.selectors.last_verification": None,
    "recupero.parties.selectors.debtor_ids_matching": None,  # ids for the audit search (checks personal data)
    "recupero.payments.selectors.require_statements": None,  # a check, returns nothing
    "recupero.payments.selectors.payments_of_case": _call(case_id=_CASE_ID),
    "recupero.payments.selectors.case_by_code": _call(code=lambda p, w: p.case.code),
    "recupero.payments.selectors.payment_get": lambda f, a, w, p: [
        _try(f, tenant=w.tenant, actor=a, payment_id=pk)
        for pk in p.case.payments.values_list("pk", flat=True)
    ],
    "recupero.payments.selectors.statements_list": _call(),
    "recupero.payments.selectors.review_queue": _call(),
    "recupero.payments.selectors.collection_accounts": _call(),
    "recupero.payments.selectors.statement_entries": _call(statement_id=lambda p, w: 0),
    # By id with the tenant, agency-wide (payments.post over the whole agency): tests/test_payments_statements.py
    "recupero.payments.selectors.statement_get": None,
    "recupero.payments.selectors.entry_get": None,
    "recupero.payments.selectors.statement_counts": None,  # figures of a statement reached through statement_get
    "recupero.payments.selectors.statement_summary": None,
    # The reconciliation's set-based readers, inside statement_import / statement_reconcile (checked there)
    "recupero.payments.selectors.known_references": None,
    "recupero.payments.selectors.entries_to_reconcile": None,
    "recupero.payments.selectors.pending_count": None,
    "recupero.payments.selectors.entry_data": None,
    "recupero.payments.selectors.candidate_index": None,
    "recupero.payments.selectors.cases_by_id": None,
    "recupero.remittance.selectors.remittances_visible": _call(),
    "recupero.remittance.selectors.remittance_get": lambda f, a, w, p: [
        _try(f, tenant=w.tenant, actor=a, remittance_id=r.pk) for r in w.remittances.values()
    ],
    "recupero.remittance.selectors.remittance_file": lambda f, a, w, p: [
        _try(f, tenant=w.tenant, actor=a, remittance_id=r.pk, fmt="pdf") for r in w.remittances.values()
    ],
    "recupero.remittance.selectors.remittance_lines": None,  # rows of a remittance reached through remittance_get
    "recupero.remittance.selectors.remittance_creditors": _call(),
    "recupero.arrangements.selectors.arrangements_visible": _call(),
    "recupero.arrangements.selectors.case_arrangements": _call(case=_CASE),
    "recupero.arrangements.selectors.arrangements_pending": _call(),
    "recupero.arrangements.selectors.case_by_code": lambda f, a, w, p: f(
        tenant=w.tenant, actor=a, code=p.case.code
    ),
    "recupero.arrangements.selectors.arrangement_get": None,  # by id through arrangements_visible
    "recupero.arrangements.selectors.open_arrangement": None,  # of a case reached through case_get
    "recupero.arrangements.selectors.mandate_for": None,  # the mandate of a case already reached
    "recupero.arrangements.selectors.rules_for": None,
    "recupero.arrangements.selectors.default_rules": None,  # pure
    "recupero.arrangements.selectors.self_service_offer": None,  # limits of a case reached through case_get
    "recupero.arrangements.selectors.amount_due_today": None,  # figures of a case already reached
    "recupero.arrangements.selectors.arrangement_draft": None,  # a computation on a case already reached
    "recupero.arrangements.selectors.draft_json": None,
    "recupero.arrangements.selectors.terms_from_input": None,  # parses typed input
    # the strategies' daily run (system actor): instalments of the tenant's active arrangements
    "recupero.arrangements.selectors.instalment_notices": None,
    "recupero.arrangements.selectors.acceptance_by_token": None,  # the debtor's public page: a signed token
    "recupero.arrangements.selectors.summary_token": None,
    "recupero.arrangements.selectors.token_hash": None,
    "recupero.cases.selectors.cases_filtered": lambda f, a, w, p: list(
        f(tenant=w.tenant, actor=a, filters=_filters())
    ),
    "recupero.cases.selectors.case_disputes": None,  # rows of a case reached through case_get
    "recupero.cases.selectors.dispute_document_get": None,  # no documents in this world; scoped like case_get
    "recupero.worklists.selectors.my_queue": lambda f, a, w, p: f(
        tenant=w.tenant, actor=a, kind="call", today=pw.DAY
    ),
    "recupero.worklists.selectors.queue_of": lambda f, a, w, p: f(
        tenant=w.tenant, actor=a, kind="visit", today=pw.DAY
    ),
    "recupero.worklists.selectors.desk_overview": None,  # counts and names, no rows
    "recupero.worklists.selectors.teams_list": _call(),
    "recupero.worklists.selectors.assignment_rules": _call(),
    "recupero.worklists.selectors.collectors": None,  # the agency's own people (users, no debtor data)
    # one team or rule by id (the agency's set-up, no debtor data): foreign ids are walked through their pages
    "recupero.worklists.selectors.team_get": None,
    "recupero.worklists.selectors.rule_get": None,
    "recupero.worklists.selectors.visit_day": lambda f, a, w, p: [
        s.item for g in f(tenant=w.tenant, actor=a, today=pw.DAY) for s in g.stops
    ],
    "recupero.worklists.selectors.call_prep": lambda f, a, w, p: (
        lambda prep: [prep.case, prep.item, *prep.other_cases, *prep.disputes]
    )(f(tenant=w.tenant, actor=a, item_id=p.items["call"].pk, today=pw.DAY)),
    # Reporting: figures of the actor's creditors (rows carry creditor_id, checked against creditor_q)
    "recupero.reporting.selectors.portfolio_groups": _call(),
    "recupero.reporting.selectors.portfolio_today": _call(on=lambda p, w: dt.date(2000, 1, 1)),
    "recupero.reporting.selectors.assignments_named": _call(),
    "recupero.reporting.selectors.step_figures": _call(),
    "recupero.reporting.selectors.snapshot_day": None,  # a date, no rows
    "recupero.reporting.selectors.collected_months": None,  # amounts keyed by assignment id, cut by _scope
    "recupero.reporting.selectors.creditors_named": None,  # names of creditor_q's creditors
    "recupero.reporting.selectors.rollup": None,  # sums groups already read
    "recupero.reporting.selectors.scope_q": None,  # builds a condition
    "recupero.reporting.selectors.collector_work": None,  # counts per person, cut by scope_q
    "recupero.reporting.selectors.ageing": None,  # counts per bucket, cut by scope_q
    "recupero.reporting.selectors.status_counts": None,  # counts per state, cut by _scope (reporting/tests)
    "recupero.reporting.selectors.collector_collected": None,  # amounts per person, cut by _scope
    "recupero.reporting.selectors.worked_seconds_by_person": None,  # seconds per person, reports capability
    # Rows of the actor's creditors (scope_q; case codes and amounts, no debtor): test_agency.py
    "recupero.reporting.selectors.prescription_at_risk": None,
    "recupero.reporting.selectors.staff_named": None,  # the agency's own people, reports capability
    "recupero.reporting.selectors.token_user": None,  # the API's authentication itself (no actor yet)
    "recupero.reporting.selectors.tokens_of": _call(),
    "recupero.reporting.selectors.webhooks_of": _call(),
    "recupero.reporting.selectors.monthly_report_page": None,  # the actor's own creditor's schedule and users
    "recupero.reporting.selectors.deliveries_of": None,  # rows of the actor's creditor's endpoints (scope_q)
}


def _audit_filters() -> Any:
    from recupero.core.selectors import AuditFilters

    return AuditFilters()


def _try(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except DomainError:
        return None


def _filters(**kw: Any) -> Any:
    from recupero.cases.selectors import CaseFilters

    return CaseFilters(**kw)


# -------------------------------------------------------------------------------------------- the matrix


def test_the_matrix_in_the_core_readme_is_the_one_applied():
    readme = (Path(recupero.__file__).parent / "core" / "README.md").read_text()
    assert matrix_markdown() in readme, "paste matrix_markdown() into recupero/core/README.md"


def test_every_role_has_a_scope_and_known_capabilities():
    from recupero.core.domain.roles import ALL_CAPABILITIES, CASE_SCOPE

    assert set(CASE_SCOPE) == set(Role)
    for role, caps in PERMISSIONS.items():
        assert caps <= ALL_CAPABILITIES, role
    assert json.dumps(sorted(PERMISSIONS[Role.AUDITOR]))  # printable


# ------------------------------------------------------------------------------------- the debtor's page


def test_every_url_as_a_debtor_on_their_link_with_foreign_ids(world):
    """A debtor who passed their link's second factor reaches their case with that creditor and nothing else:
    every debtor page with another case's id (another debtor's, their own debt towards another creditor,
    another agency's) is 404, no staff page shows anything of theirs or of others, and no POST changes a row."""
    from recupero.cases.access import access_link_issue
    from tests import portfolio as b

    own = world.places["x"]
    same_debtor_other_creditor = b.case(world.tenant, world.creditors["y"], own.case.debtor)
    _link, token = access_link_issue(tenant=world.tenant, actor=world.users["admin"], case=own.case)
    client = Client()
    tail = own.case.debtor.tax_code[-5:]
    assert client.post(f"/d/{token}/", {"factor": "tax_code", "answer": tail}).status_code == 302
    assert client.get(f"/d/pratica/{own.case.pk}/").status_code == 200
    foreign_places = [p for key, p in world.places.items() if key != "x"]
    forbidden = [m for p in foreign_places for m in p.markers] + [same_debtor_other_creditor.code]
    case_ids = [p.case.pk for p in foreign_places] + [same_debtor_other_creditor.pk]
    ids = _ids_for(world, None, writes=True)
    ids["cases.case"] = case_ids
    ids["channels.communication"] = [p.letter.pk for p in foreign_places if p.letter]
    before = _business_fingerprint()
    failures: list[str] = []
    for route, pattern in _regex_routes():
        if route.startswith(("esci/", "d/esci/")):
            continue
        debtor_page = route.startswith("d/") and "<id:" in route
        for path in _fill(route, pattern, ids):
            for method, response in (("GET", client.get(path)), ("POST", client.post(path, POST_DATA))):
                failures += _look("debtor", method, path, response, forbidden)
                if debtor_page and response.status_code not in (404, 405):  # 405: a POST-only page
                    failures.append(f"debtor {method} {path}: {response.status_code}, not 404")
                if not route.startswith("d/") and own.case.code in _body(response):
                    failures.append(f"debtor {method} {path}: a staff page shows their case")
    assert _business_fingerprint() == before
    assert failures == [], "\n".join(failures)
    assert client.get(f"/d/pratica/{own.case.pk}/").status_code == 200  # the walk left the session alive


def test_staff_sessions_never_open_a_debtor_page(world):
    """Every staff role, logged in, gets the "open your link" page (401) on a debtor page of any case."""
    from recupero.cases.access import access_link_issue

    access_link_issue(tenant=world.tenant, actor=world.users["admin"], case=world.places["x"].case)
    for role, actor in _role_actors(world):
        client = _client(actor)
        for place in world.places.values():
            response = client.get(f"/d/pratica/{place.case.pk}/")
            assert response.status_code == 401, (role, response.status_code)
            assert place.case.code not in _body(response)
