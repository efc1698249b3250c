"""E-mail throughput of the SMTP provider (`recupero.channels.providers.smtp`) to a local aiosmtpd server,
against raw smtplib sends of the same messages (pre-built bytes, one connection) in the same run.

    .venv/bin/python benchmarks/email.py [--messages 5000] [--chunk 500]

The provider builds each EmailMessage (headers, Message-ID, body) and opens one connection per chunk of 500
(one sending task). The LAST line is one JSON object with the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and "email.py" would shadow the standard library.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import smtplib  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402

from aiosmtpd.controller import Controller  # noqa: E402

from recupero.channels.providers.base import Message  # noqa: E402
from recupero.channels.providers.smtp import SmtpProvider  # noqa: E402


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def messages(n: int) -> list[Message]:
    return [
        Message(
            "email",
            f"debitore{i}@example.it",
            f"Gentile cliente,\n\nrisulta da saldare l'importo di {i % 997},50 € (pratica P{i:08d}).\n"
            "Può pagare con bonifico sull'IBAN IT60X0542811101000000123456, causale la pratica.\n",
            f"Promemoria di pagamento – pratica P{i:08d}",
            f"k{i}",
        )
        for i in range(n)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--chunk", type=int, default=500)
    args = parser.parse_args()
    sink = Counter()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        msgs = messages(args.messages)
        provider = SmtpProvider(host="127.0.0.1", port=port, sender="avvisi@agenzia.example.it")
        started = time.perf_counter()
        ok = 0
        for i in range(0, len(msgs), args.chunk):
            ok += sum(r.ok for r in provider.send_many(msgs[i : i + args.chunk]))
        ours = time.perf_counter() - started
        raw = [(m.to, provider.build(m).as_bytes()) for m in msgs]  # built outside the timing: the floor
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as client:
            for to, data in raw:
                client.sendmail("avvisi@agenzia.example.it", [to], data)
        floor = time.perf_counter() - started
    finally:
        controller.stop()
    figures = {
        "benchmark": "email_smtp",
        "messages": args.messages,
        "delivered": sink.count,
        "ok": ok,
        "provider_per_second": round(args.messages / ours),
        "smtplib_per_second": round(args.messages / floor),
        "provider_over_smtplib_time": round(ours / floor, 2),
    }
    print(
        f"provider: {figures['provider_per_second']:,} msg/s   raw smtplib: {figures['smtplib_per_second']:,} msg/s"
        f"   time ratio {figures['provider_over_smtplib_time']}"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
