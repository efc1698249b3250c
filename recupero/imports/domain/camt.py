"""Bank statements read for reconciliation: ISO 20022 camt.053 (001.02-001.08), camt.054 credit notifications
and the Italian CBI XML statement (`BkToCstmrStmt` in the CBI namespace); one file or a zip of many.

The intake's hardening applies as it is (`fatturapa.xmlsafe.parse_xml`: no DOCTYPE, no entities, no network,
size bound; `safezip`: zip bombs refused before inflating). Elements are found by local name, so the versions'
namespaces and the CBI wrapper read alike. Lives in `imports` (the app above `payments`) because that is where
the hardened readers are; it returns `payments.domain.statements` data and knows nothing of the database.

Speed (issue 13: 100k credits parsed, matched and posted in 30 s): lxml makes a Python object of every element
visited, and that is what a read costs; so blocks, balances and entries are found by lxml's own "{*}" iteration,
and an element's children are read once into a dict by local name (`_kids`), never walked again per name looked
up. `benchmarks/statements_read.py` times the read against the bare parse.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from recupero.core.errors import DomainError
from recupero.imports.domain.errors import IntakeError
from recupero.imports.domain.fatturapa.xmlsafe import parse_xml
from recupero.imports.domain.limits import MB, Limits
from recupero.imports.domain.safezip import open_zip, read_member
from recupero.payments.domain.statements import EntryData, StatementData, content_reference

# A month of a busy collection account is ~100k lines (~120 MB of camt.053): the intake's 20 MB bound for one
# invoice is too tight; everything else (DOCTYPE refused, no entities, zip checks) is the intake's own.
STATEMENT_LIMITS = Limits(xml_max_bytes=256 * MB, zip_max_member_bytes=256 * MB, zip_max_total_bytes=512 * MB)
CAMT053_VERSIONS = {f"001.0{n}" for n in range(2, 9)}
_NS = re.compile(r"camt\.(05[34])\.(\d{3}\.\d{2})")
_SPACE = re.compile(r"\s")
_CENT = Decimal("0.01")


def read_statements(data: bytes, name: str = "", limits: Limits = STATEMENT_LIMITS) -> list[StatementData]:
    """Every statement of a file or of the XML members of a zip; a refused file raises `DomainError`."""
    try:
        if data[:2] == b"PK":
            archive = open_zip(data, limits)
            out: list[StatementData] = []
            for member in archive.infolist():
                if member.filename.lower().endswith(".xml") and not member.is_dir():
                    out += _read_xml(read_member(archive, member, limits), member.filename, limits)
            if not out:
                raise DomainError("payments.statement_empty")
            return out
        return _read_xml(data, name, limits)
    except IntakeError as exc:
        raise DomainError(exc.code, exc.message, **exc.params) from None


def _read_xml(data: bytes, name: str, limits: Limits) -> list[StatementData]:
    root = parse_xml(data, limits)
    kind, version = _kind(root)
    # lxml's "{*}" matches a local name in any namespace (or none) and walks the tree in C
    blocks = [el for el in root.iter("{*}Stmt", "{*}Ntfctn") if _is_report(el)]
    if not blocks:
        raise DomainError("payments.statement_empty")
    # the message's header: under BkToCstmrStmt (camt) or wherever the wrapper puts it (CBI), the first one
    msg_id = _text_at(next(root.iter("{*}GrpHdr"), None), "MsgId")
    return [_statement(block, kind, version, msg_id, name) for block in blocks]


def _kind(root: etree._Element) -> tuple[str, str]:
    namespace = etree.QName(root).namespace or ""
    found = _NS.search(namespace)
    if found:
        kind, version = f"camt.{found.group(1)}", found.group(2)
        if kind == "camt.053" and version not in CAMT053_VERSIONS:
            raise DomainError("payments.statement_unknown", detail=f"camt.053.{version}")
        return kind, version
    if "CBI" in namespace.upper() or next(root.iter("{*}BkToCstmrStmt"), None) is not None:
        return "cbi", namespace.rsplit(".", 2)[-2] + "." + namespace.rsplit(".", 1)[
            -1
        ] if "." in namespace else ""
    raise DomainError("payments.statement_unknown", detail=namespace or _local(root.tag))


def _is_report(el: etree._Element) -> bool:
    parent = el.getparent()
    return parent is not None and _local(parent.tag) in ("BkToCstmrStmt", "BkToCstmrDbtCdtNtfctn")


def _local(tag: object) -> str:
    # "{namespace}Ntry" -> "Ntry": a string split, several times cheaper than etree.QName on 100k lines
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _kids(el: etree._Element | None) -> dict[str, etree._Element]:
    """The first child of each local name: one pass over the children serves every name looked up."""
    kids: dict[str, etree._Element] = {}
    for child in el if el is not None else ():
        tag = child.tag  # _local() inlined: this loop runs for every element of every entry
        local = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if local not in kids:
            kids[local] = child
    return kids


def _first(el: etree._Element | None, *path: str) -> etree._Element | None:
    """The first descendant along `path` (local names, each a direct child of the previous)."""
    for step in path:
        if el is None:
            return None
        parent, el = el, None
        for child in parent:
            tag = child.tag
            if isinstance(tag, str) and tag.rpartition("}")[2] == step:
                el = child
                break
    return el


def _text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _text_at(el: etree._Element | None, *path: str) -> str:
    return _text(_first(el, *path))


def _amount(el: etree._Element | None) -> Decimal | None:
    text = _text(el)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DomainError("payments.statement_unreadable", detail=f"importo «{text[:30]}»") from None
    return value.quantize(_CENT)


def _date(el: etree._Element | None) -> dt.date | None:
    kids = _kids(el)
    text = _text(kids.get("Dt")) or _text(kids.get("DtTm"))
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        raise DomainError("payments.statement_unreadable", detail=f"data «{text[:30]}»") from None


def _iban(text: str) -> str:
    return _SPACE.sub("", text).upper() if text else ""


def _statement(block: etree._Element, kind: str, version: str, msg_id: str, name: str) -> StatementData:
    account = _first(block, "Acct")
    iban = _text_at(account, "Id", "IBAN") or _text_at(account, "Id", "Othr", "Id")
    currency = _text_at(account, "Ccy")
    balances: dict[str, Decimal] = {}
    for bal in block.iterchildren("{*}Bal"):
        code = _text_at(bal, "Tp", "CdOrPrtry", "Cd")
        value = _amount(_first(bal, "Amt")) or Decimal("0.00")
        balances.setdefault(code, -value if _text_at(bal, "CdtDbtInd") == "DBIT" else value)
        currency = currency or _first(bal, "Amt").get("Ccy", "")  # type: ignore[union-attr]
    entries: list[EntryData] = []
    for index, ntry in enumerate(block.iterchildren("{*}Ntry")):
        entries += _entries(ntry, index)
    return StatementData(
        kind=kind,
        version=version,
        message_id=msg_id,
        statement_id=_text_at(block, "Id"),
        account_iban=_iban(iban),
        currency=currency or "EUR",
        opening=balances.get("OPBD", balances.get("PRCD")),
        closing=balances.get("CLBD"),
        entries=entries,
        file_name=name[:200],
    )


def _entries(ntry: etree._Element, index: int) -> list[EntryData]:
    """One line per transaction: a batch booking (several TxDtls) is split into its credits."""
    kids: dict[str, etree._Element] = {}
    details: list[etree._Element] = []  # every NtryDtls (kids keeps the first of each name)
    for child in ntry:
        tag = child.tag  # _local() inlined, as in _kids()
        local = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if local == "NtryDtls":
            details.append(child)
        if local not in kids:
            kids[local] = child
    amount = _amount(kids.get("Amt")) or Decimal("0.00")
    credit = _text(kids.get("CdtDbtInd")) == "CRDT"
    status = _text_at(kids.get("Sts"), "Cd") or _text(kids.get("Sts")) or "BOOK"
    booked, valued = _date(kids.get("BookgDt")), _date(kids.get("ValDt"))
    base = _text(kids.get("AcctSvcrRef")) or _text(kids.get("NtryRef"))
    txs = [_kids(tx) for d in details for tx in d if _local(tx.tag) == "TxDtls"]
    tx_amounts = [_tx_amount(tx) for tx in txs]
    split = len(txs) > 1 and all(a and a > 0 for a in tx_amounts) and sum(tx_amounts) == amount  # type: ignore[arg-type]
    out = []
    chosen: list[dict[str, etree._Element]] = list(txs if split else txs[:1]) or [{}]
    for j, tx in enumerate(chosen):
        facts = _tx_facts(tx)
        ref = base + (f"/{facts['tx_ref'] or j + 1}" if split else "") if base else ""
        if not ref:
            ref = facts["end_to_end"]
        line_amount = tx_amounts[j] if split else amount
        ref = ref or content_reference(
            index, j, booked, valued, line_amount, facts["remittance"], facts["name"]
        )
        out.append(
            EntryData(
                reference=ref[:140],
                amount=line_amount or Decimal("0.00"),
                credit=credit,
                booking_date=booked,
                value_date=valued or booked,
                remittance=facts["remittance"][:500],
                structured=facts["structured"][:140],
                end_to_end=facts["end_to_end"][:140],
                payer_name=facts["name"][:200],
                payer_iban=facts["iban"],
                status=status[:4].upper(),
            )
        )
    return out


def _tx_amount(tx: dict[str, etree._Element]) -> Decimal | None:
    amount = _amount(tx["Amt"]) if "Amt" in tx else None
    return amount or (_amount(_first(tx["AmtDtls"], "TxAmt", "Amt")) if "AmtDtls" in tx else None)


def _tx_facts(tx: dict[str, etree._Element]) -> dict[str, str]:
    """The payer and the causale of one transaction, from its TxDtls' children (empty: an entry without)."""
    parties = _kids(tx.get("RltdPties"))
    debtor = _kids(parties.get("Dbtr"))
    rmt = tx.get("RmtInf")
    free: list[str] = []
    structured = None
    for child in rmt if rmt is not None else ():
        local = _local(child.tag)
        if local == "Ustrd":
            free.append(_text(child))
        elif local == "Strd" and structured is None:
            structured = _text_at(child, "CdtrRefInf", "Ref")
    refs = _kids(tx.get("Refs"))
    e2e = _text(refs.get("EndToEndId"))
    return {
        "remittance": " ".join(free),
        "structured": structured or "",
        "end_to_end": "" if e2e.upper() == "NOTPROVIDED" else e2e,
        "tx_ref": _text(refs.get("AcctSvcrRef")) or _text(refs.get("TxId")),
        "name": _text(debtor.get("Nm")) or _text_at(debtor.get("Pty"), "Nm"),
        "iban": _iban(_text_at(parties.get("DbtrAcct"), "Id", "IBAN")),
    }
