"""Prescription worked examples (art. 2963: same day and month, Sunday/holiday → next non-festive day)."""

from datetime import date, datetime

import pytest

from recupero.law import LawError
from recupero.law.bureau import bureau_notice_earliest_report
from recupero.law.prescription import (
    Event,
    PrescriptionRequest,
    PrescriptionSettings,
    add_years,
    compute_prescription,
    local_date,
)

TODAY = date(2025, 6, 1)


def run(claim_type, debtor, due, *events, issued=None, today=TODAY, **settings):
    req = PrescriptionRequest(
        claim_type,
        debtor,
        due,
        issued,
        tuple(Event(k, w) for k, w in events),
        today,
        PrescriptionSettings(**settings),
    )
    return compute_prescription(req)


# (id, claim type, debtor, due, expected term years, expected deadline)
TERMS = [
    # 16/03/2015 + 10 y = 16/03/2025, a Sunday → Monday 17/03/2025
    ("ordinary-sunday", "ordinary", "business", date(2015, 3, 16), 10, date(2025, 3, 17)),
    # 25/04/2019 + 5 y = 25/04/2024 (Liberazione) → 26/04/2024
    ("periodic-holiday", "periodic", "consumer", date(2019, 4, 25), 5, date(2024, 4, 26)),
    # 15/03/2015 + 10 y = 15/03/2025, a Saturday: no move (⚠️ flagged)
    ("saturday", "ordinary", "consumer", date(2015, 3, 15), 10, date(2025, 3, 15)),
    # 29/02/2020 + 10 y: no 29/02/2030 → 28/02/2030 (Thursday)
    ("feb29", "ordinary", "consumer", date(2020, 2, 29), 10, date(2030, 2, 28)),
    # electricity due exactly on the cut-off 01/03/2018 is not "after" it: 5 y → 01/03/2023 (Wednesday)
    ("electricity-cutoff", "electricity", "consumer", date(2018, 3, 1), 5, date(2023, 3, 1)),
    # due 02/03/2018: 2 y → 02/03/2020 (Monday)
    ("electricity-after", "electricity", "consumer", date(2018, 3, 2), 2, date(2020, 3, 2)),
    # gas due 01/01/2019: 5 y → 01/01/2024 holiday → 02/01/2024
    ("gas-cutoff", "gas", "micro", date(2019, 1, 1), 5, date(2024, 1, 2)),
    # gas due 02/01/2019: 2 y → 02/01/2021, Saturday, stays
    ("gas-after", "gas", "professional", date(2019, 1, 2), 2, date(2021, 1, 2)),
    # water due 01/01/2020: 5 y → 01/01/2025 holiday → 02/01/2025
    ("water-cutoff", "water", "consumer", date(2020, 1, 1), 5, date(2025, 1, 2)),
    # water due 02/01/2020: 2 y → 02/01/2022 Sunday → 03/01/2022
    ("water-after", "water", "consumer", date(2020, 1, 2), 2, date(2022, 1, 3)),
    # a business other than micro keeps 5 y even after the cut-off: 10/01/2023 → 10/01/2028 (Monday)
    ("electricity-business", "electricity", "business", date(2023, 1, 10), 5, date(2028, 1, 10)),
    # utility 2 y from 29/02/2024 → 28/02/2026 (Saturday)
    ("utility-feb29", "electricity", "consumer", date(2024, 2, 29), 2, date(2026, 2, 28)),
    # telecom default 5 y: 24/12/2022 → 24/12/2027 (Friday)
    ("telecom", "telecom", "consumer", date(2022, 12, 24), 5, date(2027, 12, 24)),
]


@pytest.mark.parametrize(
    ("name", "kind", "debtor", "due", "years", "deadline"), TERMS, ids=[t[0] for t in TERMS]
)
def test_terms(name, kind, debtor, due, years, deadline):
    r = run(kind, debtor, due)
    assert (r.term_years, r.deadline) == (years, deadline)


def test_saturday_and_telecom_are_flagged():
    assert any("sabato" in w for w in run("ordinary", "consumer", date(2015, 3, 15)).warnings)
    assert any("2 anni" in w for w in run("telecom", "consumer", date(2022, 12, 24)).warnings)
    assert run("telecom", "consumer", date(2022, 12, 24), telecom_years=2).deadline == date(2024, 12, 24)


def test_utility_issue_date_reading_is_computed_and_warned():
    # due reading: 15/03/2023 + 2 y = 15/03/2025 (Sat); issue reading: 20/02/2023 + 2 y = 20/02/2025 (Thu)
    r = run("electricity", "consumer", date(2023, 3, 15), issued=date(2023, 2, 20))
    assert (r.deadline, r.alternative_deadline) == (date(2025, 3, 15), date(2025, 2, 20))
    assert any("20/02/2025" in w for w in r.warnings)
    r = run("electricity", "consumer", date(2023, 3, 15), issued=date(2023, 2, 20), utility_start="issue")
    assert (r.deadline, r.alternative_deadline) == (date(2025, 2, 20), date(2025, 3, 15))


@pytest.mark.parametrize(
    ("instant", "italian_day"),
    [
        # winter (CET, UTC+1; DST starts 30/03/2025): 23:00:03Z on 17/03 = 00:00:03 on 18/03
        ("2025-03-17T23:00:03Z", date(2025, 3, 18)),
        ("2025-03-17T22:59:59Z", date(2025, 3, 17)),
        # summer (CEST, UTC+2): 22:05Z on 15/07 = 00:05 on 16/07; 21:59Z = 23:59 on 15/07
        ("2024-07-15T22:05:00Z", date(2024, 7, 16)),
        ("2024-07-15T21:59:00Z", date(2024, 7, 15)),
        ("2024-07-16T00:05:00+02:00", date(2024, 7, 16)),
    ],
)
def test_pec_receipt_is_read_in_italian_time(instant, italian_day):
    assert local_date(datetime.fromisoformat(instant)) == italian_day


def test_pec_minutes_after_midnight_decides_prescription():
    # periodic due 17/03/2020 → deadline 17/03/2025 (Monday). A PEC delivered 23:00:03Z on 17/03 arrives on
    # 18/03 in Italy: too late, the claim prescribed on 17/03.
    late = run(
        "periodic",
        "consumer",
        date(2020, 3, 17),
        ("pec_delivered", datetime.fromisoformat("2025-03-17T23:00:03Z")),
    )
    assert (late.deadline, late.status, late.events[0].interrupted) == (date(2025, 3, 17), "expired", False)
    assert "non lo fa rivivere" in late.events[0].reason
    # 22:59Z is 23:59 on 17/03: in time; new 5 y from 17/03/2025 = 17/03/2030, Sunday → 18/03/2030
    ok = run(
        "periodic",
        "consumer",
        date(2020, 3, 17),
        ("pec_delivered", datetime.fromisoformat("2025-03-17T22:59:00Z")),
    )
    assert (ok.deadline, ok.status, ok.events[0].interrupted) == (date(2030, 3, 18), "running", True)


def test_summer_pec_on_deadline_day_interrupts():
    # periodic due 16/07/2019 → 16/07/2024 (Tue); PEC 22:05Z on 15/07 = 16/07 00:05 CEST → 16/07/2029 (Mon)
    r = run(
        "periodic",
        "consumer",
        date(2019, 7, 16),
        ("pec_delivered", datetime.fromisoformat("2024-07-15T22:05:00Z")),
    )
    assert r.deadline == date(2029, 7, 16)


def test_uncollected_registered_letter_counts_from_held_notice():
    # periodic due 20/05/2019 → 20/05/2024; avviso di giacenza left 10/05/2024 → 10/05/2029 (Thursday)
    r = run("periodic", "consumer", date(2019, 5, 20), ("registered_held_notice", date(2024, 5, 10)))
    assert (r.deadline, r.events[0].interrupted) == (date(2029, 5, 10), True)


def test_final_judgment_switches_to_ten_years():
    # periodic due 15/01/2020, decree final 01/06/2022 → 01/06/2032 (Tuesday), 10 y (art. 2953)
    r = run("periodic", "consumer", date(2020, 1, 15), ("final_judgment", date(2022, 6, 1)))
    assert (r.deadline, r.events[0].deadline_after) == (date(2032, 6, 1), date(2032, 6, 1))


def test_events_are_walked_in_date_order():
    # electricity 2 y: due 10/01/2021 → 10/01/2023 (Tue). Given out of order, the events are sorted by date:
    r = run(
        "electricity",
        "consumer",
        date(2021, 1, 10),
        ("acknowledgment", date(2023, 2, 1)),
        ("partial_payment", date(2022, 12, 1)),
    )
    assert [(e.kind, e.interrupted) for e in r.events] == [
        ("partial_payment", True),
        ("acknowledgment", True),
    ]
    # the partial payment 01/12/2022 interrupts first (→ 01/12/2024); the acknowledgment of 01/02/2023 is then
    # in time and interrupts again: 01/02/2025 is a Saturday, it stays
    assert r.deadline == date(2025, 2, 1)


def test_event_after_expiry_alone():
    r = run("electricity", "consumer", date(2021, 1, 10), ("acknowledgment", date(2023, 2, 1)))
    assert (r.deadline, r.status, r.events[0].interrupted) == (date(2023, 1, 10), "expired", False)


def test_pec_acceptance_only_does_not_interrupt():
    r = run(
        "periodic",
        "consumer",
        date(2020, 3, 17),
        ("pec_accepted", datetime.fromisoformat("2024-01-10T10:00:00+01:00")),
    )
    assert (r.deadline, r.events[0].interrupted) == (date(2025, 3, 17), False)


@pytest.mark.parametrize(
    ("today", "status", "days_left"),
    [
        (date(2025, 3, 18), "expired", -1),
        (date(2025, 3, 17), "expiring", 0),
        (date(2024, 12, 17), "expiring", 90),
        (date(2024, 12, 16), "running", 91),
    ],
)
def test_status(today, status, days_left):
    r = run("periodic", "consumer", date(2020, 3, 17), today=today)
    assert (r.status, r.days_left) == (status, days_left)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("lease", "consumer", date(2020, 1, 1)), "law.unknown_claim_type"),
        (("ordinary", "alien", date(2020, 1, 1)), "law.unknown_debtor"),
        (("ordinary", "consumer", date(2020, 1, 1), ("summons", date(2021, 1, 1))), "law.unknown_event"),
        (
            ("ordinary", "consumer", date(2020, 1, 1), ("acknowledgment", date(2019, 12, 31))),
            "law.event_before_due",
        ),
        (("ordinary", "consumer", date(2020, 1, 1), ("pec_delivered", date(2021, 1, 1))), "law.bad_datetime"),
        (
            ("ordinary", "consumer", date(2020, 1, 1), ("pec_delivered", datetime(2021, 1, 1, 10))),
            "law.bad_datetime",
        ),
    ],
)
def test_bad_input(args, code):
    with pytest.raises(LawError) as caught:
        run(*args)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [
        (date(2020, 2, 29), 1, date(2021, 2, 28)),
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
        (date(2019, 12, 31), 5, date(2024, 12, 31)),
    ],
)
def test_add_years(start, years, end):
    assert add_years(start, years) == end


@pytest.mark.parametrize(
    ("sent", "earliest"),
    # sending day + 15 full days + 1: 10/01 → 26/01; 20/02/2024 → 07/03/2024 (leap February)
    [(date(2025, 1, 10), date(2025, 1, 26)), (date(2024, 2, 20), date(2024, 3, 7))],
)
def test_bureau_notice(sent, earliest):
    assert bureau_notice_earliest_report(sent) == earliest
