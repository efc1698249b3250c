"""The import batch's state machine has one home: services move it and pages ask it through the table only."""

from __future__ import annotations

import pytest

from recupero.core.states import sources_of, status_move
from recupero.imports import services
from recupero.imports.domain.states import TRANSITIONS, BatchStatus
from recupero.imports.models import ImportBatch
from recupero.imports.tests.conftest import csv_bytes, row

B = BatchStatus


@pytest.mark.parametrize(
    ("status", "commit", "discard", "reparse"),
    [
        (B.UPLOADED, False, True, False),  # busy: the first parse is on its way
        (B.PARSING, False, False, False),
        (B.READY, True, True, True),
        (B.REFUSED, False, True, False),
        (B.COMMITTING, True, False, False),  # the retry of a killed commit
        (B.COMMITTED, False, False, False),
        (B.FAILED, True, True, True),
        (B.DISCARDED, False, False, False),
    ],
)
def test_what_a_batch_may_do_next_is_asked_of_the_table(status, commit, discard, reparse):
    batch = ImportBatch(status=status.value)
    assert (batch.may_commit, batch.may_discard, batch.may_reparse) == (commit, discard, reparse)


def test_sources_of_a_target_come_from_the_table():
    assert sources_of(TRANSITIONS, B.COMMITTED) == ["committing"]
    assert sources_of(TRANSITIONS, B.DISCARDED) == ["failed", "ready", "refused", "uploaded"]
    assert sources_of(TRANSITIONS, B.UPLOADED) == []


@pytest.mark.django_db
def test_of_two_stale_copies_only_one_moves_the_batch(tenant, creditor, consultant):
    batch = services.batch_upload(
        tenant=tenant, actor=consultant, creditor=creditor, files=[("a.csv", csv_bytes(row()))], enqueue=False
    )
    first, second = ImportBatch.objects.get(pk=batch.pk), ImportBatch.objects.get(pk=batch.pk)
    assert status_move(first, B.DISCARDED, TRANSITIONS, phase="annullato") is True
    assert (first.status, first.phase) == ("discarded", "annullato")
    assert status_move(second, B.PARSING, TRANSITIONS, phase="lettura") is False  # discarded is final
    assert second.status == "uploaded"  # the stale copy is left as it was read
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert (stored.status, stored.phase) == ("discarded", "annullato")


@pytest.mark.django_db
def test_a_narrowed_move_refuses_other_sources(tenant, creditor, consultant):
    batch = services.batch_upload(
        tenant=tenant, actor=consultant, creditor=creditor, files=[("a.csv", csv_bytes(row()))], enqueue=False
    )
    # uploaded → failed is not in the table at all; parsing → failed is, but only from parsing
    assert status_move(batch, B.FAILED, TRANSITIONS, only_from={B.PARSING}) is False
    with pytest.raises(AssertionError):
        status_move(batch, B.FAILED, TRANSITIONS, only_from={B.UPLOADED})
    assert ImportBatch.objects.get(pk=batch.pk).status == "uploaded"


def test_the_intake_jobs_are_registered_by_its_tasks():
    from recupero.core import jobs
    from recupero.imports import tasks

    assert jobs._JOBS[services.PARSE_JOB] == tasks.parse_task.enqueue
    assert jobs._JOBS[services.COMMIT_JOB] == tasks.commit_task.enqueue
