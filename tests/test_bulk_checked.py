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
