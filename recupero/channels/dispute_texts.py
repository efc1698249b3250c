"""The words of a dispute's reasoned reply (template `dispute_reply`), read by the letter builder; queued by
`channels.dispute_replies.dispute_reply_send`."""

from __future__ import annotations

from typing import Any

from recupero.cases.domain.disputes import REASON_LABELS, DisputeReason, DisputeStatus
from recupero.cases.models import Dispute
from recupero.channels.documents.data import DisputeReply
from recupero.channels.models import Communication

TEMPLATE = "dispute_reply"


def dispute_reply_parts(comm: Communication) -> dict[str, Any]:
    """The dispute's outcome for `LetterData` (the communication's action is `dispute:<id>`)."""
    dispute = Dispute.objects.select_related("case").get(
        pk=int(comm.action.split(":", 1)[1]), tenant_id=comm.tenant_id
    )
    upheld = dispute.status == DisputeStatus.UPHELD
    reply = DisputeReply(
        upheld=upheld,
        opened_on=dispute.opened_on,
        reason_label=REASON_LABELS[DisputeReason(dispute.reason)],
        decision=dispute.decision_reason,
        reduction=dispute.reduction if upheld else None,
        cancelled=upheld and dispute.case.balance <= 0,
    )
    return {"dispute": reply}
