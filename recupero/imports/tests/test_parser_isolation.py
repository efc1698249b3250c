"""The parse runs where a crash cannot take the worker down (issue 9): the calamine SIGABRT file, a parser out of
memory or out of time, and a worker that died mid-parse all leave a failed batch that can be read again or
discarded — and the process that ran the task goes on."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from recupero.imports import services, staging
from recupero.imports.domain import MappingProfile
from recupero.imports.models import ImportBatch
from recupero.imports.tasks import parse_sweep, parse_task
from recupero.imports.tests import hostile
from recupero.imports.tests.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db
# limits that let the hostile files through the checks, to reach the native reader itself
NO_CHECKS = {"max_columns": 20_000, "xlsx_max_cells": 10**13, "xlsx_sparse_floor": 10**13}


@pytest.fixture
def upload(tenant, creditor, consultant):
    def _upload(name: str, data: bytes) -> ImportBatch:
        return services.batch_upload(
            tenant=tenant, actor=consultant, creditor=creditor, files=[(name, data)], enqueue=False
        )

    return _upload


def test_the_worker_survives_the_calamine_abort(
    settings, upload, consultant, tenant, django_capture_on_commit_callbacks
):
    settings.IMPORTS_LIMITS = NO_CHECKS
    batch = upload("affido.xlsx", hostile.corner_xlsx())
    pid = os.getpid()
    parse_task.enqueue(batch.pk)  # the worker's entry point (Huey runs it in this process in tests)
    batch.refresh_from_db()
    assert os.getpid() == pid
    assert (batch.status, batch.error_code) == ("failed", "import.parse.crashed")
    assert batch.error_message == (
        "La lettura del file si è interrotta (arresto anomalo del lettore del file, segnale 6). Nessun dato è "
        "stato importato: il lotto può essere riletto o annullato."
    )
    assert not staging.read_path(batch.pk, 0).exists()
    # read again, with the checks back: refused before calamine sees it
    settings.IMPORTS_LIMITS = {}
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_mapping_set(
            tenant=tenant, actor=consultant, batch=batch, profile=MappingProfile.suggest(hostile.HEADER)
        )
    batch.refresh_from_db()
    assert (batch.status, batch.error_code) == ("refused", "import.file.xlsx_dimension")
    services.batch_discard(tenant=tenant, actor=consultant, batch=batch)
    assert ImportBatch.objects.get(pk=batch.pk).status == "discarded"


def test_a_parser_out_of_memory_fails_the_batch(settings, upload):
    settings.IMPORTS_LIMITS = NO_CHECKS
    settings.IMPORTS_PARSE_MEMORY_MB = 700  # 20 columns x 1,048,576 rows of calamine cells need more
    batch = upload("affido.xlsx", hostile.far_row_xlsx())
    batch = services.batch_parse(batch.pk)
    assert (batch.status, batch.error_code) == ("failed", "import.parse.crashed")
    assert batch.error_message.startswith("La lettura del file si è interrotta (")


def test_a_parser_out_of_time_is_killed(settings, upload):
    """A reader that never returns (here: its file is a pipe nobody writes, so its first read blocks for ever —
    no race with the machine's speed) is killed at the time limit and the batch fails with its message."""
    settings.IMPORTS_PARSE_TIMEOUT_SECONDS = 0.5
    batch = upload("affido.csv", csv_bytes(row()))
    stored = staging.absolute(batch.files[0]["path"])
    stored.unlink()
    os.mkfifo(stored)
    batch = services.batch_parse(batch.pk)
    assert (batch.status, batch.error_code) == ("failed", "import.parse.timeout")
    assert batch.error_message == (
        "La lettura del file ha superato il tempo massimo di 0.5 secondi ed è stata interrotta. Nessun dato è "
        "stato importato: il lotto può essere riletto o annullato."
    )


def test_the_sweep_fails_batches_whose_parser_stopped_beating(upload, tenant, consultant):
    long_ago = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
    dead, silent, alive, ready = (upload("affido.csv", csv_bytes(row())) for _ in range(4))
    ImportBatch.objects.filter(pk__in=[dead.pk, silent.pk, alive.pk]).update(
        status="parsing", updated_at=long_ago
    )
    ImportBatch.objects.filter(pk=ready.pk).update(status="ready", updated_at=long_ago)
    staging.Heartbeat(dead.pk).beat()
    os.utime(staging.heartbeat_path(dead.pk), (long_ago.timestamp(), long_ago.timestamp()))
    staging.Heartbeat(alive.pk).beat()  # beating now: a long parse, not a dead one
    assert sorted(parse_sweep()) == sorted([dead.pk, silent.pk])
    states = dict(ImportBatch.objects.values_list("pk", "status"))
    assert (states[dead.pk], states[silent.pk], states[alive.pk], states[ready.pk]) == (
        "failed",
        "failed",
        "parsing",
        "ready",
    )
    failed = ImportBatch.objects.get(pk=dead.pk)
    assert failed.error_code == "import.parse.stalled"
    assert failed.error_message == (
        "La lettura del lotto si è interrotta: il processo che la eseguiva non dà segni di vita da oltre 5 minuti. "
        "Nessun dato è stato importato: il lotto può essere riletto o annullato."
    )
    assert parse_sweep() == []  # nothing more to do
    # read again: it parses normally now
    assert services.batch_parse(failed.pk).status == "ready"
    services.batch_discard(tenant=tenant, actor=consultant, batch=ImportBatch.objects.get(pk=silent.pk))
    assert ImportBatch.objects.get(pk=silent.pk).status == "discarded"


def test_the_sweep_is_scheduled():
    from config import schedule

    assert callable(schedule.import_parse_sweep)
