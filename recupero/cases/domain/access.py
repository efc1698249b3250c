"""The debtor's personal link (collegamento personale): pure decisions, no Django.

A letter, e-mail or SMS carries `/d/<token>/`. The token is short enough for an SMS and cannot be guessed or
altered: the link's id in base 36, a dash, and 12 characters of an HMAC-SHA256 over the id and the link's random
nonce under the site's secret. Reissuing a link draws a new nonce, so every earlier token stops working even
before the old link is revoked. Opening a valid token is not yet access: the debtor proves a second factor (the
last characters of their codice fiscale / partita IVA, or a one-time code sent to a verified phone or e-mail),
with failures counted per link (locked after `max_link_failures`) and per client address (throttled after
`max_address_failures` within `address_window`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

TOKEN_MAC_CHARS = 12
TAX_CODE_TAIL = 5  # the last 5 characters of the codice fiscale (16) or of the partita IVA (11 digits)
OTP_DIGITS = 6
# at most 12 base-36 digits: 36**12 < 2**63, so a typed id never overflows the database's bigint
_TOKEN = re.compile(rf"^([0-9a-z]{{1,12}})-([a-z2-7]{{{TOKEN_MAC_CHARS}}})$")


class LinkState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    LOCKED = "locked"


class Verdict(StrEnum):
    """What an attempt at the second factor leads to."""

    OPEN = "open"  # right answer: the debtor's session starts
    WRONG = "wrong"  # wrong answer, attempts left
    LOCKED = "locked"  # this wrong answer (or an earlier one) locked the link: only the agency reopens it
    THROTTLED = "throttled"  # too many failures from this client address: refused without checking the answer
    CLOSED = "closed"  # the link is expired or revoked


@dataclass(frozen=True)
class AccessPolicy:
    max_link_failures: int = 5
    max_address_failures: int = 20
    address_window: dt.timedelta = dt.timedelta(hours=1)
    link_days: int = 180  # how long a link printed on a letter stays valid
    otp_minutes: int = 10  # how long a one-time code stays valid
    idle_seconds: int = 600  # the debtor's session ends after this much inactivity
    max_session_seconds: int = 3600  # …and in any case this long after the check


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _mac(link_id: int, nonce: str, key: bytes) -> str:
    digest = hmac.new(key, f"debtor-access:{link_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:TOKEN_MAC_CHARS]


def token_make(link_id: int, nonce: str, key: bytes) -> str:
    if link_id <= 0 or not nonce:
        raise ValueError("a token needs a saved link and its nonce")
    return f"{_base36(link_id)}-{_mac(link_id, nonce, key)}"


def token_link_id(token: str) -> int | None:
    """The link id a token names, or None when it is not even shaped like one (checked before any query)."""
    match = _TOKEN.match(token.strip().lower())
    return int(match.group(1), 36) if match else None


def token_valid(token: str, link_id: int, nonce: str, key: bytes) -> bool:
    match = _TOKEN.match(token.strip().lower())
    if not match or int(match.group(1), 36) != link_id or not nonce:
        return False
    return hmac.compare_digest(match.group(2), _mac(link_id, nonce, key))


def new_nonce() -> str:
    return secrets.token_hex(16)


def link_state(
    *,
    now: dt.datetime,
    expires_at: dt.datetime,
    revoked_at: dt.datetime | None,
    locked_at: dt.datetime | None,
) -> LinkState:
    if revoked_at is not None:
        return LinkState.REVOKED
    if locked_at is not None:
        return LinkState.LOCKED
    if now >= expires_at:
        return LinkState.EXPIRED
    return LinkState.ACTIVE


def normalise_answer(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text or "").upper()


def tax_code_tail(tax_code: str, vat_number: str) -> str:
    """The characters a debtor types to prove who they are: the tail of the codice fiscale, else of the
    partita IVA ("" when the debtor has neither: only a one-time code opens their link)."""
    code = normalise_answer(tax_code) or normalise_answer(vat_number)
    return code[-TAX_CODE_TAIL:] if len(code) >= TAX_CODE_TAIL else ""


def answer_matches(given: str, expected: str) -> bool:
    if not expected:
        return False
    return hmac.compare_digest(normalise_answer(given).encode(), expected.encode())


def attempt_verdict(
    *,
    state: LinkState,
    right: bool,
    link_failures: int,
    address_failures: int,
    policy: AccessPolicy,
) -> Verdict:
    """The verdict of one attempt, given the failures counted *before* it. The address is throttled first (a
    guesser spraying many links must not learn which answer was right), then the link's own state decides."""
    if state in (LinkState.EXPIRED, LinkState.REVOKED):
        return Verdict.CLOSED
    if address_failures >= policy.max_address_failures:
        return Verdict.THROTTLED
    if state == LinkState.LOCKED:
        return Verdict.LOCKED
    if right:
        return Verdict.OPEN
    if link_failures + 1 >= policy.max_link_failures:
        return Verdict.LOCKED
    return Verdict.WRONG


def attempts_left(link_failures: int, policy: AccessPolicy) -> int:
    return max(0, policy.max_link_failures - link_failures)


def otp_new() -> str:
    return f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"


def otp_digest(code: str, link_id: int, key: bytes) -> str:
    """What the database keeps of a one-time code (never the code itself)."""
    return hmac.new(
        key, f"debtor-otp:{link_id}:{normalise_answer(code)}".encode(), hashlib.sha256
    ).hexdigest()


def session_alive(
    *, started: dt.datetime, last_seen: dt.datetime, now: dt.datetime, policy: AccessPolicy
) -> bool:
    return (now - last_seen).total_seconds() < policy.idle_seconds and (
        now - started
    ).total_seconds() < policy.max_session_seconds
