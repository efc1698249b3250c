"""PEC receipts: real samples (../shared/samples/pec, see PROVENANCE.md) and synthetic receipts built here."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recupero.channels.domain.errors import PecError
from recupero.channels.domain.pec import ROME, PecReceipt, parse_receipt

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "pec"
ARUBA_ID = "1542123565.921546936035156.464602125997431-openerp-8-fatturapa.attachment.out@elbati-Vostro-3550"
FAKE_ID = "SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it"

# file, type, error, Italian local date-time, message_id (daticert msgid), X-Riferimento-Message-ID, proof
REAL = [
    (
        "oca_aruba_ricevuta_accettazione_IT03339130126_00009.eml",
        "accettazione",
        "nessuno",
        "2018-11-13T16:39:26+01:00",
        ARUBA_ID,
        ARUBA_ID,
        False,
    ),
    (
        "oca_aruba_ricevuta_avvenuta_consegna_IT03339130126_00009.eml",
        "avvenuta-consegna",
        "nessuno",
        "2018-11-13T16:39:27+01:00",
        ARUBA_ID,
        ARUBA_ID,
        True,
    ),
    (
        "biagiot_ricevuta_accettazione.eml",
        "accettazione",
        "nessuno",
        "2024-11-15T18:20:38+01:00",
        FAKE_ID,
        FAKE_ID,
        False,
    ),
    (
        # The sample's header says @pec.it while its daticert says @fakepec.it: daticert wins, with a warning.
        "biagiot_avviso_mancata_consegna_errore_consegna.eml",
        "errore-consegna",
        "no-dest",
        "2024-11-15T18:21:03+01:00",
        FAKE_ID,
        "SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@pec.it",
        False,
    ),
]


@pytest.mark.parametrize(("name", "kind", "error", "when", "msgid", "riferimento", "proof"), REAL)
def test_real_samples(name, kind, error, when, msgid, riferimento, proof):
    raw = (SAMPLES / name).read_bytes()
    receipt = parse_receipt(raw)
    assert receipt.type == kind
    assert receipt.error == error
    assert receipt.date.isoformat() == when
    assert receipt.date.tzinfo == ROME
    assert receipt.local_date == date.fromisoformat(when[:10])
    assert receipt.message_id == msgid
    assert receipt.riferimento_message_id == riferimento
    assert receipt.is_proof_of_receipt is proof
    assert receipt.source == "daticert"
    assert receipt.raw == raw


def test_real_delivery_details():
    raw = (SAMPLES / "oca_aruba_ricevuta_avvenuta_consegna_IT03339130126_00009.eml").read_bytes()
    receipt = parse_receipt(raw)
    assert receipt.identificativo == "opec288.20181113163926.01838.310.1.63@pec.aruba.it"
    assert receipt.receipt_message_id == "opec288.20181113163927.28978.421.1.413.72@pec.aruba.it"
    assert receipt.gestore_emittente == "ARUBA PEC S.p.A."
    assert receipt.mittente == "l.battistini@pec.it"
    assert [(r.address, r.kind) for r in receipt.destinatari] == [("l.battistini@pec.it", "certificato")]
    assert receipt.consegna == "l.battistini@pec.it"
    assert receipt.oggetto == "IT03339130126_00009.xml"
    assert receipt.ricevuta_tipo == "completa"
    assert receipt.x_ricevuta == "avvenuta-consegna"
    assert receipt.warnings == ()


def test_real_error_details():
    receipt = parse_receipt((SAMPLES / "biagiot_avviso_mancata_consegna_errore_consegna.eml").read_bytes())
    assert receipt.errore_esteso == "5.1.1 - FAKE Pec S.p.A. - indirizzo non valido"
    assert receipt.consegna == "rec@fakepec.it"
    assert [w.code for w in receipt.warnings] == ["pec.msgid_mismatch"]


# --- synthetic receipts ---------------------------------------------------------------------------------


def daticert(
    *,
    tipo="avvenuta-consegna",
    errore="nessuno",
    giorno="16/01/2024",
    ora="00:04:00",
    zona="+0100",
    dest_tipo="certificato",
    oggetto="Diffida pratica RC-2024-000123",
) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="{tipo}" errore="{errore}">
  <intestazione>
    <mittente>agenzia@pec.example.it</mittente>
    <destinatari tipo="{dest_tipo}">debitore@pec.example.it</destinatari>
    <risposte>agenzia@pec.example.it</risposte>
    <oggetto>{oggetto}</oggetto>
  </intestazione>
  <dati>
    <gestore-emittente>ESEMPIO PEC S.p.A.</gestore-emittente>
    <data zona="{zona}"><giorno>{giorno}</giorno><ora>{ora}</ora></data>
    <identificativo>opec1.20240116000400.1@pec.example.it</identificativo>
    <msgid>&lt;our-pec-1@recupero.example&gt;</msgid>
    <ricevuta tipo="completa"/>
    <consegna>debitore@pec.example.it</consegna>
  </dati>
</postacert>
""".encode()


def eml(
    xml: bytes | None,
    *,
    subject="CONSEGNA: Diffida",
    x_ricevuta="avvenuta-consegna",
    body="Ricevuta di avvenuta consegna",
    date_header="Tue, 16 Jan 2024 00:04:01 +0100",
) -> bytes:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = "posta-certificata@pec.example.it"
    msg["To"] = "agenzia@pec.example.it"
    msg["Date"] = date_header
    msg["Message-ID"] = "<opec1.receipt@pec.example.it>"
    msg["X-Riferimento-Message-ID"] = "<our-pec-1@recupero.example>"
    if x_ricevuta:
        msg["X-Ricevuta"] = x_ricevuta
    msg.set_content(body)
    if xml is not None:
        msg.add_attachment(xml, maintype="application", subtype="xml", filename="daticert.xml")
    return msg.as_bytes()


@pytest.mark.parametrize(
    ("giorno", "zona", "italian", "utc_date"),
    [
        ("16/01/2024", "+0100", "2024-01-16T00:04:00+01:00", date(2024, 1, 15)),  # winter, CET
        ("16/07/2024", "+0200", "2024-07-16T00:04:00+02:00", date(2024, 7, 15)),  # summer, CEST
    ],
)
def test_just_after_midnight_keeps_the_italian_date(giorno, zona, italian, utc_date):
    receipt = parse_receipt(eml(daticert(giorno=giorno, ora="00:04:00", zona=zona)))
    assert receipt.date.isoformat() == italian
    assert receipt.local_date == date.fromisoformat(italian[:10])
    assert receipt.local_date != utc_date
    assert receipt.date.astimezone(ROME).date() == receipt.local_date
    assert receipt.is_proof_of_receipt is True
    assert receipt.message_id == "our-pec-1@recupero.example"
    assert receipt.warnings == ()


def test_clocks_going_back_pick_the_hour_named_by_zona():
    first = parse_receipt(eml(daticert(giorno="27/10/2024", ora="02:30:00", zona="+0200")))
    second = parse_receipt(eml(daticert(giorno="27/10/2024", ora="02:30:00", zona="+0100")))
    # Same-zone subtraction is wall-clock arithmetic in Python (it ignores fold): compare instants instead.
    assert second.date.timestamp() - first.date.timestamp() == 3600
    assert (first.date.utcoffset(), second.date.utcoffset()) == (timedelta(hours=2), timedelta(hours=1))
    assert first.warnings == second.warnings == ()


def test_a_zone_that_is_not_italian_is_converted_with_a_warning():
    receipt = parse_receipt(eml(daticert(giorno="15/07/2024", ora="23:30:00", zona="+0000")))
    assert receipt.date.isoformat() == "2024-07-16T01:30:00+02:00"
    assert [w.code for w in receipt.warnings] == ["pec.zone_mismatch"]


def test_malformed_daticert_is_read_leniently():
    broken = daticert(oggetto="Fattura A & B <urgente").replace(b"</postacert>", b"")
    receipt = parse_receipt(eml(broken))
    assert receipt.source == "daticert-recovered"
    assert receipt.type == "avvenuta-consegna"
    assert receipt.error == "nessuno"
    assert receipt.date.isoformat() == "2024-01-16T00:04:00+01:00"
    assert "pec.daticert_malformed" in [w.code for w in receipt.warnings]


def test_daticert_with_doctype_is_refused_and_headers_are_used():
    hostile = daticert().replace(
        b"<postacert", b'<!DOCTYPE postacert [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<postacert', 1
    )
    body = "Il giorno 16/01/2024 alle ore 00:04:00 (+0100) il messaggio è stato consegnato."
    receipt = parse_receipt(eml(hostile, body=body))
    codes = [w.code for w in receipt.warnings]
    assert codes[:2] == ["pec.daticert_doctype", "pec.inferred_from_headers"]
    assert receipt.source == "headers"
    assert receipt.date.isoformat() == "2024-01-16T00:04:00+01:00"
    assert receipt.is_proof_of_receipt is False  # a person reviews receipts rebuilt from headers


@pytest.mark.parametrize(
    ("subject", "x_ricevuta", "kind", "error"),
    [
        ("CONSEGNA: Diffida", None, "avvenuta-consegna", "nessuno"),
        ("ACCETTAZIONE: Diffida", None, "accettazione", "nessuno"),
        ("AVVISO DI MANCATA CONSEGNA: Diffida", None, "errore-consegna", "altro"),
        ("AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: X", None, "preavviso-errore-consegna", "altro"),
        ("qualunque", "accettazione", "accettazione", "nessuno"),
    ],
)
def test_header_inference_without_daticert(subject, x_ricevuta, kind, error):
    receipt = parse_receipt(eml(None, subject=subject, x_ricevuta=x_ricevuta))
    assert (receipt.type, receipt.error, receipt.source) == (kind, error, "headers")
    assert receipt.date.isoformat() == "2024-01-16T00:04:01+01:00"  # from the Date header
    assert receipt.message_id == "our-pec-1@recupero.example"
    assert [w.code for w in receipt.warnings] == [
        "pec.daticert_missing",
        "pec.inferred_from_headers",
        "pec.date_from_header",
    ]


def test_acceptance_and_external_address_are_not_proof_of_receipt():
    assert parse_receipt(eml(daticert(tipo="accettazione"))).is_proof_of_receipt is False
    assert parse_receipt(eml(daticert(dest_tipo="esterno"))).is_proof_of_receipt is False
    assert parse_receipt(eml(daticert(errore="altro"))).is_proof_of_receipt is False


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not an e-mail at all",
        eml(None, subject="Fattura di gennaio", x_ricevuta=None),
        eml(daticert(tipo="fattura")),
    ],
)
def test_not_a_receipt(raw: bytes):
    with pytest.raises(PecError) as caught:
        parse_receipt(raw)
    assert caught.value.code == "pec.not_a_receipt"
    assert "ricevuta PEC" in caught.value.message or "non è un messaggio" in caught.value.message


@settings(max_examples=60, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31)))
def test_local_date_is_always_the_italian_wall_date(wall: datetime):
    local = wall.replace(microsecond=0, tzinfo=ROME)
    offset = local.utcoffset()
    assert offset is not None
    zona = f"+{int(offset.total_seconds() // 3600):02d}00"
    receipt: PecReceipt = parse_receipt(
        eml(daticert(giorno=local.strftime("%d/%m/%Y"), ora=local.strftime("%H:%M:%S"), zona=zona))
    )
    assert receipt.local_date == local.date()
    assert receipt.date.replace(tzinfo=None) == local.replace(tzinfo=None)
