"""The EPC QR code (EPC069-12): the payload line by line, its limits, and a real decode of the PNG rendering
(zxing-cpp) giving back the IBAN, the amount and the RF reference. No database."""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal

import pytest
import zxingcpp

from recupero.payments.domain.epc import EpcError, Transfer, epc_payload, epc_png, epc_svg
from recupero.payments.domain.rf import creditor_reference, is_creditor_reference

IBAN = "IT60X0542811101000000123456"


def png_grey(data: bytes) -> tuple[bytes, int, int]:
    """A 1-bit greyscale PNG (what segno writes) as 8-bit pixels: enough PNG to hand the image to zxing."""
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (1, 0)
        elif kind == b"IDAT":
            idat += body
    raw, stride = zlib.decompress(idat), (width + 7) // 8
    rows, prev = [], bytes(stride)
    for y in range(height):
        filt, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left, up = line[i - 1] if i else 0, prev[i]
            upleft = prev[i - 1] if i else 0
            pred = {0: 0, 1: left, 2: up, 3: (left + up) // 2, 4: _paeth(left, up, upleft)}[filt]
            line[i] = (line[i] + pred) & 0xFF
        prev = bytes(line)
        rows.append(bytes(255 if line[x // 8] >> (7 - x % 8) & 1 else 0 for x in range(width)))
    return b"".join(rows), width, height


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def decode(png: bytes) -> str:
    pixels, width, height = png_grey(png)
    image = memoryview(pixels).cast("B", (height, width))
    (result,) = zxingcpp.read_barcodes(image)
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    return result.text


@pytest.mark.parametrize(
    ("transfer", "lines"),
    [
        (
            Transfer("Gestione Pratiche Alfa S.r.l.", "IT60 X054 2811 1010 0000 0123 456", Decimal("1234.56"),
                     "RF18 5390 0754 7034"),
            ["BCD", "002", "1", "SCT", "", "Gestione Pratiche Alfa S.r.l.", IBAN, "EUR1234.56", "",
             "RF18539007547034"],
        ),
        (  # unstructured text only without a reference; BIC and purpose when given
            Transfer("Energia Nord S.p.A.", IBAN, Decimal("0.01"), text="Pratica P00000018", bic="bppiitrrxxx",
                     purpose="GDSV"),
            ["BCD", "002", "1", "SCT", "BPPIITRRXXX", "Energia Nord S.p.A.", IBAN, "EUR0.01", "GDSV", "",
             "Pratica P00000018"],
        ),
        (
            Transfer("X", IBAN, Decimal("999999999.99"), "RF47P00012344", text="ignored with a reference"),
            ["BCD", "002", "1", "SCT", "", "X", IBAN, "EUR999999999.99", "", "RF47P00012344"],
        ),
    ],
)  # fmt: skip
def test_payload_lines(transfer, lines):
    assert epc_payload(transfer).split("\n") == lines


@pytest.mark.parametrize(
    ("transfer", "why"),
    [
        (Transfer("X", "not an iban", Decimal("1.00")), "IBAN non valido"),
        (Transfer("X", IBAN, Decimal("0.00")), "importo fuori dai limiti"),
        (Transfer("X", IBAN, Decimal("1000000000.00")), "importo fuori dai limiti"),
        (Transfer("X", IBAN, Decimal("1.001")), "importo fuori dai limiti"),
        (Transfer("X", IBAN, Decimal("1.00"), "P00012344"), "riferimento strutturato"),
        (Transfer("X", IBAN, Decimal("1.00"), "RF" + "1" * 34), "riferimento strutturato"),
        (Transfer("N" * 71, IBAN, Decimal("1.00")), "nome del beneficiario oltre 70"),
        (Transfer("X", IBAN, Decimal("1.00"), purpose="gds"), "codice di scopo"),
    ],
)
def test_what_a_qr_code_cannot_carry_is_refused(transfer, why):
    with pytest.raises(EpcError, match=why):
        epc_payload(transfer)


def test_the_png_decodes_to_the_iban_amount_and_reference():
    reference = creditor_reference("P00000018")
    payload = epc_payload(Transfer("Gestione Pratiche Alfa S.r.l.", IBAN, Decimal("1118.93"), reference))
    text = decode(epc_png(payload))
    lines = text.split("\n")
    assert text == payload
    assert (lines[0], lines[3], lines[6], lines[7], lines[9]) == ("BCD", "SCT", IBAN, "EUR1118.93", reference)
    assert is_creditor_reference(lines[9])


def test_the_svg_is_inline_scalable_and_named():
    svg = epc_svg(epc_payload(Transfer("X", IBAN, Decimal("5.00"))), title="Codice QR")
    assert svg.startswith('<svg role="img" viewBox=') and "<title>Codice QR</title>" in svg
    assert "<?xml" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
