"""Disputes: the transition table and the document check (no database), then the services on the database."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from recupero.cases.domain.disputes import (
    TRANSITIONS,
    DisputeReason,
    DisputeStatus,
    can_transition,
    default_deadline,
    document_kind,
)
from recupero.cases.models import Dispute, DisputeDocument, TimelineEvent
from recupero.cases.services import dispute_document_add, dispute_open, dispute_withdraw
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from tests import portfolio as b
from tests.factories import make_user

D = DisputeStatus


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        (D.OPEN, D.UPHELD, True),
        (D.OPEN, D.REJECTED, True),
        (D.OPEN, D.WITHDRAWN, True),
        (D.UPHELD, D.REJECTED, False),
        (D.REJECTED, D.UPHELD, False),
        (D.WITHDRAWN, D.OPEN, False),
        (D.UPHELD, D.OPEN, False),
    ],
)
def test_transition_table(source, target, allowed):
    assert can_transition(source, target) is allowed


def test_every_end_state_is_final():
    assert [s for s, targets in TRANSITIONS.items() if not targets] == [D.UPHELD, D.REJECTED, D.WITHDRAWN]


@pytest.mark.parametrize(
    ("head", "size", "expected"),
    [
        (b"%PDF-1.7\n", 1000, ("pdf", "")),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", 5000, ("jpg", "")),
        (b"\x89PNG\r\n\x1a\n\x00", 300, ("png", "")),
        (b"MZ\x90\x00", 300, (None, "dispute.document_bad_type")),  # an .exe renamed .pdf
        (b"<html>", 300, (None, "dispute.document_bad_type")),
        (b"%PDF-1.7", 0, (None, "dispute.document_empty")),
        (b"%PDF-1.7", 10 * 1024 * 1024 + 1, (None, "dispute.document_too_large")),
        (b"%PDF-1.7", 10 * 1024 * 1024, ("pdf", "")),
    ],
)
def test_document_checked_by_content_and_size(head, size, expected):
    assert document_kind(head, size) == expected


def test_default_deadline_is_thirty_days():
    assert default_deadline(dt.date(2026, 3, 2)) == dt.date(2026, 4, 1)


NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_open_pauses_the_case_and_withdraw_resumes_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = b.tenant()
    case = b.case(t, b.creditor(t), b.debtor(t))
    collector = make_user(t, Role.COLLECTOR)
    dispute = dispute_open(
        tenant=t, actor=collector, case=case, reason=DisputeReason.ALREADY_PAID, description="bonifico 3/2"
    )
    case.refresh_from_db()
    assert case.status == "disputed"  # new → disputed through the table
    assert (dispute.status, dispute.opened_on, dispute.deadline) == (
        "open",
        dt.date(2026, 3, 2),
        dt.date(2026, 4, 1),
    )
    with pytest.raises(DomainError) as err:
        dispute_open(tenant=t, actor=collector, case=case, reason=DisputeReason.OTHER)
    assert err.value.code == "dispute.already_open"
    doc = dispute_document_add(
        tenant=t, actor=collector, dispute=dispute, name="bonifico.pdf", content=b"%PDF-1.4 x"
    )
    assert (doc.kind, doc.size) == ("pdf", 10)
    assert doc.file.name.startswith("disputes/") and doc.file.name.endswith(".pdf")
    assert (tmp_path / doc.file.name).read_bytes() == b"%PDF-1.4 x"
    with pytest.raises(DomainError) as err:
        dispute_document_add(
            tenant=t, actor=collector, dispute=dispute, name="virus.pdf", content=b"MZ\x90\x00"
        )
    assert err.value.code == "dispute.document_bad_type"
    assert DisputeDocument.objects.count() == 1
    dispute_withdraw(tenant=t, actor=collector, dispute=dispute, note="ha ritrovato la fattura")
    case.refresh_from_db()
    dispute.refresh_from_db()
    assert (case.status, dispute.status, dispute.decided_on) == ("working", "withdrawn", dt.date(2026, 3, 2))
    with pytest.raises(DomainError) as err:
        dispute_withdraw(tenant=t, actor=collector, dispute=dispute)
    assert err.value.code == "dispute.bad_transition"
    kinds = list(TimelineEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True))
    assert kinds[1:] == [
        "case.status",
        "dispute.opened",
        "dispute.document",
        "case.status",
        "dispute.withdrawn",
    ]


@pytest.mark.django_db
def test_a_field_agent_cannot_open_a_dispute_by_hand_and_nothing_changes():
    t = b.tenant()
    case = b.case(t, b.creditor(t), b.debtor(t))
    with pytest.raises(DomainError) as err:
        dispute_open(tenant=t, actor=make_user(t, Role.FIELD_AGENT), case=case, reason=DisputeReason.OTHER)
    assert err.value.code == "auth.forbidden"
    assert Dispute.objects.count() == 0


@pytest.mark.django_db
def test_deadline_in_the_past_is_refused():
    t = b.tenant()
    case = b.case(t, b.creditor(t), b.debtor(t))
    with pytest.raises(DomainError) as err:
        dispute_open(
            tenant=t,
            actor=system_actor(t),
            case=case,
            reason=DisputeReason.OTHER,
            deadline=dt.date(2000, 1, 1),
        )
    assert err.value.code == "dispute.deadline_past"
    case.refresh_from_db()
    assert case.status == "new" and Dispute.objects.count() == 0
