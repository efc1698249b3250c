"""The health check: 200 when the database and the queue answer, 503 naming what is down; no login, no data."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connections
from huey import RedisHuey

from recupero.core import health as health_module

pytestmark = pytest.mark.django_db

URLS = ("/salute/", "/api/health")


@pytest.mark.parametrize("url", URLS)
def test_healthy_without_login(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "queue": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("url", URLS)
def test_queue_down_is_503_naming_the_queue(client, monkeypatch, url):
    # A real Redis client on a port where nothing listens: the same failure as a Redis that went away.
    unreachable = RedisHuey("health-test", url="redis://127.0.0.1:1/0")
    monkeypatch.setattr(health_module, "queue_backend", lambda: unreachable)
    response = client.get(url)
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "queue": "down"}


@pytest.mark.parametrize("url", URLS)
def test_database_down_is_503_naming_the_database(client, monkeypatch, url):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = client.get(url)
    assert response.status_code == 503
    assert response.json() == {"database": "down", "queue": "ok"}


def test_health_shows_nothing_else_and_refuses_writes(client):
    assert client.post("/salute/").status_code == 405
    assert set(client.get("/salute/").json()) == {"database", "queue"}


def test_sqlite_queue_file_is_read(tmp_path):
    from huey import SqliteHuey

    queue = SqliteHuey("t", filename=str(tmp_path / "q.sqlite3"))
    assert health_module._queue(queue) == "ok"
    (tmp_path / "q.sqlite3").write_bytes(b"not a database" * 100)  # a damaged queue file
    assert health_module._queue(queue) == "down"


def test_me_is_the_session_user_and_needs_login(client, tenant):
    from recupero.core.domain.roles import Role
    from tests.factories import make_user

    assert client.get("/api/me").status_code == 401
    client.force_login(make_user(tenant, Role.COLLECTOR, username="mario"))
    assert client.get("/api/me").json() == {"username": "mario", "role": "collector", "tenant": "acme"}
