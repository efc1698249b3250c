"""`recupero serve` really serves: gunicorn starts, the health check answers and static files come from
STATIC_ROOT with DEBUG off (collected on the first start, not again on the second)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

RECUPERO = str(Path(sys.executable).with_name("recupero"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _serve(var: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "RECUPERO_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [RECUPERO, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stdout.read() if proc.stdout else "serve exited")
        try:
            _get(f"http://127.0.0.1:{port}/salute/")
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise AssertionError("serve did not answer within 60 s")
    return proc, f"http://127.0.0.1:{port}"


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def test_serve_runs_gunicorn_with_health_and_static_files(tmp_path):
    proc, base = _serve(tmp_path, _free_port())
    try:
        status, body = _get(base + "/salute/")
        assert (status, body) == (200, b'{"database": "ok", "queue": "ok"}')
        status, css = _get(base + "/static/web/app.css")
        assert status == 200
        assert css == (Path(__file__).parents[1] / "recupero/web/static/web/app.css").read_bytes()
        assert _get(base + "/pratiche/1/")[0] == 200  # the login page after the redirect: the app, not a 404
    finally:
        out = _stop(proc)
    assert "File statici raccolti" in out
    assert "Using worker: gthread" in out
    assert (tmp_path / "static" / "web" / "app.css").exists()
    proc, base = _serve(tmp_path, _free_port())  # second start: sources unchanged, nothing collected
    try:
        assert _get(base + "/static/web/app.css")[0] == 200
    finally:
        out = _stop(proc)
    assert "File statici raccolti" not in out


def test_serve_refuses_a_bad_option(tmp_path):
    env = {**os.environ, "RECUPERO_VAR_DIR": str(tmp_path), "RECUPERO_WEB_WORKERS": "tanti"}
    done = subprocess.run([RECUPERO, "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "RECUPERO_WEB_WORKERS deve essere un numero intero, non «tanti»." in done.stderr
