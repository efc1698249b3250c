"""Settings that are safe by default: DEBUG off, no public secret key, and production passing `check --deploy`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.secrets import secret_key

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"  # 56 characters, 36 distinct


def recupero(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RECUPERO_"))}
    clean.update(
        {"RECUPERO_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", **env}
    )
    return subprocess.run(
        [sys.executable, "-m", "recupero.cli", *args], cwd=ROOT, env=clean, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    done = recupero(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="config.settings.production", DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS="recupero.example.it",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_production_behind_a_proxy_that_redirects_silences_only_that_check(tmp_path):
    done = recupero(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="config.settings.production", DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_BEHIND_PROXY="1", DJANGO_SECURE_SSL_REDIRECT="0",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues (1 silenced)." in done.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    done = recupero("check", tmp_path=tmp_path, DJANGO_SETTINGS_MODULE="config.settings.production")
    assert done.returncode != 0 and "DJANGO_SECRET_KEY è obbligatoria" in done.stderr


def test_default_settings_have_debug_off_and_refuse_the_published_key(tmp_path):
    refused = recupero("check", tmp_path=tmp_path, DJANGO_SECRET_KEY="dev-only-insecure-key-change-me")
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "chiave di sviluppo pubblicata" in refused.stderr
    # With DEBUG asked for (a development machine), the same key is tolerated.
    debug = recupero(
        "check", tmp_path=tmp_path, DJANGO_SECRET_KEY="dev-only-insecure-key-change-me", DJANGO_DEBUG="1"
    )
    assert debug.returncode == 0, debug.stderr
    shown = recupero("diffsettings", "--all", tmp_path=tmp_path)
    assert "DEBUG = False" in shown.stdout


def test_without_a_variable_the_key_is_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    first = secret_key(tmp_path, debug=False)
    assert len(first) >= 50
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(tmp_path, debug=False) == first  # the same key on every start: sessions survive
    monkeypatch.setenv("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
    with pytest.raises(ImproperlyConfigured):
        secret_key(tmp_path, debug=False)


def test_otp_code_command_works_only_with_debug(tmp_path, settings, db):
    from django.core.management import CommandError, call_command

    from recupero.core.accounts import otp_current_code, otp_device_of
    from recupero.core.domain.roles import Role
    from tests.factories import make_tenant, make_user, otp_verify_session

    user = make_user(make_tenant("acme"), Role.ADMIN, username="capo")
    from django.test import Client

    otp_verify_session(Client(), user)  # gives the admin an authenticator
    settings.DEBUG = False
    with pytest.raises(CommandError, match="solo con DEBUG attivo"):
        call_command("otp-code", "capo")
    settings.DEBUG = True
    from io import StringIO

    out = StringIO()
    call_command("otp-code", "capo", stdout=out)
    assert out.getvalue().strip() == otp_current_code(otp_device_of(user))
