"""The statement reader's output, frozen field by field: every bank sample, the writer's file, a CBI statement,
a batch booking split into its credits, a zip of two files, and the files it refuses.

The expected values were produced by the reader before it was rewritten for speed (issue 13: 100k credits read
in a few times the bare parse) and must never change with it: a digest of each file's whole output (every
field of every statement and line) and, spelled out, the fields of a few representative lines.
No database: plain functions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path

import pytest

from recupero.core.errors import DomainError
from recupero.imports.domain.camt import read_statements
from recupero.payments.domain.camt_write import camt053
from recupero.payments.domain.statements import EntryData

SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples" / "camt"
DAY = dt.date(2025, 2, 10)
AGENCY = "IT60X0542811101000000123456"


def _sample(name: str) -> Callable[[], bytes]:
    return lambda: (SAMPLES / name).read_bytes()


def _written() -> bytes:
    def line(
        ref: str, amount: str, text: str = "", rf: str = "", name: str = "", iban: str = ""
    ) -> EntryData:
        return EntryData(ref, D(amount), True, DAY, DAY, text, rf, "", name, iban)

    lines = [
        line("R1", "120.50", "saldo pratica P00012344", name="ROSSI MARIO"),
        line("R2", "80.00", rf="RF18539007547034", name="Anna Bianchi"),
        line("R3", "50.00", "bonifico", name="Verdi Luca", iban="IT02L1234512345123456789012"),
        EntryData("D1", D("5.00"), False, DAY, None, "addebito", status="PDNG"),
        line("", "3.00", "senza riferimento", name="Nessuno"),
    ]
    return camt053(iban=AGENCY, entries=lines, opening=D("1000.00"), statement_id="S1")


def _cbi() -> bytes:
    body = camt053(iban=AGENCY, entries=[EntryData("C1", D("12.00"), True, DAY, DAY, "pratica P00012344")])
    text = body.decode().replace(
        "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08", "urn:CBI:xsd:CBIBkToCstmrStmtReqLogMsg.00.01.02"
    )
    wrapped = text.replace("<BkToCstmrStmt>", "<CBIDlyStmtReqLogMsg><BkToCstmrStmt>")
    return wrapped.replace("</BkToCstmrStmt>", "</BkToCstmrStmt></CBIDlyStmtReqLogMsg>").encode()


_TX = (
    "<TxDtls><Refs>{refs}<EndToEndId>{e2e}</EndToEndId></Refs><Amt Ccy='EUR'>{amount}</Amt>"
    "<RltdPties><Dbtr><Nm> {name} </Nm></Dbtr><DbtrAcct><Id><IBAN>it02 l123 4512 3451 2345 6789 012</IBAN>"
    "</Id></DbtrAcct></RltdPties><RmtInf><Ustrd>RATA</Ustrd><Ustrd> {text} </Ustrd><Strd><CdtrRefInf>"
    "<Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"
)


def _batch() -> bytes:
    """A camt.053.001.02 by hand: a batch booking of two credits, a pending line without any reference, a
    debit opening balance, an account known by another id than its IBAN."""
    txs = _TX.format(refs="<TxId>TX-1</TxId>", e2e="E2E-1", amount="10.00", name="Rossi", text="P1")
    txs += _TX.format(refs="", e2e="NOTPROVIDED", amount="20", name="Bianchi", text="P2")
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'><BkToCstmrStmt>"
        "<GrpHdr><MsgId>M-1</MsgId></GrpHdr><Stmt><Id> ST-9 </Id>"
        "<Acct><Id><Othr><Id>conto 42</Id></Othr></Id></Acct>"
        "<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy='CHF'>7.5</Amt>"
        "<CdtDbtInd>DBIT</CdtDbtInd></Bal>"
        "<Ntry><NtryRef>NR-1</NtryRef><Amt Ccy='CHF'>30</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><DtTm>2025-03-01T10:00:00</DtTm></BookgDt><NtryDtls>{txs}</NtryDtls></Ntry>"
        "<Ntry><Amt Ccy='CHF'>4.1</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>pdng</Sts>"
        "<ValDt><Dt>2025-03-02</Dt></ValDt></Ntry>"
        "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", (SAMPLES / "camt053.v4.xml").read_bytes())
        archive.writestr("leggimi.txt", "non un estratto")
        archive.writestr("b.XML", (SAMPLES / "camt054.v4.xml").read_bytes())
    return buffer.getvalue()


FILES: dict[str, Callable[[], bytes]] = {
    "camt053.v2.minimal.ultimate.xml": _sample("camt053.v2.minimal.ultimate.xml"),
    "camt053.v2.wrong.xml": _sample("camt053.v2.wrong.xml"),
    "camt053.v4.xml": _sample("camt053.v4.xml"),
    "camt053.v8.xml": _sample("camt053.v8.xml"),
    "camt054.v4.xml": _sample("camt054.v4.xml"),
    "written": _written,
    "cbi": _cbi,
    "batch": _batch,
    "zip": _zip,
    "hostile": lambda: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Document>&a;</Document>',
    "unknown version": lambda: _written().replace(b"camt.053.001.08", b"camt.053.001.09"),
    "not a statement": lambda: b'<Document xmlns="urn:example:other"><Nothing/></Document>',
}


def _digest(statements: list) -> str:
    return hashlib.sha256(repr([dataclasses.asdict(s) for s in statements]).encode()).hexdigest()[:16]


def _read(name: str) -> list:
    return read_statements(FILES[name](), name)


# file -> the refused file's code, or each statement's header and the digest of the whole output
EXPECTED: dict[str, object] = {
    "camt053.v2.minimal.ultimate.xml": (
        [
            (
                "camt.053",
                "001.02",
                "CAMT053RIB000000000001",
                "253EURNL26VAYB8060476890",
                "NL26VAYB8060476890",
                "EUR",
                D("18.15"),
                D("-27.00"),
                1,
                "camt053.v2.minimal.ultimate.xml",
            )
        ],
        "84b09683cf97355c",
    ),
    "camt053.v2.wrong.xml": ("payments.statement_empty", {}),
    "camt053.v4.xml": (
        [
            (
                "camt.053",
                "001.04",
                "CAMT053RIB000000000001",
                "253EURNL26VAYB8060476890",
                "NL26VAYB8060476890",
                "EUR",
                D("18.15"),
                D("-27.00"),
                1,
                "camt053.v4.xml",
            )
        ],
        "36d363c5ffa87f5d",
    ),
    "camt053.v8.xml": (
        [
            (
                "camt.053",
                "001.08",
                "CAMT053RIB000000000001",
                "253EURNL26VAYB8060476890",
                "NL26VAYB8060476890",
                "EUR",
                D("18.15"),
                D("-27.00"),
                1,
                "camt053.v8.xml",
            )
        ],
        "5eb1e97a00b9a7ea",
    ),
    "camt054.v4.xml": (
        [
            (
                "camt.054",
                "001.04",
                "AAAASESS-FP-ACCR001",
                "AAAASESS-FP-ACCR001",
                "CH2801234000123456789",
                "EUR",
                None,
                None,
                1,
                "camt054.v4.xml",
            )
        ],
        "e41233c1b7150430",
    ),
    "written": (
        [
            (
                "camt.053",
                "001.08",
                "S1",
                "S1",
                "IT60X0542811101000000123456",
                "EUR",
                D("1000.00"),
                D("1248.50"),
                5,
                "written",
            )
        ],
        "70bfe6e0aa8dc7fa",
    ),
    "cbi": (
        [
            (
                "cbi",
                "01.02",
                "STMT-1",
                "STMT-1",
                "IT60X0542811101000000123456",
                "EUR",
                D("0.00"),
                D("12.00"),
                1,
                "cbi",
            )
        ],
        "b097d6365b09c4c0",
    ),
    "batch": (
        [("camt.053", "001.02", "M-1", "ST-9", "CONTO42", "CHF", D("-7.50"), None, 3, "batch")],
        "b60cae46db2ca178",
    ),
    "zip": (
        [
            (
                "camt.053",
                "001.04",
                "CAMT053RIB000000000001",
                "253EURNL26VAYB8060476890",
                "NL26VAYB8060476890",
                "EUR",
                D("18.15"),
                D("-27.00"),
                1,
                "a.xml",
            ),
            (
                "camt.054",
                "001.04",
                "AAAASESS-FP-ACCR001",
                "AAAASESS-FP-ACCR001",
                "CH2801234000123456789",
                "EUR",
                None,
                None,
                1,
                "b.XML",
            ),
        ],
        "9e84790a027b7563",
    ),
    "hostile": ("import.xml_hostile", {}),
    "unknown version": ("payments.statement_unknown", {"detail": "camt.053.001.09"}),
    "not a statement": ("payments.statement_unknown", {"detail": "urn:example:other"}),
}

# (file, statement, line) -> every field of that line
LINES: dict[tuple[str, int, int], EntryData] = {
    ("camt053.v8.xml", 0, 0): EntryData(
        reference="AAAASESS-FP-CN_98765/01",
        amount=D("8.85"),
        credit=True,
        booking_date=dt.date(2014, 12, 31),
        value_date=dt.date(2015, 1, 2),
        remittance="",
        structured="4654654654654654",
        end_to_end="MUELL/FINP/RA12345",
        payer_name="NAME NAME",
        payer_iban="NL56AGDH9619008421",
        status="BOOK",
    ),
    ("camt053.v4.xml", 0, 0): EntryData(
        reference="AAAASESS-FP-CN_98765/01",
        amount=D("8.85"),
        credit=True,
        booking_date=dt.date(2014, 12, 31),
        value_date=dt.date(2015, 1, 2),
        remittance="",
        structured="4654654654654654",
        end_to_end="",
        payer_name="NAME NAME",
        payer_iban="NL56AGDH9619008421",
        status="BOOK",
    ),
    ("camt053.v2.minimal.ultimate.xml", 0, 0): EntryData(
        reference="H8c0784be90d869e9cc76c0a7673436af8aa44b3",
        amount=D("8.85"),
        credit=True,
        booking_date=dt.date(2014, 12, 31),
        value_date=dt.date(2015, 1, 2),
        remittance="",
        structured="4654654654654654",
        end_to_end="",
        payer_name="",
        payer_iban="",
        status="BOOK",
    ),
    ("camt054.v4.xml", 0, 0): EntryData(
        reference="ACSR160617103200001",
        amount=D("200000.00"),
        credit=False,
        booking_date=dt.date(2007, 10, 18),
        value_date=dt.date(2007, 10, 18),
        remittance="Unstructured Remittance Information V1",
        structured="ISR ref number V1",
        end_to_end="UXC06170000006PI00001EE00001",
        payer_name="UNIFITS GmbH",
        payer_iban="CH2801234000123456789",
        status="BOOK",
    ),
    ("written", 0, 0): EntryData(
        reference="R1",
        amount=D("120.50"),
        credit=True,
        booking_date=dt.date(2025, 2, 10),
        value_date=dt.date(2025, 2, 10),
        remittance="saldo pratica P00012344",
        structured="",
        end_to_end="",
        payer_name="ROSSI MARIO",
        payer_iban="",
        status="BOOK",
    ),
    ("written", 0, 3): EntryData(
        reference="D1",
        amount=D("5.00"),
        credit=False,
        booking_date=dt.date(2025, 2, 10),
        value_date=dt.date(2025, 2, 10),
        remittance="addebito",
        structured="",
        end_to_end="",
        payer_name="",
        payer_iban="",
        status="PDNG",
    ),
    ("written", 0, 4): EntryData(
        reference="Hd3a205e0423f2ce6e0b3d71623fda78aed2c15b",
        amount=D("3.00"),
        credit=True,
        booking_date=dt.date(2025, 2, 10),
        value_date=dt.date(2025, 2, 10),
        remittance="senza riferimento",
        structured="",
        end_to_end="",
        payer_name="Nessuno",
        payer_iban="",
        status="BOOK",
    ),
    ("cbi", 0, 0): EntryData(
        reference="C1",
        amount=D("12.00"),
        credit=True,
        booking_date=dt.date(2025, 2, 10),
        value_date=dt.date(2025, 2, 10),
        remittance="pratica P00012344",
        structured="",
        end_to_end="",
        payer_name="",
        payer_iban="",
        status="BOOK",
    ),
    ("batch", 0, 0): EntryData(
        reference="NR-1/TX-1",
        amount=D("10.00"),
        credit=True,
        booking_date=dt.date(2025, 3, 1),
        value_date=dt.date(2025, 3, 1),
        remittance="RATA P1",
        structured="RF18539007547034",
        end_to_end="E2E-1",
        payer_name="Rossi",
        payer_iban="IT02L1234512345123456789012",
        status="BOOK",
    ),
    ("batch", 0, 1): EntryData(
        reference="NR-1/2",
        amount=D("20.00"),
        credit=True,
        booking_date=dt.date(2025, 3, 1),
        value_date=dt.date(2025, 3, 1),
        remittance="RATA P2",
        structured="RF18539007547034",
        end_to_end="",
        payer_name="Bianchi",
        payer_iban="IT02L1234512345123456789012",
        status="BOOK",
    ),
    ("batch", 0, 2): EntryData(
        reference="H2805c847b78a817e6d91bfe5543e7839e99ba6d",
        amount=D("4.10"),
        credit=True,
        booking_date=None,
        value_date=dt.date(2025, 3, 2),
        remittance="",
        structured="",
        end_to_end="",
        payer_name="",
        payer_iban="",
        status="PDNG",
    ),
    ("zip", 1, 0): EntryData(
        reference="ACSR160617103200001",
        amount=D("200000.00"),
        credit=False,
        booking_date=dt.date(2007, 10, 18),
        value_date=dt.date(2007, 10, 18),
        remittance="Unstructured Remittance Information V1",
        structured="ISR ref number V1",
        end_to_end="UXC06170000006PI00001EE00001",
        payer_name="UNIFITS GmbH",
        payer_iban="CH2801234000123456789",
        status="BOOK",
    ),
}


@pytest.mark.parametrize("name", list(FILES))
def test_every_file_reads_as_before_or_is_refused_with_the_same_code(name):
    try:
        statements = _read(name)
    except DomainError as exc:
        assert (exc.code, exc.params) == EXPECTED[name]
        return
    headers = [
        (*(s.kind, s.version, s.message_id, s.statement_id, s.account_iban, s.currency, s.opening, s.closing),
         len(s.entries), s.file_name)
        for s in statements
    ]  # fmt: skip
    assert (headers, _digest(statements)) == EXPECTED[name]


@pytest.mark.parametrize("key", list(LINES), ids=lambda key: f"{key[0]}[{key[1]}][{key[2]}]")
def test_representative_lines_keep_every_field(key):
    name, statement, line = key
    assert _read(name)[statement].entries[line] == LINES[key]
