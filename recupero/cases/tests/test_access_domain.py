"""The personal link's pure decisions, table-driven and without a database: token, state, verdict, session."""

from __future__ import annotations

import datetime as dt

import pytest

from recupero.cases.domain.access import (
    AccessPolicy,
    LinkState,
    Verdict,
    answer_matches,
    attempt_verdict,
    attempts_left,
    link_state,
    otp_digest,
    session_alive,
    tax_code_tail,
    token_link_id,
    token_make,
    token_valid,
)

KEY = b"k" * 32
NONCE = "0123456789abcdef0123456789abcdef"
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
POLICY = AccessPolicy()


@pytest.mark.parametrize(("link_id", "prefix"), [(1, "1-"), (35, "z-"), (36, "10-"), (1_000_000, "lfls-")])
def test_token_names_the_link_in_base36_and_is_short(link_id, prefix):
    token = token_make(link_id, NONCE, KEY)
    assert token.startswith(prefix) and len(token) == len(prefix) + 12
    assert token_link_id(token) == link_id and token_valid(token, link_id, NONCE, KEY)


@pytest.mark.parametrize(
    ("mutate", "valid"),
    [
        (lambda t: t, True),
        (lambda t: t.upper(), True),  # typed from paper in capitals
        (lambda t: " " + t + " ", True),
        (lambda t: t[:-1] + ("a" if t[-1] != "a" else "b"), False),  # one character changed
        (lambda t: "2" + t[1:], False),  # another link's id with this mac
        (lambda t: t[:-1], False),  # cut short
        (lambda t: t.replace("-", ""), False),
        (lambda t: "", False),
        (lambda t: "zzzzzzzzzzzzz" + t[1:], False),  # 13 digits: beyond a bigint, refused before any query
    ],
)
def test_a_token_altered_in_any_way_is_refused(mutate, valid):
    token = mutate(token_make(1, NONCE, KEY))
    assert token_valid(token, 1, NONCE, KEY) is valid


def test_a_new_nonce_or_another_key_invalidates_every_earlier_token():
    token = token_make(7, NONCE, KEY)
    assert not token_valid(token, 7, "f" * 32, KEY)
    assert not token_valid(token, 7, NONCE, b"another site key")


@pytest.mark.parametrize(
    ("expires", "revoked", "locked", "state"),
    [
        (T0 + dt.timedelta(seconds=1), None, None, LinkState.ACTIVE),
        (T0, None, None, LinkState.EXPIRED),
        (T0 - dt.timedelta(days=1), None, None, LinkState.EXPIRED),
        (T0 + dt.timedelta(days=1), T0, None, LinkState.REVOKED),
        (T0 + dt.timedelta(days=1), None, T0, LinkState.LOCKED),
        (T0 - dt.timedelta(days=1), T0, T0, LinkState.REVOKED),  # revocation says most
    ],
)
def test_link_state(expires, revoked, locked, state):
    assert link_state(now=T0, expires_at=expires, revoked_at=revoked, locked_at=locked) == state


@pytest.mark.parametrize(
    ("state", "right", "link_failures", "address_failures", "verdict"),
    [
        (LinkState.ACTIVE, True, 0, 0, Verdict.OPEN),
        (LinkState.ACTIVE, True, 4, 19, Verdict.OPEN),
        (LinkState.ACTIVE, False, 0, 0, Verdict.WRONG),
        (LinkState.ACTIVE, False, 3, 0, Verdict.WRONG),
        (LinkState.ACTIVE, False, 4, 0, Verdict.LOCKED),  # the fifth wrong answer locks
        (LinkState.LOCKED, True, 5, 0, Verdict.LOCKED),  # locked: even the right answer
        (LinkState.ACTIVE, True, 0, 20, Verdict.THROTTLED),  # the address first: a sprayer learns nothing
        (LinkState.LOCKED, False, 5, 20, Verdict.THROTTLED),
        (LinkState.EXPIRED, True, 0, 0, Verdict.CLOSED),
        (LinkState.REVOKED, True, 0, 50, Verdict.CLOSED),
    ],
)
def test_attempt_verdict(state, right, link_failures, address_failures, verdict):
    got = attempt_verdict(
        state=state,
        right=right,
        link_failures=link_failures,
        address_failures=address_failures,
        policy=POLICY,
    )
    assert got == verdict


@pytest.mark.parametrize(("failures", "left"), [(0, 5), (1, 4), (4, 1), (5, 0), (9, 0)])
def test_attempts_left(failures, left):
    assert attempts_left(failures, POLICY) == left


@pytest.mark.parametrize(
    ("tax_code", "vat", "tail", "typed", "matches"),
    [
        ("RSSMRA85T10A562S", "", "A562S", "a562s", True),
        ("RSSMRA85T10A562S", "", "A562S", " A5 62S ", True),
        ("RSSMRA85T10A562S", "", "A562S", "A562X", False),
        ("", "02182030391", "30391", "30391", True),
        ("", "02182030391", "30391", "3039", False),
        ("RSSMRA85T10A562S", "02182030391", "A562S", "30391", False),  # the codice fiscale when both
        ("", "", "", "", False),  # neither: only a one-time code opens the link
    ],
)
def test_second_factor_is_the_tail_of_the_tax_code(tax_code, vat, tail, typed, matches):
    assert tax_code_tail(tax_code, vat) == tail
    assert answer_matches(typed, tail) is matches


def test_the_one_time_code_digest_depends_on_link_and_key():
    assert otp_digest("123456", 1, KEY) == otp_digest(" 123 456", 1, KEY)
    assert otp_digest("123456", 1, KEY) != otp_digest("123456", 2, KEY)
    assert otp_digest("123456", 1, KEY) != otp_digest("123456", 1, b"other")


@pytest.mark.parametrize(
    ("idle", "age", "alive"),
    [(0, 0, True), (599, 599, True), (600, 600, False), (10, 3599, True), (10, 3600, False)],
)
def test_session_ends_when_idle_or_old(idle, age, alive):
    now = T0 + dt.timedelta(seconds=age)
    got = session_alive(started=T0, last_seen=now - dt.timedelta(seconds=idle), now=now, policy=POLICY)
    assert got is alive
