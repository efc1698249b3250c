"""The production shape of background work: TWO `recupero worker` processes consume ONE Redis queue, and every
effect still happens exactly once.

The scenario (tests/workers_scenario.py) queues letters and e-mails and enqueues every sending task twice plus
one task over all of them, so the two workers race for the same communications. E-mails go over real SMTP to a
server run by this test, which counts what it receives; letters end up in print batches. Expected: each e-mail
received once, each letter in exactly one print batch, one "sent" timeline event per communication.

Its own SQLite file and its own queue name (key prefix) in Redis; the workers are stopped by the test, and
every wait is bounded. Skipped when Redis does not answer on 127.0.0.1:6379 (CI starts it: `make services`).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECUPERO = str(Path(sys.executable).with_name("recupero"))
REDIS = "redis://127.0.0.1:6379/0"
LETTERS, EMAILS, BROKEN = 12, 18, 2  # BROKEN: letters with an unknown template, which must fail once


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis non raggiungibile su 127.0.0.1:6379")
    return client


pytestmark = pytest.mark.redis


class Inbox:
    """A loopback SMTP server (aiosmtpd) that keeps every envelope it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: list[tuple[str, ...]] = []
        self._lock = threading.Lock()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.received.append(tuple(envelope.rcpt_tos))
        return "250 OK"


def _env(tmp: Path, queue: str, smtp_port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "RECUPERO_VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "REDIS_URL": REDIS,
        "RECUPERO_QUEUE_NAME": queue,
        "RECUPERO_EMAIL_BACKEND": "smtp",
        "RECUPERO_SMTP_HOST": "127.0.0.1",
        "RECUPERO_SMTP_PORT": str(smtp_port),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_DEBUG", None)
    return env


def _run(args: list[str], env: dict[str, str], timeout: int = 300) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _status(db: Path) -> dict[str, int]:
    with sqlite3.connect(db, timeout=30) as conn:
        rows = conn.execute(
            "SELECT status, COUNT(*) FROM channels_communication WHERE step_code = 'scenario' GROUP BY status"
        ).fetchall()
    return dict(rows)


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [RECUPERO, "worker", "--workers", "2"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # Huey's graceful stop: running tasks finish
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timeout ({seconds:.0f} s): {what}")


def test_two_workers_on_one_redis_queue_send_every_communication_exactly_once(tmp_path):
    redis = _redis_or_skip()
    queue = f"recupero-test-{uuid.uuid4().hex[:12]}"
    inbox = Inbox()
    inbox.controller.start()
    env = _env(tmp_path, queue, inbox.port)
    workers: list[subprocess.Popen[bytes]] = []
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    try:
        _run([RECUPERO, "migrate", "--noinput", "-v", "0"], env)
        _run([RECUPERO, "demo", "--no-migrate", "--cases", str(LETTERS + EMAILS + 10), "-v", "0"], env)
        workers = [_start_worker(env, log) for log in logs]
        _wait(lambda: all("consumer" in log.read_text().lower() for log in logs), 60, "workers started")
        enqueued = json.loads(
            _run([sys.executable, "-m", "tests.workers_scenario", "enqueue", str(LETTERS), str(EMAILS)], env)
        )
        assert enqueued == {"tasks": 2 * (3 + 4) + 1, "communications": LETTERS + EMAILS}
        db = tmp_path / "db.sqlite3"
        done = {"sent": LETTERS + EMAILS - BROKEN, "failed": BROKEN}
        _wait(lambda: _status(db) == done, 240, f"all sent or failed ({_status(db)})")
        # The twin tasks still in the queue find nothing queued; let them finish before counting.
        _wait(lambda: redis.llen(f"huey.redis.{queue.replace('-', '')}") == 0, 60, "queue drained")
        time.sleep(3)
    finally:
        for proc in workers:
            _stop(proc)
        inbox.controller.stop()
        for key in redis.scan_iter(f"huey.*{queue.replace('-', '')}*"):
            redis.delete(key)
    report = json.loads(_run([sys.executable, "-m", "tests.workers_scenario", "report"], env))
    assert report["status"] == {"sent": LETTERS + EMAILS - BROKEN, "failed": BROKEN}, report
    assert report["errors"] == ["Modello di lettera sconosciuto: «no_such_template»."]
    # E-mails: exactly one message received per communication (each has its own address).
    recipients = [r for rcpt in inbox.received for r in rcpt]
    assert len(recipients) == EMAILS
    assert len(set(recipients)) == EMAILS
    # Letters: each in exactly one print batch, the batches hold exactly these letters, and one PDF per letter
    # is on disk (the worker that lost the race removes the copy it had rendered: debtor data left nowhere).
    sent_letters = LETTERS - BROKEN
    assert report["letters_with_batch"] == sent_letters
    assert report["letters_in_batches"] == sent_letters
    assert report["documents"] == sent_letters
    assert report["letter_files"] == sent_letters
    # One event per communication in the case timelines ("sent" or "failed"), none repeated.
    assert report["timeline_repeated"] == []
    assert report["timeline_events"] == LETTERS + EMAILS
    assert report["timeline_kinds"] == ["communication.failed", "communication.sent"]
    executed = [log.read_text().count(":Executing huey.contrib.djhuey.tasks_backend") for log in logs]
    assert sum(executed) == enqueued["tasks"], executed
    assert min(executed) >= 1, executed  # both workers took part
