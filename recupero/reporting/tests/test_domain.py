"""The reporting's pure rules, table-driven (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from recupero.reporting.domain.figures import (
    ageing_bucket,
    average_curve,
    cost_per_euro,
    liquidation_curve,
    month_index,
    per_hour,
    percent,
    worked_seconds,
)
from recupero.reporting.domain.webhooks import backoff_seconds, kind_of, signature


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("payment.recorded", {}, "payment"),
        ("case.status", {"to": "paid"}, "closure"),
        ("case.status", {"to": "returned"}, "closure"),
        ("case.status", {"to": "disputed"}, "dispute"),
        ("case.status", {"to": "working"}, None),
        ("arrangement.proposed", {"status": "pending_approval"}, "approval_needed"),
        ("arrangement.proposed", {"status": "active"}, None),
        ("case.opened", {}, None),
    ],
)
def test_which_timeline_events_are_told(kind, data, expected):
    assert kind_of(kind, data) == expected


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (8, 7680), (12, 21600)])
def test_backoff_doubles_up_to_six_hours(attempts, seconds):
    assert backoff_seconds(attempts) == seconds


def test_signature_is_hmac_sha256_of_timestamp_and_body():
    # echo -n '1700000000.{}' | openssl dgst -sha256 -hmac segreto
    assert signature("segreto", 1700000000, b"{}") == (
        "sha256=" + __import__("hmac").new(b"segreto", b"1700000000.{}", "sha256").hexdigest()
    )
    assert signature("segreto", 1700000000, b"{}") != signature("segreto", 1700000001, b"{}")


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (D("400"), D("1000"), D("40.0")),
        (D("1"), D("3"), D("33.3")),
        (D("2"), D("3"), D("66.7")),
        (D("5"), D("0"), D("0.0")),
    ],
)
def test_percent(part, whole, expected):
    assert percent(part, whole) == expected


def test_liquidation_curve_is_cumulative_from_the_affido_month():
    start = dt.date(2026, 1, 10)
    monthly = {"2025-12": D("10"), "2026-02": D("240"), "2026-04": D("150")}
    assert month_index(start, "2026-04") == 3
    assert liquidation_curve(start, D("1000"), monthly, 5) == [
        D("1.0"),
        D("25.0"),
        D("25.0"),
        D("40.0"),
        D("40.0"),
    ]
    assert average_curve([[D("10"), D("20")], [D("30")]], 3) == [D("20.0"), D("20.0"), None]


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-5, 0), (0, 0), (30, 0), (31, 1), (90, 1), (91, 2), (180, 2), (181, 3), (365, 3), (366, 4), (3000, 4)],
)
def test_ageing_buckets(days, bucket):
    assert ageing_bucket(days) == bucket


def test_worked_time_is_the_span_of_each_block_of_activity():
    at = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    m = [at, at + dt.timedelta(minutes=10), at + dt.timedelta(minutes=24, seconds=59),  # one block: 24:59
         at + dt.timedelta(minutes=39, seconds=59),  # a gap of exactly 15 minutes starts a new block
         at + dt.timedelta(minutes=45), at + dt.timedelta(hours=3)]  # fmt: skip
    assert worked_seconds(m) == 24 * 60 + 59 + 5 * 60 + 1
    assert worked_seconds([at]) == 0 and worked_seconds([]) == 0
    assert per_hour(D("100.00"), 1800) == D("200.00") and per_hour(D("5"), 0) is None
    assert cost_per_euro(D("12.50"), D("1000.00")) == D("0.0125") and cost_per_euro(D("1"), D("0")) is None
