"""Every write on communications, by what changes together:

- `queueing` — the daily run inserts `queued` communications in bulk, once per step key;
- `states` — status changes through `domain.states` only (`_comm_move`, `_claim`) and their timeline events;
- `texts` — template labels and the e-mail, SMS and PEC texts;
- `sending` — render and send a chunk, at most once;
- `receipts` — PEC receipts, e-mail bounces, SMS delivery reports (evidence, prescription interruption);
- `registered` — raccomandata A/R tracking, return cards, giacenza, returns.

Sending is at-most-once: a communication is claimed (`queued` → `rendered`, committed) before the provider is
called and marked `sent` after; a crash in between leaves it `rendered`, visible, and never re-sent by a retry
(contacting a debtor twice is worse than a delay).
"""

from recupero.channels.services.queueing import (
    TASK_CHUNK,
    CommunicationSpec,
    communications_queue,
    communications_queue_new,
)
from recupero.channels.services.receipts import (
    IngestResult,
    email_bounce_ingest,
    pec_ingest,
    sms_dlr_record,
)
from recupero.channels.services.registered import registered_import, registered_record
from recupero.channels.services.sending import communications_send

__all__ = [
    "TASK_CHUNK",
    "CommunicationSpec",
    "IngestResult",
    "communications_queue",
    "communications_queue_new",
    "communications_send",
    "email_bounce_ingest",
    "pec_ingest",
    "registered_import",
    "registered_record",
    "sms_dlr_record",
]
