"""The case page, the JSON API of the command line and the statement rows give the same figures (issue 3)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from recupero.core.permissions import system_actor
from recupero.law.cli import main as law_cli
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.position import case_position
from recupero.ledger.services import Line, entry_post
from tests.factories import make_company_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("commercial", "regime", "payment"),
    [(True, "commercial", None), (True, "commercial", ("2023-07-01", "2000.00")), (False, "legal", None)],
)
def test_case_position_matches_the_command_line(tenant, creditor, capsys, commercial, regime, payment):
    case = make_company_case(
        tenant,
        creditor,
        issued=dt.date(2023, 2, 1),
        contract=dt.date(2021, 5, 1),
        commercial=commercial,
        vat="02182030391",
        reference="X-1",
    )
    argv = [
        "interest",
        "--amount",
        "10000.00",
        "--due",
        "2023-03-15",
        "--until",
        "2024-02-10",
        "--regime",
        regime,
        "--contract-date",
        "2021-05-01",
        "--json",
    ]
    if payment:
        entry_post(
            tenant=tenant,
            actor=system_actor(tenant),
            case=case,
            kind=EntryKind.PAYMENT,
            posted_on=dt.date.fromisoformat(payment[0]),
            lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, Decimal(payment[1]))],
        )
        argv += ["--payment", f"{payment[0]}:{payment[1]}"]
    if not commercial:
        argv += ["--no-flat-compensation"]
    assert law_cli(argv) == 0
    cli = json.loads(capsys.readouterr().out)
    pos = case_position(case=case, today=dt.date(2024, 2, 10))
    assert str(pos.total_due) == cli["total_due"]
    assert str(pos.principal) == cli["principal_outstanding"]
    assert str(pos.flat_compensation) == cli["flat_outstanding"]
    assert [(r["dal"], r["giorni"]) for r in pos.claims[0].rows] == [
        (dt.date.fromisoformat(s["from"]).strftime("%d/%m/%Y"), s["days"]) for s in cli["segments"]
    ]
