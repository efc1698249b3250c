"""The strategies' words mapped onto the apps below: every channel to a communication kind and a contact kind,
every task action to a work item, every communication status to the planner's record status."""

from __future__ import annotations

import pytest

from recupero.channels.domain.states import CommStatus
from recupero.strategies.domain.effects import ACTION_KINDS, CHANNEL_KINDS, CONTACT_KIND, record_status
from recupero.strategies.domain.model import ACTION_CHANNELS, Action, Channel


def test_every_channel_has_a_communication_kind_and_a_contact_kind():
    assert {str(k): v.value for k, v in CHANNEL_KINDS.items()} == {
        "email": "email",
        "sms": "sms",
        "post": "letter",
        "registered": "registered",
        "pec": "pec",
    }
    assert set(CONTACT_KIND) == set(CHANNEL_KINDS)
    assert CONTACT_KIND["sms"] == "mobile" and CONTACT_KIND["post"] == CONTACT_KIND["registered"] == "address"


def test_every_action_is_either_sent_or_worked_by_a_person():
    for action in Action:
        sent = any(str(ch) in CHANNEL_KINDS for ch in ACTION_CHANNELS.get(action, ()))
        worked = str(action) in ACTION_KINDS
        assert sent != worked, action
    assert {str(k): v.value for k, v in ACTION_KINDS.items()} == {
        "phone_call": "call",
        "home_visit": "visit",
        "skip_trace": "skip_trace",
        "legal_review": "legal_review",
        "verify_data": "verify_data",
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (CommStatus.QUEUED, "sent"),
        (CommStatus.RENDERED, "sent"),
        (CommStatus.SENT, "sent"),
        (CommStatus.ACCEPTED, "sent"),
        (CommStatus.DELIVERED, "delivered"),
        (CommStatus.HELD, "delivered"),
        (CommStatus.BOUNCED, "failed"),
        (CommStatus.FAILED, "failed"),
        (CommStatus.RETURNED, "failed"),
    ],
)
def test_a_communication_status_reads_as_a_record_status(status, expected):
    assert record_status(status.value) == expected


def test_channel_enum_covers_the_mapping():
    assert {str(c) for c in Channel} >= set(CHANNEL_KINDS)
