"""The HTTP seam of webhooks: one signed POST with the standard library (no client dependency)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from recupero.reporting.domain.webhooks import signature

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Sent:
    status: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def body_of(event_id: str, kind: str, payload: dict[str, Any]) -> bytes:
    return json.dumps({"id": event_id, "type": kind, "data": payload}, sort_keys=True).encode()


def post(url: str, secret: str, event_id: str, kind: str, body: bytes) -> Sent:
    if not url.startswith(("http://", "https://")):  # the subscription checked it; never file: or ftp:
        return Sent(None, "schema non ammesso")
    stamp = int(time.time())
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310 (http(s) checked above)
        "Content-Type": "application/json",
        "User-Agent": "Recupero-Webhooks/1",
        "X-Recupero-Event": kind,
        "X-Recupero-Event-Id": event_id,
        "X-Recupero-Timestamp": str(stamp),
        "X-Recupero-Signature": signature(secret, stamp, body),
    })  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) checked above)
            return Sent(response.status, "")
    except urllib.error.HTTPError as exc:
        return Sent(exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        return Sent(None, str(exc)[:300])
