"""The shape of the demo agency as data: its creditors, their portfolios, the mix of case statuses. Pure Python.

Proportions are those of a mid-size Italian agency working utility, telecom and B2B portfolios: most cases are
new or being worked; a minority is in an arrangement, paid, returned, with the lawyer or contested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

TODAY = dt.date(2026, 11, 22)  # the demo's "today": fixed, so that the same seed gives the same data
FIRST_ASSIGNMENT = dt.date(2019, 1, 15)

# (status, weight in per mille), and the path of transitions that leads there from "new".
STATUS_MIX = (
    ("new", 200),
    ("working", 330),
    ("promise", 60),
    ("plan", 65),
    ("settlement", 20),
    ("paid", 80),
    ("closed", 55),
    ("returned", 90),
    ("legal", 40),
    ("prescribed", 15),
    ("disputed", 45),
)
PATHS = {
    "new": (),
    "working": ("working",),
    "promise": ("working", "promise"),
    "plan": ("working", "plan"),
    "settlement": ("working", "settlement"),
    "paid": ("working", "paid"),
    "closed": ("working", "paid", "closed"),
    "returned": ("working", "returned"),
    "legal": ("working", "legal"),
    "prescribed": ("working", "prescribed"),
    "disputed": ("working", "disputed"),
}
OPEN_WORK = frozenset({"new", "working", "promise", "plan", "settlement", "disputed"})


@dataclass(frozen=True)
class CreditorPlan:
    code: str
    name: str
    sector: str
    share: int  # per mille of the cases
    primary_colour: str
    secondary_colour: str
    assignment_every_months: int
    assignment_months_to_return: int
    commission_percent: str
    max_discount_percent: str
    max_instalments: int
    min_instalment: str
    channels: tuple[str, ...]
    contact_window: str
    assignment_prefix: str


CREDITORS = (
    CreditorPlan(
        "DEMO-UTILITY",
        "Energia Italia Multiservizi S.p.A.",
        "utility",
        500,
        "#0b6e4f",
        "#e6f4ee",
        3,
        12,
        "12.00",
        "20.00",
        24,
        "30.00",
        ("letter", "email", "sms", "phone", "pec", "visit"),
        "unirec",
        "EIM",
    ),
    CreditorPlan(
        "DEMO-TELCO",
        "Telefonia Peninsulare S.p.A.",
        "telco",
        350,
        "#c2185b",
        "#fbe9f0",
        4,
        9,
        "18.00",
        "30.00",
        12,
        "20.00",
        ("letter", "email", "sms", "phone"),
        "strict",
        "TPN",
    ),
    CreditorPlan(
        "DEMO-B2B",
        "Forniture Industriali Padane S.r.l.",
        "supplier",
        150,
        "#1f4e79",
        "#e8eef5",
        6,
        18,
        "8.00",
        "10.00",
        6,
        "500.00",
        ("letter", "pec", "phone", "visit"),
        "strict",
        "FIP",
    ),
)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return dt.date(year, month % 12 + 1, min(day.day, 28))


@dataclass(frozen=True)
class AssignmentPlan:
    code: str
    received_on: dt.date
    return_on: dt.date
    returned: bool


def assignments_for(plan: CreditorPlan, today: dt.date = TODAY) -> list[AssignmentPlan]:
    """The creditor's affidi from 2019 to today, one every few months, each worked until its return date."""
    out = []
    received = FIRST_ASSIGNMENT
    number = 1
    while received <= today - dt.timedelta(days=14):
        return_on = add_months(received, plan.assignment_months_to_return)
        out.append(
            AssignmentPlan(
                f"{plan.assignment_prefix}-{received:%Y}-{number:03d}", received, return_on, return_on < today
            )
        )
        received = add_months(received, plan.assignment_every_months)
        number += 1
    return out
