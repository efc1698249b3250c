"""Fixtures of the intake service tests: a creditor with a P.IVA, files built as text, batches run end to end."""

from __future__ import annotations

import datetime as dt

import pytest

HEADERS = [
    "Codice cliente",
    "Codice Fiscale",
    "P.IVA",
    "Cognome",
    "Nome",
    "Ragione sociale",
    "Indirizzo",
    "CAP",
    "Comune",
    "Provincia",
    "Telefono",
    "Cellulare",
    "E-mail",
    "Nr. documento",
    "Data documento",
    "Data scadenza",
    "Importo",
    "Residuo",
    "Tipo credito",
]
# Valid codes (check characters verified by python-stdnum), as in tests/factories.py
CF = ["RSSMRA85T10A562S", "BNCLRA90A41F205I", "VRDGPP75C15H501P", "FRRLCU80E20L219N"]
VAT = ["00743110157", "02182030391", "00488410010", "01114601006"]


def row(
    ref="C1",
    cf=CF[0],
    vat="",
    surname="Rossi",
    name="Mario",
    company="",
    address="Via Roma 1",
    cap="00145",
    town="Roma",
    prov="RM",
    phone="06 1234567",
    mobile="333 123 4567",
    email="mario.rossi@example.it",
    number="F-1",
    issued="01/01/2025",
    due="31/01/2025",
    amount="1.234,56",
    outstanding="1.000,00",
    kind="luce",
):
    return [
        ref,
        cf,
        vat,
        surname,
        name,
        company,
        address,
        cap,
        town,
        prov,
        phone,
        mobile,
        email,
        number,
        issued,
        due,
        amount,
        outstanding,
        kind,
    ]


def known_debtor(tenant, code=CF[0]):
    """A debtor already in the database (a parent the loader's frames refer to)."""
    from recupero.parties.models import Debtor

    return Debtor.objects.create(
        tenant=tenant, kind="person", size="consumer", tax_code=code, last_name="Rossi", search_name="rossi"
    )


def contact_frame(tenant, debtor_ids):
    """parties_contactpoint rows for frames.Loader.write: one e-mail per debtor id, ids reserved."""
    import datetime as dt

    import polars as pl
    from django.db import connection

    from recupero.imports import frames, staging

    n = len(debtor_ids)
    stamp = staging.timestamp(connection.vendor, dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    return pl.DataFrame(
        {
            "id": frames.reserve_ids("parties_contactpoint", n),
            "tenant_id": [tenant.pk] * n,
            "debtor_id": debtor_ids,
            "kind": ["email"] * n,
            "value": [f"d{i}@example.it" for i in range(n)],
            **{name: [""] * n for name in ("cap", "municipality", "province")},
            "source": ["affido T"] * n,
            "status": ["unverified"] * n,
            "created_at": [stamp] * n,
        }
    )


def csv_bytes(*rows, headers=HEADERS, sep=";", encoding="utf-8") -> bytes:
    lines = [sep.join(headers)] + [sep.join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


@pytest.fixture
def creditor(tenant):
    from tests.factories import make_creditor

    return make_creditor(tenant, "UTIL", vat="01114601006")


@pytest.fixture
def consultant(tenant, creditor):
    """The creditor's consultant: a consultant imports only for the creditors assigned to her."""
    from recupero.core.domain.roles import Role
    from tests.factories import make_user

    user = make_user(tenant, Role.CONSULTANT, username="carla")
    creditor.consultants.add(user)
    return user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run(tenant, creditor, consultant):
    """Upload + parse (+ commit): returns the batch."""
    from recupero.imports import services

    def _run(*files, commit=True, code="AFF-2026-01", profile=None, received=dt.date(2026, 1, 10), who=None):
        batch = services.batch_upload(
            tenant=tenant,
            actor=consultant,
            creditor=who or creditor,
            files=list(files),
            profile_name=profile,
            assignment_code=code,
            received_on=received,
            enqueue=False,
        )
        batch = services.batch_parse(batch.pk)
        if commit and batch.status == "ready":
            batch = services.batch_commit(batch.pk)
        batch.refresh_from_db()
        return batch

    return _run
