"""The original FatturaPA of each claim: handed to the cases app at commit, printed readably in the verification
pack (supplier, customer, lines, VAT summary, payment terms), and given to batches committed before."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from recupero.cases.models import Case, ClaimDocument
from recupero.channels.packs import pack_pdf
from recupero.core.permissions import system_actor

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "fatturapa"
pytestmark = pytest.mark.django_db


def _sample(name):
    return (name, (SAMPLES / name).read_bytes())


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_commit_keeps_the_original_and_the_pack_prints_it(run, tenant):
    raw = (SAMPLES / "IT01234567890_FPR02.xml").read_bytes()
    batch = run(_sample("IT01234567890_FPR02.xml"))
    assert batch.status == "committed" and batch.result["originals_kept"] == 1
    doc = ClaimDocument.objects.get()
    assert (doc.claim.invoice_number, doc.name, doc.body_index, doc.import_batch_id) == (
        "123",
        "IT01234567890_FPR02.xml",
        1,
        batch.pk,
    )
    assert doc.content.read() == raw  # the XML as the creditor sent it
    assert doc.view["supplier"]["name"] == "SOCIETA' ALPHA SRL"

    case = Case.objects.get()
    text = _text(pack_pdf(tenant=tenant, actor=system_actor(tenant), case=case))
    assert "7. Fatture elettroniche originali (FatturaPA)" in text
    assert "Fattura n. 123 del 18/12/2014" in text
    assert "SOCIETA' ALPHA SRL P.IVA IT01234567890 VIALE ROMA 543, 07100 SASSARI (SS)" in text
    assert "BETA GAMMA C.F. 09876543210 VIA TORINO 38-B, 00145 ROMA (RM)" in text
    assert "2 FORNITURE VARIE PER UFFICIO 10,00 2,00 € 22.00% 20,00 €" in text  # a line of goods
    assert "22.00% 25,00 € 5,50 €" in text  # the VAT summary
    assert "a rate contanti 30/01/2015 30,50 €" in text  # the payment terms
    assert doc.sha256[:16] in text
    assert "<DettaglioLinee>" not in text  # readable, not the raw XML


def test_a_lot_of_two_invoices_is_one_file_for_two_claims(run):
    batch = run(_sample("IT01234567890_FPA03.xml"))
    docs = list(ClaimDocument.objects.order_by("body_index"))
    assert [(d.claim.invoice_number, d.body_index) for d in docs] == [("12", 1), ("456", 2)]
    assert docs[0].content.name == docs[1].content.name and docs[0].sha256 == docs[1].sha256
    assert batch.result["originals_kept"] == 2


def test_a_signed_p7m_keeps_the_unwrapped_xml(run):
    run(_sample("fenet_IT02182030391_31.xml.p7m"))
    doc = ClaimDocument.objects.get()
    assert (
        doc.content.read().removeprefix(b"\xef\xbb\xbf").startswith(b"<?xml")
    )  # the XML inside the envelope
    assert doc.name == "fenet_IT02182030391_31.xml.p7m"


def test_earlier_batches_get_their_originals_once_by_the_command(run, tenant):
    run(_sample("IT01234567890_FPA03.xml"))
    ClaimDocument.objects.all().delete()  # as a batch committed before the intake handed originals over
    out = io.StringIO()
    call_command("claims-originals", stdout=out)
    assert ClaimDocument.objects.count() == 2
    assert "totale: 2" in out.getvalue()
    call_command("claims-originals", stdout=io.StringIO())
    assert ClaimDocument.objects.count() == 2  # idempotent
