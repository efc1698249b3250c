"""Every scoped selector that returns debtor data notes it for the request's audit row (core/audit.py), and the one
rule decides who leaves a row. Selector by selector, so that a new interface on top of them is audited too."""

from __future__ import annotations

import datetime as dt

import pytest

from recupero.cases.selectors import CaseFilters, case_get, case_list, other_cases_of_debtor
from recupero.channels.models import Communication
from recupero.channels.selectors import communication_get
from recupero.channels.services import CommunicationSpec, communications_queue
from recupero.core.audit import Shown, audit_shown, collecting, must_record
from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.worklists.selectors import call_queue, skip_trace_queue, visit_queue
from recupero.worklists.services import WorkItemSpec, work_items_create
from tests import portfolio as b
from tests.factories import make_user

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def test_the_rule_creditor_users_for_anything_agency_users_for_an_opened_case():
    listed, opened = Shown(debtor_ids={1}, case_ids={2}), Shown(debtor_ids={1}, case_ids={2}, opened=True)
    assert must_record(Role.CREDITOR_USER, listed) is True
    assert must_record(Role.CREDITOR_USER, Shown(others={"imports.importbatch#3"})) is True
    assert must_record(Role.COLLECTOR, listed) is False
    assert must_record(Role.COLLECTOR, opened) is True
    assert must_record(Role.AUDITOR, opened) is True
    assert must_record(Role.CREDITOR_USER, Shown()) is False


def test_outside_a_request_nothing_is_collected():
    audit_shown(debtor_ids=[1], case_ids=[2], opened=True)  # no collector: a command or a task
    with collecting() as shown:
        audit_shown(debtor_ids=[1, None], case_ids=[2])
        audit_shown(debtor_ids=[1, 5], opened=True)
    assert (shown.debtor_ids, shown.case_ids, shown.opened) == ({1, 5}, {2}, True)


def test_case_selectors_note_what_they_return():
    t = b.tenant()
    cr = b.creditor(t)
    debtor = b.debtor(t)
    first, second = b.case(t, cr, debtor), b.case(t, cr, debtor)
    admin = make_user(t, Role.ADMIN, username="capa")
    with collecting() as listed:
        case_list(tenant=t, actor=admin, filters=CaseFilters())
    assert (listed.debtor_ids, listed.case_ids, listed.opened) == ({debtor.pk}, {first.pk, second.pk}, False)
    with collecting() as opened:
        case = case_get(tenant=t, actor=admin, case_id=first.pk)
        other_cases_of_debtor(tenant=t, actor=admin, case=case)
    assert (opened.debtor_ids, opened.case_ids, opened.opened) == ({debtor.pk}, {first.pk, second.pk}, True)


def test_queues_note_each_items_debtor():
    t = b.tenant()
    cr = b.creditor(t)
    calls, visits, traces = (b.case(t, cr, b.debtor(t)) for _ in range(3))
    specs = [
        WorkItemSpec(calls.pk, "call", "step", "", DAY, None, "k1"),
        WorkItemSpec(visits.pk, "visit", "step", "", DAY, None, "k2"),
        WorkItemSpec(traces.pk, "skip_trace", "step", "", DAY, None, "k3"),
    ]
    work_items_create(tenant=t, actor=system_actor(t), specs=specs)
    boss = make_user(t, Role.SUPERVISOR, username="capo")
    for read, case in (
        (lambda: call_queue(tenant=t, actor=boss, today=DAY, at=dt.time(10)), calls),
        (lambda: visit_queue(tenant=t, actor=boss, today=DAY), visits),
        (lambda: skip_trace_queue(tenant=t, actor=boss, today=DAY), traces),
    ):
        with collecting() as shown:
            assert len(read()) == 1
        assert (shown.debtor_ids, shown.case_ids, shown.opened) == ({case.debtor_id}, {case.pk}, False)


def test_a_communications_document_is_an_opened_case():
    t = b.tenant()
    case = b.case(t, b.creditor(t), b.debtor(t))
    communications_queue(
        tenant=t,
        actor=system_actor(t),
        specs=[CommunicationSpec(case.pk, "letter", "tpl", "step", "action", None, "", DAY, "c1")],
    )
    comm = Communication.objects.get(idempotency_key="c1")
    with collecting() as shown:
        communication_get(
            tenant=t, actor=make_user(t, Role.AUDITOR, username="revisore"), communication_id=comm.pk
        )
    assert (shown.debtor_ids, shown.case_ids, shown.others, shown.opened) == (
        {case.debtor_id},
        {case.pk},
        {f"channels.communication#{comm.pk}"},
        True,
    )


def test_an_import_batch_and_its_error_report_are_noted_for_a_creditor_users_row():
    from recupero.imports.selectors import batch_get, batch_report
    from recupero.imports.services import batch_upload

    t = b.tenant()
    cr = b.creditor(t)
    batch = batch_upload(
        tenant=t,
        actor=system_actor(t),
        creditor=cr,
        files=[("affido.csv", b"codice_fiscale;importo\n=HYPERLINK(1);10\n")],
        assignment_code="AFF-1",
        enqueue=False,
    )
    user = make_user(t, Role.CREDITOR_USER, creditor=cr, username="cliente")
    with collecting() as shown:
        batch_report(batch_get(tenant=t, actor=user, batch_id=batch.pk), "csv")
    assert (shown.others, shown.opened, must_record(user.role, shown)) == (
        {f"imports.importbatch#{batch.pk}"},
        False,
        True,
    )
