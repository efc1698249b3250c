"""`recupero law rates add|list` reach the database; `recupero law interest` then computes through the new
period when a database is configured, and stays database-free when none is."""

import json

import pytest

from recupero import cli
from recupero.core.models import AuditLog
from recupero.ledger.models import InterestRate

pytestmark = pytest.mark.django_db
GU = "Comunicato MEF in Gazzetta Ufficiale, GU n.160 del 12/7/2026"
INTEREST = [
    "law",
    "interest",
    "--amount",
    "1000.00",
    "--due",
    "2026-05-15",
    "--until",
    "2026-08-10",
    "--json",
]
ADD = ["law", "rates", "add", "--kind", "ecb", "--from", "2026-07-01", "--rate", "2,00", "--source", GU]


@pytest.fixture
def with_database(monkeypatch):
    monkeypatch.setattr(cli, "database_configured", lambda: True)


def test_rates_add_then_interest_computes_through_the_new_half_year(capsys, with_database, tenant):
    assert cli.main(INTEREST) == 2
    assert "errore [law.rate_missing]" in capsys.readouterr().err
    assert cli.main([*ADD, "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert added == {
        "kind": "ecb",
        "from": "2026-07-01",
        "to": "2026-12-31",
        "rate": "2.00",
        "source": GU,
        "added_by": None,
    }
    assert AuditLog.objects.filter(tenant=tenant, action="law.rate_add", actor=None).count() == 1
    assert cli.main(INTEREST) == 0
    data = json.loads(capsys.readouterr().out)
    # 46 d at 10.15% + 41 d at 10.00% on 1000.00 = 24.02 (see recupero/law/tests/test_rate_tables.py)
    assert (data["interest"], data["total_due"], data["rates"]["origin"], data["rates"]["ecb_until"]) == (
        "24.02",
        "1064.02",
        "database",
        "2026-12-31",
    )


def test_interest_without_a_database_uses_the_bundled_files(capsys, monkeypatch):
    monkeypatch.setattr(cli, "database_configured", lambda: False)
    InterestRate.objects.create(
        kind="ecb", valid_from="2026-07-01", valid_to="2026-12-31", rate="2.00", source=GU
    )
    assert cli.main(INTEREST) == 2  # the database row is not read: no database is configured
    assert "law.rate_missing" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--kind", "ecb", "--from", "2026-07-02", "--rate", "2", "--source", GU], "law.rate_bad_start"),
        (["--kind", "ecb", "--from", "2026-01-01", "--rate", "2", "--source", GU], "law.rate_duplicate"),
        (["--kind", "ecb", "--from", "2026-07-01", "--rate", "2,1234", "--source", GU], "law.bad_rate"),
        (["--kind", "legal", "--from", "01/01/2027", "--rate", "2", "--source", GU], "law.bad_date"),
        (
            ["--kind", "ecb", "--from", "2026-07-01", "--rate", "2", "--source", GU, "--user", "nobody"],
            "auth.not_found",
        ),
    ],
)
def test_rates_add_refuses_with_a_stable_code(capsys, tenant, argv, code):
    before = InterestRate.objects.count()
    with pytest.raises(SystemExit) as stop:
        cli.main(["law", "rates", "add", *argv])
    assert stop.value.code == 2
    assert f"errore [{code}]" in capsys.readouterr().err
    assert InterestRate.objects.count() == before


def test_rates_add_as_a_named_administrator(capsys, admin_user, other_tenant):
    assert cli.main([*ADD, "--user", admin_user.username]) == 0
    assert capsys.readouterr().out.startswith(
        "Tasso di riferimento BCE del 2º semestre 2026 (01/07/2026–31/12/2026): 2,00%"
    )
    row = InterestRate.objects.get(valid_from="2026-07-01")
    assert row.created_by == admin_user
    logs = AuditLog.objects.filter(action="law.rate_add").order_by("tenant_id")
    assert [(log.tenant_id, log.actor_id) for log in logs] == [
        (admin_user.tenant_id, admin_user.pk),
        (other_tenant.pk, None),
    ]


def test_rates_list_json(capsys, tenant):
    assert cli.main(["law", "rates", "list", "--kind", "legal", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert (len(rows), rows[0]["from"], rows[0]["rate"], rows[-1]["from"]) == (
        17,
        "2026-01-01",
        "1.60",
        "2010-01-01",
    )
