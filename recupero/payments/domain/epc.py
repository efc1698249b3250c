"""The EPC QR code (EPC069-12, "SEPA Credit Transfer" QR; "GiroCode"): what a banking app reads to pre-fill a
bank transfer — beneficiary, IBAN, amount in euro and the structured RF reference of the case.

The payload is 12 lines joined by LF (trailing empty lines dropped, at most 331 bytes):

    BCD / 002 (version: BIC optional) / 1 (UTF-8) / SCT / BIC / name (≤ 70) / IBAN / EUR<amount> /
    purpose (4 letters, optional) / structured reference (RF…, ≤ 35) / unstructured text (≤ 140; empty when a
    structured reference is given) / note to the payer (≤ 70)

Error correction level M, as the guideline requires. Rendered with segno (pure Python): inline SVG for the page
(with a title for screen readers), PNG for the test that decodes it.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import segno

from recupero.core.errors import RecuperoError

MAX_AMOUNT = Decimal("999999999.99")
MAX_BYTES = 331


class EpcError(RecuperoError, ValueError):
    """A transfer an EPC QR code cannot carry (bad IBAN shape, amount out of range, reference too long)."""

    def __init__(self, reason: str) -> None:
        super().__init__("payments.epc_invalid", reason=reason)


@dataclass(frozen=True)
class Transfer:
    name: str
    iban: str
    amount: Decimal
    reference: str = ""  # RF creditor reference (ISO 11649): structured
    text: str = ""  # free remittance text, only without a structured reference
    bic: str = ""
    purpose: str = ""  # ISO 20022 purpose code, e.g. "GDSV"; usually empty


def _clean(value: str, limit: int, what: str) -> str:
    value = " ".join(value.split())
    if len(value) > limit:
        raise EpcError(f"{what} oltre {limit} caratteri")
    return value


def epc_payload(t: Transfer) -> str:
    iban = re.sub(r"\s", "", t.iban).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        raise EpcError("IBAN non valido")
    if not Decimal("0.01") <= t.amount <= MAX_AMOUNT or t.amount != t.amount.quantize(Decimal("0.01")):
        raise EpcError("importo fuori dai limiti (da 0,01 a 999.999.999,99 €, due decimali)")
    reference = re.sub(r"\s", "", t.reference).upper()
    if reference and (len(reference) > 35 or not reference.startswith("RF")):
        raise EpcError("il riferimento strutturato deve essere RF… di al massimo 35 caratteri")
    if t.purpose and not re.fullmatch(r"[A-Z]{4}", t.purpose):
        raise EpcError("il codice di scopo è di 4 lettere maiuscole")
    lines = [
        "BCD",
        "002",
        "1",
        "SCT",
        re.sub(r"\s", "", t.bic).upper(),
        _clean(t.name, 70, "nome del beneficiario") or "-",
        iban,
        f"EUR{t.amount:.2f}",
        t.purpose,
        reference,
        "" if reference else _clean(t.text, 140, "causale"),
    ]
    payload = "\n".join(lines).rstrip("\n")
    if len(payload.encode()) > MAX_BYTES:
        raise EpcError("dati oltre i 331 byte")
    return payload


def epc_qr(payload: str) -> segno.QRCode:
    return segno.make_qr(payload, error="m", encoding="utf-8", boost_error=False)


@functools.lru_cache(maxsize=4096)
def epc_svg(payload: str, title: str = "", scale: int = 4) -> str:
    """The QR code as an inline <svg> element (no XML declaration), sized by its viewBox. Cached: encoding a QR
    code is ~10 ms of pure Python, and a debtor's page asks for the same one on every visit of the day."""
    svg: str = epc_qr(payload).svg_inline(
        scale=scale, border=4, title=title or None, svgclass="epc-qr", omitsize=True
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)  # announced as an image, named by its <title>


def epc_png(payload: str, scale: int = 4) -> bytes:
    out = io.BytesIO()
    epc_qr(payload).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
