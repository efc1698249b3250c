"""The verification desk (verifiche anagrafiche): a collector sees the task among the tracing lists and closes it."""

from __future__ import annotations

import datetime as dt

import pytest

from recupero.core.clock import now
from recupero.parties.models import Debtor
from recupero.web.tests.factories import build_world
from recupero.worklists.models import WorkItem

pytestmark = pytest.mark.django_db


def test_the_verification_desk_page_lists_and_closes_the_task(client):
    world = build_world()
    case = next(iter(world.cases.values()))
    Debtor.objects.filter(pk=case.debtor_id).update(identity_status="to_verify")
    item = WorkItem.objects.create(
        tenant=world.tenant,
        case=case,
        kind="verify_data",
        step_code="verify_data",
        due_on=dt.date(2020, 1, 1),
        idempotency_key=f"{case.pk}:verify_data",
        created_at=now(),
    )
    client.force_login(world.users["collector"])
    page = client.get("/code/rintracci/?tipo=verifiche").content.decode()
    assert "Verifiche anagrafiche" in page and case.code in page and "Dati verificati" in page
    assert case.code not in client.get("/code/rintracci/").content.decode()  # skip tracing: another list
    done = client.post(f"/code/attivita/{item.pk}/esito/", {"outcome": "verified"})
    assert (done.status_code, done["Location"]) == (302, "/code/rintracci/?tipo=verifiche")
    assert Debtor.objects.get(pk=case.debtor_id).identity_status == "verified"
