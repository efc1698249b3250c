"""Letters rendered by Typst: the data contract (`data`), Italian formatting and the renderer.

Pure Python plus the `typst` package: no Django here, the lead fills `LetterData` from the database.
"""

from .data import (
    Agency,
    AgreementOffer,
    Amounts,
    BureauNotice,
    Claim,
    Creditor,
    DisputeReply,
    Installment,
    LetterData,
    PaymentInfo,
    PaymentPlan,
    ProspettoRow,
    Recipient,
    SupplyInfo,
)
from .formatting import format_amount, format_eur
from .render import (
    KINDS,
    MANIFEST_FIELDS,
    RenderedBatch,
    check_letter,
    manifest_rows,
    render_batch,
    render_batch_merged,
    render_batch_merged_with_pages,
    render_batch_split,
    render_letter,
    render_png,
    validate_letter,
)

__all__ = [
    "KINDS",
    "MANIFEST_FIELDS",
    "Agency",
    "AgreementOffer",
    "Amounts",
    "BureauNotice",
    "Claim",
    "Creditor",
    "DisputeReply",
    "Installment",
    "LetterData",
    "PaymentInfo",
    "PaymentPlan",
    "ProspettoRow",
    "Recipient",
    "RenderedBatch",
    "SupplyInfo",
    "check_letter",
    "format_amount",
    "format_eur",
    "manifest_rows",
    "render_batch",
    "render_batch_merged",
    "render_batch_merged_with_pages",
    "render_batch_split",
    "render_letter",
    "render_png",
    "validate_letter",
]
