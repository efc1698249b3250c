"""The month's remittance of each demo creditor: a statement, an XLSX, a valid pain.001 and a valid FatturaPA
invoice, whose figures agree to the cent with the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum
from lxml import etree

from recupero.core.permissions import system_actor
from recupero.demo.loader import demo_load
from recupero.demo.remittance import AGENCY_IBAN
from recupero.ledger.models import LedgerEntry
from recupero.parties.models import Creditor
from recupero.remittance.outputs.xml import PAIN001, validate
from recupero.remittance.services import remittance_issue

pytestmark = pytest.mark.django_db
FPR12 = (
    Path(__file__).resolve().parents[4]
    / "shared/samples/fatturapa/xsd/Schema_del_file_xml_FatturaPA_v1.2.2.xsd"
)
P = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}"


def _read(field) -> bytes:  # type: ignore[no-untyped-def]
    with field.open("rb") as f:
        return f.read()


def test_each_demo_creditor_gets_its_month(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_load(cases=300, seed=7)
    until = dt.date(2026, 11, 30)
    for creditor in Creditor.objects.filter(tenant__code="demo").order_by("code"):
        tenant = creditor.tenant
        r = remittance_issue(tenant=tenant, actor=system_actor(tenant), creditor=creditor, until=until)
        assert r is not None and r.status == "ready", creditor.code
        books = LedgerEntry.objects.filter(case__creditor=creditor, kind="payment", posted_on__lte=until)
        assert r.collected == Decimal(books.aggregate(t=Sum("amount"))["t"]).quantize(Decimal("0.01"))
        assert r.payments == books.values("group").distinct().count()
        assert r.collected == r.net - r.to_invoice + r.commission + r.vat + r.held
        assert r.agency_iban == AGENCY_IBAN and r.payout_iban == creditor.iban
        transfer = _read(r.transfer)
        assert validate(transfer, PAIN001) == []
        assert etree.fromstring(transfer).findtext(f".//{P}InstdAmt") == f"{r.net}"
        invoice = _read(r.invoice)
        if FPR12.exists():
            assert validate(invoice, FPR12) == []
        doc = etree.fromstring(invoice)
        assert doc.findtext(".//DatiRiepilogo/ImponibileImporto") == f"{r.commission}"
        assert doc.findtext(".//DatiRiepilogo/Imposta") == f"{r.vat}"
        assert _read(r.statement).startswith(b"%PDF") and _read(r.workbook).startswith(b"PK")
        # the next issue finds nothing new
        again = remittance_issue(tenant=tenant, actor=system_actor(tenant), creditor=creditor, until=until)
        assert again is None
