"""Shared fixtures: two agencies, so every test can check that one never sees the other."""

from __future__ import annotations

from pathlib import Path

import pytest

# Django-dependent imports stay inside the fixtures, so pure tests (law, domain) also run with `-p no:django`.


@pytest.fixture
def tenant(db):
    from tests.factories import make_tenant

    return make_tenant("acme")


@pytest.fixture
def other_tenant(db):
    from tests.factories import make_tenant

    return make_tenant("other")


@pytest.fixture
def creditor(tenant):
    from tests.factories import make_creditor

    return make_creditor(tenant, "UTIL")


@pytest.fixture
def admin_user(tenant):
    from recupero.core.domain.roles import Role
    from tests.factories import make_user

    return make_user(tenant, Role.ADMIN, username="boss")


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """`client.force_login(user)` skips the login form, password included: it also skips the second step, so a
    test of a page sees the page and not the second step. The second step has its own tests (the real forms)."""
    from django.conf import settings

    if not settings.configured:  # a pure test run with `-p no:django`
        yield
        return
    from django.test import Client

    from tests.factories import otp_verify_session

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        otp_verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    yield


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _ledger_flush_switch(request):
    """Transactional tests end with a flush that deletes every row; let it through the append-only triggers of
    the ledger and of the audit log."""
    if not _is_transactional(request):
        yield
        return
    from recupero.core.maintenance import set_unlocked as audit_unlocked
    from recupero.ledger.maintenance import set_unlocked as ledger_unlocked

    # Depend on pytest-django's database helper so that this teardown runs before its flush.
    request.getfixturevalue("_django_db_helper")
    ledger_unlocked(False)
    audit_unlocked(False)
    yield
    ledger_unlocked(True, "test flush")
    audit_unlocked(True, "test flush")


# ---- tests that touch no database run once in CI ------------------------------------------------------------
# A test that asks for no database (no `django_db` marker, no fixture depending on `db`, `transactional_db` or
# `live_server`) is marked `nodb`: its outcome cannot depend on the database engine, so the PostgreSQL pass of
# `.ci/run` skips it (RECUPERO_SKIP_NODB=1) after the SQLite pass ran it. Tests starting their own processes on
# their own SQLite file (serve, settings, workers) count as database-free here: they ignore DATABASE_URL anyway.
# RECUPERO_SKIP_BROWSER=1 leaves the browser tests out (the SQLite pass: they run on PostgreSQL, as in production).
_DB_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_setup"})


def pytest_configure(config):
    config.addinivalue_line("markers", "nodb: uses no database (marked automatically; run once in CI)")
    # The translations compiled when a catalogue (.po) is newer than its .mo: a fresh checkout has no .mo (a build
    # product, `make install` writes it) and the English tests read it.
    from recupero.core.i18n import messages_compile

    messages_compile(directory=Path(__file__).resolve().parent / "locale", only_stale=True)


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the marker added here
def pytest_collection_modifyitems(config, items):
    import os

    skip = os.environ.get("RECUPERO_SKIP_NODB") == "1"
    skip_browser = os.environ.get("RECUPERO_SKIP_BROWSER") == "1"
    kept, dropped = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None or bool(
            _DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        if not uses_db:
            item.add_marker(pytest.mark.nodb)
        browser = item.get_closest_marker("browser") is not None
        (dropped if (skip and not uses_db) or (skip_browser and browser) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_sessionfinish(session, exitstatus):
    """With RECUPERO_SKIP_BROWSER=1 (the SQLite pass of .ci/run: browser tests run on PostgreSQL only), a
    `-m browser` run that selected nothing is a success, not pytest's "no tests collected" (5)."""
    import os

    if os.environ.get("RECUPERO_SKIP_BROWSER") == "1" and exitstatus == 5:
        session.exitstatus = 0
