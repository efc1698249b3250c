"""What a planned step becomes in the apps below, in the strategies' own words: a communication of some kind
(channels), a work item (worklists), and how a communication's outcome reads in the planner's history.

The lower apps know nothing of actions, channels or the planner's record statuses: the mapping lives here,
with the strategies that own those words.
"""

from __future__ import annotations

from recupero.channels.domain.states import FAILED_STATES, RECEIVED_STATES, CommKind
from recupero.strategies.domain.model import Action, Channel
from recupero.strategies.domain.snapshot import RecordStatus
from recupero.worklists.domain.items import ItemKind

# A step's channel → the kind of communication that carries it.
CHANNEL_KINDS: dict[str, CommKind] = {
    Channel.EMAIL: CommKind.EMAIL,
    Channel.SMS: CommKind.SMS,
    Channel.POST: CommKind.LETTER,
    Channel.REGISTERED: CommKind.REGISTERED,
    Channel.PEC: CommKind.PEC,
}
# A step's channel → the kind of contact point it is sent to.
CONTACT_KIND: dict[str, str] = {
    Channel.EMAIL: "email",
    Channel.SMS: "mobile",
    Channel.PEC: "pec",
    Channel.POST: "address",
    Channel.REGISTERED: "address",
}
# A step's action → the work item a person does for it.
ACTION_KINDS: dict[str, ItemKind] = {
    Action.PHONE_CALL: ItemKind.CALL,
    Action.HOME_VISIT: ItemKind.VISIT,
    Action.SKIP_TRACE: ItemKind.SKIP_TRACE,
    Action.LEGAL_REVIEW: ItemKind.LEGAL_REVIEW,
    Action.VERIFY_DATA: ItemKind.VERIFY_DATA,
}


def record_status(comm_status: str) -> str:
    """A communication's status as the planner's history reads it: failed (try the step again), delivered
    (proof of receipt), or sent (waiting)."""
    if comm_status in FAILED_STATES:
        return RecordStatus.FAILED
    if comm_status in RECEIVED_STATES:
        return RecordStatus.DELIVERED
    return RecordStatus.SENT
