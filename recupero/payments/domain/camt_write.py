"""Write a camt.053.001.08 statement from `EntryData` lines: the demo's statement, the tests' and the benchmark's
files (the reader in `imports.domain.camt` reads what this writes, and the banks' samples)."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from recupero.payments.domain.statements import EntryData

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def camt053(
    *, iban: str, entries: list[EntryData], opening: Decimal = Decimal("0.00"), statement_id: str = "STMT-1",
    day: str = "2026-11-30",
) -> bytes:  # fmt: skip
    credits = sum((e.amount for e in entries if e.credit), Decimal("0.00"))
    debits = sum((e.amount for e in entries if not e.credit), Decimal("0.00"))
    closing = opening + credits - debits
    body = "".join(_entry(e) for e in entries)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NS}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{escape(statement_id)}</MsgId><CreDtTm>{day}T18:00:00+01:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{escape(statement_id)}</Id><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{_balance('OPBD', opening, day)}{_balance('CLBD', closing, day)}{body}</Stmt>"
        "</BkToCstmrStmt></Document>\n"
    ).encode()


def _balance(code: str, amount: Decimal, day: str) -> str:
    sign = "CRDT" if amount >= 0 else "DBIT"
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(amount)}</Amt>'
        f"<CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
    )


def _entry(e: EntryData) -> str:
    booked = (e.booking_date or e.value_date).isoformat()  # type: ignore[union-attr]
    valued = (e.value_date or e.booking_date).isoformat()  # type: ignore[union-attr]
    rmt = ""
    if e.structured:
        kind = "<Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
        rmt += f"<Strd><CdtrRefInf>{kind}<Ref>{escape(e.structured)}</Ref></CdtrRefInf></Strd>"
    if e.remittance:
        rmt = f"<Ustrd>{escape(e.remittance)}</Ustrd>" + rmt
    party = f"<Dbtr><Pty><Nm>{escape(e.payer_name)}</Nm></Pty></Dbtr>" if e.payer_name else ""
    if e.payer_iban:
        party += f"<DbtrAcct><Id><IBAN>{e.payer_iban}</IBAN></Id></DbtrAcct>"
    return (
        f'<Ntry><Amt Ccy="EUR">{e.amount}</Amt><CdtDbtInd>{"CRDT" if e.credit else "DBIT"}</CdtDbtInd>'
        f"<Sts><Cd>{e.status}</Cd></Sts><BookgDt><Dt>{booked}</Dt></BookgDt><ValDt><Dt>{valued}</Dt></ValDt>"
        f"<AcctSvcrRef>{escape(e.reference)}</AcctSvcrRef><NtryDtls><TxDtls><Refs>"
        f"<EndToEndId>{escape(e.end_to_end or 'NOTPROVIDED')}</EndToEndId></Refs>"
        f"<RltdPties>{party}</RltdPties><RmtInf>{rmt}</RmtInf></TxDtls></NtryDtls></Ntry>"
    )
