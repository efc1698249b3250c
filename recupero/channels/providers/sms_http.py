"""SMS through an HTTP gateway: POST JSON {to, text, sender, reference} with a bearer token; the gateway answers
{id, status}. Delivery reports come back later (`services.sms_dlr_record`)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from recupero.channels.providers.base import Message, ProviderResult


class HttpSmsProvider:
    name = "sms_http"

    def __init__(
        self,
        *,
        url: str,
        token: str = "",
        sender: str = "Recupero",
        timeout: float = 15.0,
        **_ignored: object,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("SMS gateway URL must be http(s)")
        self.url, self.token, self.sender, self.timeout = url, token, sender, timeout

    def send(self, message: Message) -> ProviderResult:
        body = json.dumps(
            {"to": message.to, "text": message.body, "sender": self.sender, "reference": message.reference}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (checked scheme)
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return ProviderResult(
                False, error=f"gateway {exc.code}: {exc.read()[:200]!r}", provider=self.name
            )
        except (OSError, ValueError) as exc:
            return ProviderResult(False, error=f"gateway: {exc}"[:300], provider=self.name)
        status = "accepted" if answer.get("status") in ("accepted", "queued") else "sent"
        return ProviderResult(True, str(answer.get("id", "")), status, provider=self.name)
