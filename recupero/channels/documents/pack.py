"""The verification pack (verifica del debito): one PDF proving the debt to a debtor who disputes it.

Pure Python plus the `typst` package, like the letters: the lead (`channels.packs`) fills `PackData` from the
database; this module formats every amount and date in Italian and compiles `templates/pack.typ`. The template
never computes: what it prints is what the case page and the letters print (the law engine's position).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import typst

from recupero.core.domain.i18n import gettext_lazy
from recupero.law.clock import ROME

from ..domain.errors import LetterError
from .formatting import format_amount
from .render import TEMPLATES

_local = threading.local()


@dataclass(frozen=True)
class PackClaim:
    number: str
    issued_on: dt.date
    due_on: dt.date | None
    amount: Decimal
    description: str = ""
    supply_reference: str = ""
    sdi_delivered_on: dt.date | None = None


@dataclass(frozen=True)
class PackInterestRow:
    invoice: str
    start: str  # the law engine's rows arrive formatted in Italian
    end: str
    days: str
    rate: str
    base: str
    amount: str


@dataclass(frozen=True)
class PackCommunication:
    kind: str  # Italian label: Lettera, Raccomandata A/R, PEC, E-mail, SMS
    template: str
    address: str
    status: str
    sent_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    held_on: dt.date | None = None
    returned_on: dt.date | None = None
    tracking_number: str = ""
    evidence: tuple[str, ...] = ()  # "PEC avvenuta-consegna (sha256 …)"


@dataclass(frozen=True)
class PackAcceptance:
    """A written summary the debtor accepted by its link (art. 1988 c.c.: an acknowledgment of the debt)."""

    kind: str  # "Piano di rientro", "Saldo e stralcio", "Promessa di pagamento"
    accepted_at: dt.datetime
    channel: str
    ip: str
    text_sha256: str


@dataclass(frozen=True)
class PackData:
    agency: str
    agency_address: str
    creditor: str
    creditor_vat: str
    case_code: str
    debtor: str
    debtor_tax_code: str
    assignment_code: str
    assignment_received_on: dt.date
    creditor_reference: str
    on: dt.date
    claims: tuple[PackClaim, ...]
    principal: Decimal
    interest: Decimal
    flat_compensation: Decimal
    costs: Decimal
    payments: Decimal
    total_due: Decimal
    interest_rows: tuple[PackInterestRow, ...] = ()
    readings: tuple[tuple[str, str], ...] = ()
    rate_warning: str = ""
    communications: tuple[PackCommunication, ...] = ()
    dispute: dict[str, str] = field(default_factory=dict)  # reason, opened_on, status, decision
    acceptances: tuple[
        PackAcceptance, ...
    ] = ()  # agreements the debtor accepted: acknowledgments of the debt
    # the original FatturaPA of each claim: (claim number, file name, body index, SHA-256, readable view)
    originals: tuple[PackOriginal, ...] = ()


@dataclass(frozen=True)
class PackOriginal:
    """A claim's original FatturaPA as the intake kept it: the readable view of `imports.domain.fatturapa.
    readable` (amounts with a dot, ISO dates), printed the Italian way."""

    claim_number: str
    name: str
    body_index: int
    sha256: str
    view: dict[str, Any]


def _d(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _dt(value: dt.datetime | None) -> str:
    return f"{value.astimezone(ROME):%d/%m/%Y %H:%M}" if value else ""


def _xml_amount(value: str) -> str:
    """An amount as the XML writes it ("1234.50", up to 8 decimals for prices) → "1.234,50"."""
    try:
        number = Decimal(value)
    except (ArithmeticError, ValueError):
        return value
    return (
        format_amount(number) if number == number.quantize(Decimal("0.01")) else f"{number}".replace(".", ",")
    )


def _xml_date(value: str) -> str:
    try:
        return _d(dt.date.fromisoformat(value[:10]))
    except ValueError:
        return value


def _original(o: PackOriginal) -> dict[str, Any]:
    v = o.view
    money = ("total", "unit_price", "taxable", "tax", "amount")
    rows = {
        key: [
            {k: (_xml_amount(x) if k in money and x else x) for k, x in row.items()}
            | ({"due": _xml_date(row["due"])} if row.get("due") else {})
            for row in v.get(key, [])
        ]
        for key in ("lines", "vat", "payments")
    }
    for row in rows["lines"]:
        row["quantity"] = _xml_amount(row["quantity"]) if row.get("quantity") else ""
    return {
        "claim_number": o.claim_number,
        "name": o.name,
        "body_index": str(o.body_index),
        "sha": o.sha256,
        "format": v.get("format", ""),
        "supplier": v.get("supplier", {}),
        "customer": v.get("customer", {}),
        "document_type": v.get("document_type", ""),
        "number": v.get("number", ""),
        "date": _xml_date(v.get("date", "")),
        "currency": v.get("currency", ""),
        "total": _xml_amount(v["total"]) if v.get("total") else "",
        "causale": v.get("causale", ""),
        "more_lines": str(v.get("more_lines", 0)),
        **rows,
    }


def payload(data: PackData) -> dict[str, Any]:
    """The template's input: every amount and date already written the Italian way."""
    raw = asdict(data)
    out: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(v, str)}
    out["assignment_received_on"] = _d(data.assignment_received_on)
    out["on"] = _d(data.on)
    for name in ("principal", "interest", "flat_compensation", "costs", "payments", "total_due"):
        out[name] = format_amount(getattr(data, name))
    out["claims"] = [
        {
            "number": c.number,
            "issued_on": _d(c.issued_on),
            "due_on": _d(c.due_on),
            "amount": format_amount(c.amount),
            "description": c.description,
            "supply_reference": c.supply_reference,
            "sdi_delivered_on": _d(c.sdi_delivered_on),
        }
        for c in data.claims
    ]
    out["interest_rows"] = [asdict(r) for r in data.interest_rows]
    out["readings"] = [list(r) for r in data.readings]
    out["communications"] = [
        {
            "kind": c.kind,
            "template": c.template,
            "address": c.address,
            "status": c.status,
            "sent_at": _dt(c.sent_at),
            "accepted_at": _dt(c.accepted_at),
            "delivered_at": _dt(c.delivered_at),
            "held_on": _d(c.held_on),
            "returned_on": _d(c.returned_on),
            "tracking_number": c.tracking_number,
            "evidence": list(c.evidence),
        }
        for c in data.communications
    ]
    out["dispute"] = dict(data.dispute)
    out["acceptances"] = [
        {"kind": a.kind, "at": _dt(a.accepted_at), "channel": a.channel, "ip": a.ip, "sha": a.text_sha256}
        for a in data.acceptances
    ]
    out["originals"] = [_original(o) for o in data.originals]
    return out


def render_pack(data: PackData) -> bytes:
    """The pack as one PDF."""
    if not data.claims:
        raise LetterError("letter.no_claims", gettext_lazy("La pratica non ha fatture da documentare."))
    inputs = {"payload": json.dumps(payload(data), ensure_ascii=False, separators=(",", ":"))}
    compiler: typst.Compiler | None = getattr(_local, "compiler", None)
    if compiler is None:  # one per thread, like the letters' (typst compilers are not shareable)
        compiler = typst.Compiler(input=str(TEMPLATES / "pack.typ"), root=str(TEMPLATES), sys_inputs=inputs)
        _local.compiler = compiler
    try:
        result = compiler.compile(format="pdf", sys_inputs=inputs)
    except RuntimeError as exc:
        raise LetterError(
            "letter.render_failed", gettext_lazy("Impossibile comporre il fascicolo."), detail=str(exc)
        ) from exc
    if not isinstance(result, bytes):
        raise LetterError("letter.render_failed", gettext_lazy("Il compositore non ha prodotto un PDF."))
    return result
