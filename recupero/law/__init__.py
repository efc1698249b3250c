"""Italian rules as pure Python (no Django): interest, allocation, prescription, calendar, codes.

Rate tables and holidays are data files in `data/`, each row with its source. See README.md.
"""

from recupero.law.allocation import Allocation, AllocationLine, ClaimBalance, allocate_payment
from recupero.law.batch import interest_batch, prescription_batch
from recupero.law.bureau import bureau_notice_earliest_report
from recupero.law.business_days import (
    add_working_days,
    is_festive,
    is_holiday,
    is_working_day,
    next_working_day,
    roll_to_non_festive,
    roll_to_working_day,
)
from recupero.law.errors import LawError
from recupero.law.interest import (
    CasePayment,
    InterestRequest,
    InterestResult,
    Payment,
    compute_case,
    compute_interest,
    due_date_from_receipt,
)
from recupero.law.money import format_eur, parse_amount, round_cents
from recupero.law.prescription import (
    Event,
    PrescriptionRequest,
    PrescriptionResult,
    PrescriptionSettings,
    compute_prescription,
)
from recupero.law.prospetto import prospetto_rows, render_prospetto

__all__ = [
    "Allocation",
    "AllocationLine",
    "CasePayment",
    "ClaimBalance",
    "Event",
    "InterestRequest",
    "InterestResult",
    "LawError",
    "Payment",
    "PrescriptionRequest",
    "PrescriptionResult",
    "PrescriptionSettings",
    "add_working_days",
    "allocate_payment",
    "bureau_notice_earliest_report",
    "compute_case",
    "compute_interest",
    "compute_prescription",
    "due_date_from_receipt",
    "format_eur",
    "interest_batch",
    "is_festive",
    "is_holiday",
    "is_working_day",
    "next_working_day",
    "parse_amount",
    "prescription_batch",
    "prospetto_rows",
    "render_prospetto",
    "roll_to_non_festive",
    "roll_to_working_day",
    "round_cents",
]
