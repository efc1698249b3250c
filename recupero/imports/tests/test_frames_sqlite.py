"""SQLite's commit transaction: foreign keys off for the transaction (PRAGMA), every row checked set-based —
bulk rows by the Loader, rows written through Django by the watch at the end — and the PRAGMA back on after.
Transactional tests: inside the test's own transaction the PRAGMA could not change."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection

from recupero.cases.models import Case, Claim
from recupero.imports import frames
from recupero.imports.models import ImportBatch
from recupero.imports.tests.conftest import CF, contact_frame, csv_bytes, known_debtor, row
from recupero.ledger.models import LedgerEntry
from recupero.parties.models import ContactPoint, Debtor

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's PRAGMA foreign_keys"),
    pytest.mark.django_db(transaction=True),
]


def _foreign_keys_on() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        return bool(cursor.fetchone()[0])


def test_a_commit_checks_set_based_and_turns_foreign_keys_back_on(run, monkeypatch):
    modes = []
    real = frames.Loader.__init__

    def spy(self):
        real(self)
        modes.append(self.set_based)

    monkeypatch.setattr(frames.Loader, "__init__", spy)
    batch = run(("a.csv", csv_bytes(row(), row(ref="C2", cf=CF[1], number="G-1"))))
    assert batch.status == "committed" and modes == [True]
    assert (Case.objects.count(), Claim.objects.count(), LedgerEntry.objects.count()) == (2, 2, 2)
    assert ContactPoint.objects.count() == 8 and _foreign_keys_on()


def test_a_bulk_row_with_a_missing_parent_refuses_the_transaction(tenant):
    known = known_debtor(tenant)
    with pytest.raises(IntegrityError, match="parties_contactpoint"), frames.commit_transaction():
        loader = frames.Loader()
        assert loader.set_based and not _foreign_keys_on()
        loader.write("parties_contactpoint", contact_frame(tenant, [known.pk, known.pk + 1000]))
    assert ContactPoint.objects.count() == 0 and _foreign_keys_on()


def test_a_row_written_through_django_with_a_missing_parent_refuses_the_transaction(tenant):
    known = known_debtor(tenant)
    with pytest.raises(IntegrityError, match="parties_contactpoint"), frames.commit_transaction():
        ContactPoint.objects.create(tenant=tenant, debtor=known, kind="email", value="a@example.it")
        ContactPoint.objects.create(
            tenant=tenant, debtor_id=known.pk + 1000, kind="email", value="b@example.it"
        )
    assert ContactPoint.objects.count() == 0 and _foreign_keys_on()


def test_an_update_through_django_to_a_missing_parent_refuses_the_transaction(run):
    batch = run(("a.csv", csv_bytes(row())), commit=False)
    with pytest.raises(IntegrityError, match="imports_importbatch"), frames.commit_transaction():
        ImportBatch.objects.filter(pk=batch.pk).update(assignment_id=987654)
    assert ImportBatch.objects.get(pk=batch.pk).assignment_id is None and _foreign_keys_on()


def test_a_delete_through_django_checks_the_whole_database(tenant):
    known = known_debtor(tenant)
    ContactPoint.objects.create(tenant=tenant, debtor=known, kind="email", value="a@example.it")
    # a raw delete through Django's cursor: no cascade, the contact would be left orphaned
    with (
        pytest.raises(IntegrityError, match="parties_contactpoint"),
        frames.commit_transaction(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM parties_debtor WHERE id = %s", [known.pk])
    assert Debtor.objects.count() == 1 and _foreign_keys_on()
