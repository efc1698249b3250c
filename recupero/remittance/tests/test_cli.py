"""`recupero remittance build`: the preview writes nothing, --issue locks and lists the files, a refusal exits 2."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recupero.remittance.models import Remittance
from recupero.remittance.tests.world import pay, ready
from tests.factories import TAX_CODES, make_case, make_creditor, make_debtor

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict:
    out = io.StringIO()
    call_command("remittance", "build", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_preview_then_issue(tenant, creditor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ready(tenant, creditor)
    case = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("500.00",))
    pay(case, dt.date(2026, 3, 5), "120.00", "3.45")
    preview = _run("--creditor", creditor.code, "--until", "31/03/2026")
    # 15 % of 123.45 = 18.5175 → 18.52; VAT 4.0744 → 4.07; net 123.45 - 18.52 - 4.07 = 100.86
    assert {k: preview[k] for k in ("payments", "collected", "commission", "vat", "net", "files")} == {
        "payments": 1, "collected": "123.45", "commission": "18.52", "vat": "4.07", "net": "100.86", "files": [],
    }  # fmt: skip
    assert Remittance.objects.count() == 0
    issued = _run("--creditor", creditor.code, "--until", "2026-03-31", "--issue")
    assert issued["issued"] is True and issued["net"] == "100.86" and len(issued["files"]) == 4
    assert all(Path(f).exists() for f in issued["files"])
    again = _run("--creditor", creditor.code, "--until", "2026-03-31", "--issue")
    assert again["issued"] is False and again["payments"] == 0


def test_a_refusal_exits_2_with_code_and_message(tenant):
    creditor = make_creditor(tenant, "NOPLAN")
    case = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("50.00",))
    pay(case, dt.date(2026, 3, 5), "10.00")
    out = io.StringIO()
    with pytest.raises(CommandError) as err:
        call_command(
            "remittance", "build", "--creditor", "NOPLAN", "--until", "2026-03-31", "--json", stdout=out
        )
    assert err.value.returncode == 2
    assert json.loads(out.getvalue())["code"] == "remittance.no_mandate"
    with pytest.raises(CommandError) as err:
        call_command(
            "remittance", "build", "--creditor", "NOPLAN", "--until", "31-03-2026", "--json", stdout=out
        )
    assert err.value.returncode == 2
