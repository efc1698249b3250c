"""Two workers holding the same queued communication (a task enqueued twice, two consumers): one records the
outcome, the other changes nothing — no second timeline event, no second PDF on disk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from recupero.cases.models import TimelineEvent
from recupero.channels.domain.states import CommStatus
from recupero.channels.models import Communication
from recupero.channels.services import CommunicationSpec, communications_queue, sending
from recupero.core.permissions import system_actor
from tests import portfolio as b

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def _queued(template: str = "no_such_template"):
    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t))
    spec = CommunicationSpec(c.pk, "letter", template, "step", "action", None, "Via Roma 1", DAY, "race:1")
    communications_queue(tenant=t, actor=system_actor(t), specs=[spec])
    return Communication.objects.get(idempotency_key="race:1")


def test_a_message_both_workers_find_unsendable_fails_once():
    comm = _queued()
    first, second = Communication.objects.get(pk=comm.pk), Communication.objects.get(pk=comm.pk)
    actor = system_actor(comm.tenant)
    sending.communications_send(tenant_id=comm.tenant_id, actor=actor, ids=[comm.pk], on=DAY)  # worker A
    unknown = "Modello di lettera sconosciuto: «no_such_template»."
    sending._fail(actor, second, unknown)  # worker B, with its stale copy
    comm.refresh_from_db()
    assert (comm.status, comm.error) == (
        CommStatus.FAILED.value,
        "Modello di lettera sconosciuto: «no_such_template».",
    )
    assert TimelineEvent.objects.filter(case_id=comm.case_id, kind="communication.failed").count() == 1
    assert first.status == CommStatus.QUEUED.value  # the stale copies were not written through


def test_the_loser_of_a_claim_deletes_the_pdf_it_wrote(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    comm = _queued("reminder_1")
    winner, loser = Communication.objects.get(pk=comm.pk), Communication.objects.get(pk=comm.pk)
    name = f"{comm.tenant_id}/{comm.case.code}-{comm.pk}.pdf"
    winner.document.save(name, ContentFile(b"%PDF-A"), save=False)
    loser.document.save(name, ContentFile(b"%PDF-B"), save=False)
    loser_file = loser.document.name
    assert loser_file != winner.document.name  # the storage gave the second copy its own name
    assert sending._claim_document(winner) is True
    assert sending._claim_document(loser) is False
    comm.refresh_from_db()
    assert comm.status == CommStatus.RENDERED.value
    assert comm.document.name == winner.document.name
    assert default_storage.exists(winner.document.name)
    assert not default_storage.exists(loser_file)
    assert sorted(p.name for p in (tmp_path / "letters").rglob("*.pdf")) == [
        winner.document.name.rsplit("/")[-1]
    ]
