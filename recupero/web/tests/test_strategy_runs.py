""" "Esegui ora": one click shows what would go out, per channel, and asks to confirm; only the confirmation runs."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from recupero.channels.models import Communication
from recupero.core.models import User
from recupero.strategies.models import StepExecution, StrategyRun
from recupero.web.backoffice.strategies import channel_counts
from tests import portfolio as b

pytestmark = pytest.mark.django_db
RUNS = reverse("backoffice:strategy_runs")
# A Monday morning in Rome: every case below is due for its first step today.
MORNING = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))


@pytest.fixture
def agency():
    t = b.tenant()
    utility = b.creditor(t, sector="utility")
    b.case(t, utility, b.debtor(t, email=True))  # e-mail reminder
    b.case(t, utility, b.debtor(t))  # first letter
    b.case(t, utility, b.debtor(t, mobile=True))  # SMS
    users = {
        role: User.objects.create_user(username=role, password="x", tenant=t, role=role)
        for role in ("supervisor", "collector")
    }
    return t, users


def _channels(html: str) -> list[str]:
    block = re.search(r'data-testid="run-confirm-channels">(.*?)</ul>', html, re.S)
    assert block is not None
    return [" ".join(re.sub(r"<[^>]+>", " ", li).split()) for li in re.findall(r"<li>(.*?)</li>", block[1])]


@time_machine.travel(MORNING, tick=False)
def test_one_click_sends_nothing_and_the_confirmation_says_what_goes_out(client, agency):
    _t, users = agency
    client.force_login(users["supervisor"])
    # The button on the page is a link to the confirmation, not a form that runs.
    page = client.get(RUNS).content.decode()
    assert 'href="?conferma=1" data-testid="run-now"' in page
    # A bare POST (the old one-click form, a replayed request) runs nothing and goes to the confirmation.
    response = client.post(RUNS)
    assert (response.status_code, response["Location"]) == (302, f"{RUNS}?conferma=1")
    assert (StrategyRun.objects.count(), StepExecution.objects.count(), Communication.objects.count()) == (
        0,
        0,
        0,
    )

    html = client.get(RUNS, {"conferma": "1"}).content.decode()
    assert "Confermi l'esecuzione di oggi, 02/03/2026?" in html
    assert "3 pratiche · 3 passi" in html
    assert _channels(html) == ["SMS: 1", "E-mail: 1", "Lettere: 1"]
    assert (StrategyRun.objects.count(), Communication.objects.count()) == (
        0,
        0,
    )  # the preview writes nothing

    response = client.post(RUNS, {"confirm": "1"}, follow=True)
    assert "Esecuzione completata: 3 passi su 3 pratiche." in response.content.decode()
    assert StrategyRun.objects.count() == 1
    assert sorted(Communication.objects.values_list("kind", flat=True)) == ["email", "letter", "sms"]


@time_machine.travel(MORNING, tick=False)
def test_a_collector_is_offered_no_run_and_cannot_confirm_one(client, agency):
    _t, users = agency
    client.force_login(users["collector"])
    html = client.get(RUNS, {"conferma": "1"}).content.decode()
    assert 'data-testid="run-now"' not in html and 'data-testid="run-confirm"' not in html
    client.post(RUNS, {"confirm": "1"})
    assert (StrategyRun.objects.count(), Communication.objects.count()) == (0, 0)


def test_channel_counts_in_the_supervisors_words():
    counts = {"post": 416, "sms": 1125, "pec": 36, "task": 0, "registered": 2, "phone": 40}
    assert channel_counts(counts) == [
        ("SMS", 1125),
        ("PEC", 36),
        ("Lettere", 416),
        ("Raccomandate A/R", 2),
        ("Telefonate in coda", 40),
    ]
