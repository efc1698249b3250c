"""Today is Italian today: the day's services run at 00:30 in Italy (23:30 UTC of the day before) and record the
Italian date, never the UTC one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from recupero.cases.domain.states import CaseStatus
from recupero.cases.services import case_transition
from recupero.core import clock
from recupero.core.permissions import system_actor
from recupero.law.clock import italian_today
from tests import portfolio as b

HALF_PAST_MIDNIGHT = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 00:30 of 2 March in Italy (CET)
SUMMER = dt.datetime(2026, 7, 14, 22, 30, tzinfo=dt.UTC)  # 00:30 of 15 July in Italy (CEST)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (HALF_PAST_MIDNIGHT, dt.date(2026, 3, 2)),
        (SUMMER, dt.date(2026, 7, 15)),
        (dt.datetime(2026, 3, 1, 22, 59, tzinfo=dt.UTC), dt.date(2026, 3, 1)),
        (dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC), dt.date(2026, 3, 29)),  # the night clocks go forward
    ],
)
def test_italian_today(moment, expected):
    assert italian_today(moment) == expected
    with time_machine.travel(moment, tick=False):
        assert clock.today() == expected


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        italian_today(dt.datetime(2026, 3, 2, 0, 30))


@pytest.mark.django_db
@time_machine.travel(HALF_PAST_MIDNIGHT, tick=False)
def test_the_days_services_at_half_past_midnight_record_the_italian_date(settings, tmp_path):
    from recupero.imports.returns import assignment_return
    from recupero.imports.services import batch_upload

    settings.MEDIA_ROOT = tmp_path
    t = b.tenant()
    cr = b.creditor(t)
    case = b.case(t, cr, b.debtor(t))
    system = system_actor(t)
    case = case_transition(tenant=t, actor=system, case=case, target=CaseStatus.WORKING)
    case = case_transition(tenant=t, actor=system, case=case, target=CaseStatus.PAID)
    assert case.closed_on == dt.date(2026, 3, 2)
    batch = batch_upload(
        tenant=t,
        actor=system,
        creditor=cr,
        files=[("a.csv", b"riferimento pratica;importo\nR;1,00\n")],
        enqueue=False,
    )
    assert batch.received_on == dt.date(2026, 3, 2)
    other = b.case(t, cr, b.debtor(t))
    result = assignment_return(tenant=t, actor=system, assignment=other.assignment, out_dir=tmp_path)
    other.refresh_from_db()
    assert other.closed_on == dt.date(2026, 3, 2)
    assert result is not None
