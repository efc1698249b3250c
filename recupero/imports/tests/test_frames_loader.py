"""The commit's bulk loader: on PostgreSQL the foreign keys of COPYed rows are checked set-based (triggers off),
with the same guarantees as the row triggers — a missing parent refuses the write, an existing parent is locked
against deletion until the commit. Without the privilege the plain, trigger-checked COPY is used."""

from __future__ import annotations

import polars as pl
import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from recupero.cases.bulk import number_key_columns
from recupero.cases.domain.search import invoice_number_keys
from recupero.imports import frames
from recupero.imports.tests.conftest import contact_frame, known_debtor
from recupero.parties.models import ContactPoint

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's triggers and row locks"
)


@pytest.mark.django_db
def test_the_test_database_role_checks_set_based(tenant):
    # CI and `make test` connect as a superuser: the set-based path is the one the suite exercises
    assert frames.Loader().set_based is True


@pytest.mark.django_db
def test_rows_referring_to_existing_and_new_parents_are_written(tenant):
    known = known_debtor(tenant)
    loader = frames.Loader()
    with transaction.atomic():
        fresh = frames.reserve_ids("parties_debtor", 2)
        debtors = pl.DataFrame(
            {
                "id": fresh,
                "tenant_id": [tenant.pk] * 2,
                "kind": ["person"] * 2,
                "size": ["consumer"] * 2,
                "first_name": ["", ""],
                "last_name": ["Bianchi", "Verdi"],
                "company_name": ["", ""],
                "tax_code": ["BNCLRA90A41F205I", "VRDGPP75C15H501P"],
                "vat_number": ["", ""],
                "vulnerable": [False, False],
                "search_name": ["bianchi", "verdi"],
                "created_at": ["2026-12-01 08:00:00+00"] * 2,
            }
        )
        assert loader.write("parties_debtor", debtors) == 2
        assert loader.write("parties_contactpoint", contact_frame(tenant, [known.pk, *fresh.to_list()])) == 3
    assert sorted(ContactPoint.objects.values_list("debtor__tax_code", "value")) == [
        ("BNCLRA90A41F205I", "d1@example.it"),
        ("RSSMRA85T10A562S", "d0@example.it"),
        ("VRDGPP75C15H501P", "d2@example.it"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("set_based", [True, False])
def test_a_missing_parent_refuses_the_write_and_nothing_stays(tenant, set_based):
    known = known_debtor(tenant)
    loader = frames.Loader()
    loader.set_based = set_based
    missing = known.pk + 1000
    with (
        pytest.raises((IntegrityError, psycopg.IntegrityError), match="parties_contactpoint"),
        transaction.atomic(),
    ):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as the commit does
        loader.write("parties_contactpoint", contact_frame(tenant, [known.pk, missing]))
    assert ContactPoint.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_existing_parent_cannot_be_deleted_until_the_commit(tenant):
    """The row triggers lock the referenced row FOR KEY SHARE; the set-based check must do the same, or another
    session could delete the debtor between the check and the commit and leave the contact orphaned."""
    known = known_debtor(tenant)
    params = connection.get_connection_params()
    other = psycopg.connect(
        host=params.get("host"), port=params.get("port"), user=params.get("user"), dbname=params["dbname"]
    )
    try:
        with transaction.atomic():
            loader = frames.Loader()
            assert loader.set_based
            loader.write("parties_contactpoint", contact_frame(tenant, [known.pk]))
            other.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("DELETE FROM parties_debtor WHERE id = %s", [known.pk])
            other.rollback()
    finally:
        other.close()
    assert list(ContactPoint.objects.values_list("debtor_id", flat=True)) == [known.pk]


@pytest.mark.parametrize(
    "number",
    ["47985/2025", "FT-2025-000123", "2025E000000123", "T2501000000123", "ABC", "000/0000", "", "x 012 y"],
)
def test_bulk_number_keys_equal_the_domain_function(number):
    """The intake computes the claim search keys on a whole column: the same keys as the one-claim service."""
    frame = pl.DataFrame({"invoice_number": [number]}).select(*number_key_columns(pl.col("invoice_number")))
    assert frame.row(0) == invoice_number_keys(number)
