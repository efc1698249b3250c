"""The life of an import batch (lotto di importazione), as a transition table (rule 7 of the house).

    uploaded ─▶ parsing ─▶ ready (preview shown) ─▶ committing ─▶ committed
                   │          │   ▲                    │
                   ▼          │   └── parsing (re-read) ▼
                refused       ▼                      failed ─▶ committing (retry) / parsing / discarded
                          discarded

`committing ─▶ committing` is the retry of a commit that was killed: the big transaction rolled back, the
status stayed "committing", and running the commit again completes it.
"""

from __future__ import annotations

from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


class BatchStatus(StrEnum):
    UPLOADED = "uploaded"
    PARSING = "parsing"
    READY = "ready"
    REFUSED = "refused"
    COMMITTING = "committing"
    COMMITTED = "committed"
    FAILED = "failed"
    DISCARDED = "discarded"


B = BatchStatus
TRANSITIONS: dict[BatchStatus, frozenset[BatchStatus]] = {
    B.UPLOADED: frozenset({B.PARSING, B.DISCARDED}),
    B.PARSING: frozenset({B.PARSING, B.READY, B.REFUSED, B.FAILED}),
    B.READY: frozenset({B.PARSING, B.COMMITTING, B.DISCARDED}),
    B.REFUSED: frozenset({B.DISCARDED}),
    B.COMMITTING: frozenset({B.COMMITTING, B.COMMITTED, B.FAILED}),
    B.FAILED: frozenset({B.PARSING, B.COMMITTING, B.DISCARDED}),
    B.COMMITTED: frozenset(),
    B.DISCARDED: frozenset(),
}

LABELS = {
    B.UPLOADED: gettext_lazy("Caricato"),
    B.PARSING: gettext_lazy("In lettura"),
    B.READY: gettext_lazy("Anteprima pronta"),
    B.REFUSED: gettext_lazy("Rifiutato"),
    B.COMMITTING: gettext_lazy("In importazione"),
    B.COMMITTED: gettext_lazy("Importato"),
    B.FAILED: gettext_lazy("Non riuscito"),
    B.DISCARDED: gettext_lazy("Annullato"),
}
TONES = {
    B.UPLOADED: "info",
    B.PARSING: "info",
    B.READY: "warning",
    B.REFUSED: "danger",
    B.COMMITTING: "info",
    B.COMMITTED: "success",
    B.FAILED: "danger",
    B.DISCARDED: "muted",
}
BUSY = frozenset({B.UPLOADED, B.PARSING, B.COMMITTING})


def can_transition(source: str, target: str) -> bool:
    return BatchStatus(target) in TRANSITIONS[BatchStatus(source)]


# The phase of a ready batch whose commit was requested and waits for the worker: the page keeps polling.
COMMIT_QUEUED = "importazione in coda"
