"""The SEPA credit transfer of a remittance's net to the creditor: pain.001.001.03, checked against its XSD."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from lxml import etree
from schwifty import IBAN

from recupero.remittance.outputs.xml import PAIN001, latin, sub, validate

if TYPE_CHECKING:
    from recupero.remittance.outputs.data import StatementData

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"


class TransferInvalid(RuntimeError):
    """The file we built does not satisfy the schema: a bug, never sent to a bank."""


def _bic(iban: str) -> str | None:
    try:
        bic = IBAN(iban).bic
    except Exception:  # no bank registry entry: the bank derives it from the IBAN (IBAN-only SEPA)
        return None
    return str(bic) if bic else None


def _agent(parent: etree._Element, tag: str, iban: str, bic: str) -> None:
    fin = sub(sub(parent, tag), "FinInstnId")
    code = bic or _bic(iban)
    if code:
        sub(fin, "BIC", code)
    else:
        sub(sub(fin, "Othr"), "Id", "NOTPROVIDED")


def transfer_xml(data: StatementData) -> bytes | None:
    """One payment of the net to the creditor's payout account; None when nothing is to be transferred."""
    r = data.remittance
    if r.net <= 0:
        return None
    ref = f"RIV-{r.number.replace('/', '-')}"
    amount = f"{r.net:.2f}"
    created = dt.datetime.combine(r.issued_on, dt.time(9, 0)).isoformat()  # deterministic for reruns
    doc = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})  # type: ignore[dict-item]  # default namespace
    root = sub(doc, "CstmrCdtTrfInitn")
    head = sub(root, "GrpHdr")
    sub(head, "MsgId", f"{ref}-{r.tenant_id}")
    sub(head, "CreDtTm", created)
    sub(head, "NbOfTxs", "1")
    sub(head, "CtrlSum", amount)
    sub(sub(head, "InitgPty"), "Nm", latin(data.tenant.name, 70))
    info = sub(root, "PmtInf")
    for tag, text in (("PmtInfId", ref), ("PmtMtd", "TRF"), ("BtchBookg", "false"), ("NbOfTxs", "1")):
        sub(info, tag, text)
    sub(info, "CtrlSum", amount)
    sub(sub(sub(info, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    sub(info, "ReqdExctnDt", r.issued_on.isoformat())
    sub(sub(info, "Dbtr"), "Nm", latin(data.tenant.name, 70))
    sub(sub(sub(info, "DbtrAcct"), "Id"), "IBAN", r.agency_iban)
    _agent(info, "DbtrAgt", r.agency_iban, data.agency.bic)
    sub(info, "ChrgBr", "SLEV")
    tx = sub(info, "CdtTrfTxInf")
    sub(sub(tx, "PmtId"), "EndToEndId", ref)
    sub(sub(tx, "Amt"), "InstdAmt", amount, Ccy="EUR")
    sub(sub(tx, "Cdtr"), "Nm", latin(data.creditor.name, 70))
    sub(sub(sub(tx, "CdtrAcct"), "Id"), "IBAN", r.payout_iban)
    until = f"{r.until:%d/%m/%Y}"
    sub(sub(tx, "RmtInf"), "Ustrd", latin(f"Riversamento rendiconto {r.number} incassi al {until}", 140))
    xml: bytes = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    errors = validate(xml, PAIN001)
    if errors:
        raise TransferInvalid("; ".join(errors))
    return xml
