"""Integration for creditors' systems, the rules shared by services and selectors: token keys and digests."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "rcp_"


def new_key() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    """SHA-256 of the key: a random 256-bit key needs no slow hash, and a lookup by digest stays one index probe."""
    return hashlib.sha256(key.encode()).hexdigest()
