"""`core.bulk.Bulk(checked=True)` (decision 0004): on PostgreSQL the COPY runs with the row triggers off and each
foreign key is checked on the distinct values written — a missing parent still refuses the write, and nothing
stays; a good write is the same rows as the plain one. SQLite keeps its per-row checks."""

from __future__ import annotations

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from recupero.cases.bulk import TIMELINE_COLUMNS as COLUMNS
from recupero.cases.models import TimelineEvent
from recupero.core.bulk import Bulk, reserve_id_range
from tests.factories import make_case, make_creditor, make_debtor

pytestmark = pytest.mark.django_db


def _rows(tenant, case_ids):  # type: ignore[no-untyped-def]
    at = Bulk().ts("2026-12-01", 8, 0)
    ids = reserve_id_range(TimelineEvent._meta.db_table, len(case_ids))
    values = [
        {"id": pk, "tenant_id": tenant.pk, "case_id": c, "at": at, "kind": "note", "actor_id": None,
         "summary": "nota", "data": "{}"}
        for pk, c in zip(ids, case_ids, strict=True)
    ]  # fmt: skip
    return [tuple(v[c] for c in COLUMNS) for v in values]


@pytest.mark.parametrize("checked", [True, False])
def test_a_missing_case_refuses_the_write_and_nothing_stays(tenant, checked):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite checks its deferred keys at the outer commit, which the test's transaction holds")
    case = make_case(tenant, make_creditor(tenant), make_debtor(tenant))
    before = TimelineEvent.objects.count()
    with pytest.raises((IntegrityError, psycopg.IntegrityError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as the commit does
        Bulk(checked=checked).write(
            TimelineEvent._meta.db_table, COLUMNS, _rows(tenant, [case.pk, case.pk + 10**6])
        )
    assert TimelineEvent.objects.count() == before


def test_checked_writes_the_same_rows(tenant):
    """(That the parents are locked as by the trigger: `imports/tests/test_frames_loader.py`, same `keys_held`.)"""
    case = make_case(tenant, make_creditor(tenant), make_debtor(tenant))
    with transaction.atomic():
        assert (
            Bulk(checked=True).write(TimelineEvent._meta.db_table, COLUMNS, _rows(tenant, [case.pk] * 3)) == 3
        )
    assert (
        list(TimelineEvent.objects.filter(case=case, kind="note").values_list("summary", "tenant_id"))
        == [("nota", tenant.pk)] * 3
    )


def _key_checks(queries) -> list[str]:  # type: ignore[no-untyped-def]
    return [q["sql"] for q in queries if "FOR KEY SHARE" in q["sql"] and "cases_case" in q["sql"]]


def test_a_key_is_checked_once_per_writer_and_a_held_row_not_at_all(tenant):
    """`Bulk.hold` and the writer's memory: the cases a chunk's payments, ledger lines, timeline events and audit
    subjects all name are checked (and locked FOR KEY SHARE) by the first write only; rows the caller declares
    it holds (locked FOR UPDATE) are not checked; a key neither held nor present still refuses the write."""
    if connection.vendor != "postgresql":
        pytest.skip("set-based checks: PostgreSQL")
    from django.test.utils import CaptureQueriesContext

    creditor, debtor = make_creditor(tenant), make_debtor(tenant)
    one, two = make_case(tenant, creditor, debtor), make_case(tenant, creditor, debtor)
    table = TimelineEvent._meta.db_table
    with transaction.atomic(), CaptureQueriesContext(connection) as seen:
        bulk = Bulk(checked=True)
        bulk.write(table, COLUMNS, _rows(tenant, [one.pk]))
        bulk.write(table, COLUMNS, _rows(tenant, [one.pk, one.pk]))  # known: no check
        assert len(_key_checks(seen.captured_queries)) == 1
        list(type(one).objects.select_for_update().filter(pk=two.pk))
        bulk.hold(type(one)._meta.db_table, [two.pk])
        bulk.write(table, COLUMNS, _rows(tenant, [two.pk]))  # held by the caller: no check
        assert len(_key_checks(seen.captured_queries)) == 1
    assert TimelineEvent.objects.filter(kind="note").count() == 4
    with pytest.raises((IntegrityError, psycopg.IntegrityError)), transaction.atomic():
        bulk = Bulk(checked=True)
        bulk.hold(type(one)._meta.db_table, [one.pk])
        bulk.write(table, COLUMNS, _rows(tenant, [one.pk, two.pk + 10**6]))
    assert TimelineEvent.objects.filter(kind="note").count() == 4


def test_instances_are_the_orm_s_own(tenant):
    """`core.bulk.instances`: the same field values as iterating the query set, saved as an update."""
    from recupero.cases.models import Case, Claim
    from recupero.core.bulk import instances

    case = make_case(tenant, make_creditor(tenant), make_debtor(tenant))
    for qs in (Case.objects.filter(pk=case.pk), Claim.objects.filter(case=case).order_by("pk")):
        built, read = instances(qs), list(qs)
        assert len(built) == len(read) >= 1
        for a, b in zip(built, read, strict=True):
            assert type(a) is type(b) and a.pk == b.pk
            for field in type(a)._meta.concrete_fields:
                assert getattr(a, field.attname) == getattr(b, field.attname), field.name
            assert (a._state.adding, a._state.db) == (False, b._state.db)
    [built_case] = instances(Case.objects.filter(pk=case.pk))
    assert built_case.debtor.pk == case.debtor_id  # a relation read on access
    built_case.province = "MI"
    built_case.save(update_fields=["province"])
    assert Case.objects.filter(pk=case.pk).values_list("province", flat=True).get() == "MI"
    assert Case.objects.filter(tenant=tenant).count() == 1
