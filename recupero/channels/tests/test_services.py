"""Channels through the database: letters rendered and attached, e-mail over real SMTP (aiosmtpd), bounces,
PEC receipts (real samples) interrupting prescription, SMS through a local HTTP gateway, raccomandate."""

from __future__ import annotations

import datetime as dt
import email
import io
import json
from email import policy
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from recupero.cases.domain.claims import ClaimType
from recupero.channels.domain.states import CommStatus, can_transition
from recupero.channels.models import Communication, CommunicationEvidence, PrintBatch
from recupero.channels.services import (
    CommunicationSpec,
    communications_queue,
    communications_queue_new,
    communications_send,
    email_bounce_ingest,
    pec_ingest,
    registered_import,
    registered_record,
    sms_dlr_record,
)
from recupero.core.permissions import system_actor
from recupero.ledger.position import case_position
from recupero.parties.models import ContactPoint
from tests import portfolio as b

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "pec"
ARUBA_MSGID = (
    "1542123565.921546936035156.464602125997431-openerp-8-fatturapa.attachment.out@elbati-Vostro-3550"
)


def _queue(t, c, kind, template, contact_kind, key=None):
    point = ContactPoint.objects.filter(debtor_id=c.debtor_id, kind=contact_kind).first()
    key = key or f"{c.pk}:test:{template}:{kind}"
    communications_queue(
        tenant=t,
        actor=system_actor(t),
        specs=[
            CommunicationSpec(
                c.pk,
                kind,
                template,
                "step",
                "action",
                point.pk if point else None,
                point.value if point else "",
                DAY,
                key,
            )
        ],
    )
    return Communication.objects.get(idempotency_key=key)


def test_queue_new_returns_inserted_ids_by_kind_and_ignores_existing_keys():
    from django.db import transaction

    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t))

    def spec(kind, key):
        return CommunicationSpec(c.pk, kind, "tpl", "step", "action", None, "", DAY, key)

    with transaction.atomic():  # twice in one transaction: the staging table is emptied between calls
        first = communications_queue_new(
            tenant=t, actor=system_actor(t), specs=[spec("email", "q1"), spec("sms", "q2")]
        )
        again = communications_queue_new(
            tenant=t, actor=system_actor(t), specs=[spec("email", "q1"), spec("email", "q3")]
        )
    ids = dict(Communication.objects.values_list("idempotency_key", "id"))
    assert first == {"email": [ids["q1"]], "sms": [ids["q2"]]}
    assert again == {"email": [ids["q3"]]}  # q1 existed: left alone, not returned
    assert (
        communications_queue(tenant=t, actor=system_actor(t), specs=[spec("email", "q1"), spec("sms", "q4")])
        == 1
    )
    assert Communication.objects.count() == 4


def test_transition_table():
    assert can_transition("queued", "rendered") and can_transition("sent", "delivered")
    assert not can_transition("delivered", "queued") and not can_transition("failed", "sent")


def test_letters_rendered_attached_and_batched():
    t = b.tenant()
    cr = b.creditor(t)
    cases = [b.case(t, cr, b.debtor(t)) for _ in range(2)]
    comms = [_queue(t, c, "letter", "reminder_1", "address") for c in cases]
    counts = communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[c.pk for c in comms], on=DAY)
    assert counts == {"sent": 2}
    for comm in Communication.objects.all():
        with comm.document.open("rb") as fh:
            assert fh.read(5) == b"%PDF-"
        assert comm.print_batch is not None
    batch = PrintBatch.objects.get()
    assert (batch.on, batch.seq, batch.letters) == (DAY, 1, 2)
    with batch.manifest.open("rb") as fh:
        manifest = fh.read().decode()
    assert cases[0].code in manifest and cases[1].code in manifest
    event = cases[0].timeline.filter(kind="communication.sent").get()
    assert (event.data["communication"], event.data["document"]) == (comms[0].pk, True)
    assert "document_url" not in event.data  # no back-office link stored by channels: web builds it
    # idempotent: a second task with the same ids does nothing
    assert communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[c.pk for c in comms], on=DAY) == {}


def test_email_over_smtp_end_to_end_and_bounce(smtp_server):
    sink, port = smtp_server
    t = b.tenant()
    cr = b.creditor(t)
    c = b.case(t, cr, b.debtor(t, email=True), amount="120.50")
    comm = _queue(t, c, "email", "reminder_soft", "email")
    config = {
        "email": {"backend": "smtp", "host": "127.0.0.1", "port": port, "sender": "avvisi@alfa.example.it"}
    }
    with override_settings(RECUPERO_CHANNELS=config):
        assert communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[comm.pk], on=DAY) == {
            "sent": 1
        }
    assert len(sink.messages) == 1
    _sender, rcpts, raw = sink.messages[0]
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert rcpts == [comm.contact.value] and msg["To"] == comm.contact.value
    assert msg["Subject"] == f"Promemoria di pagamento – pratica {c.code}"
    body = msg.get_content()
    assert c.code in body and "120,50 €" in body and "IT60X0542811101000000123456" in body
    comm.refresh_from_db()
    assert comm.status == "sent" and msg["Message-ID"].strip("<>") == comm.provider_message_id
    dsn = (
        "From: MAILER-DAEMON@example.it\nTo: avvisi@alfa.example.it\nSubject: Undelivered Mail\n"
        'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nUser unknown\n"
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.it\n\n"
        f"Final-Recipient: rfc822; {comm.contact.value}\nAction: failed\nStatus: 5.1.1\n"
        "--B\nContent-Type: text/rfc822-headers\n\n"
        f"Message-ID: <{comm.provider_message_id}>\nTo: {comm.contact.value}\n--B--\n"
    ).encode()
    result = email_bounce_ingest(tenant=t, actor=system_actor(t), raw=dsn)
    assert (result.case, result.status) == (c.code, "bounced")
    assert ContactPoint.objects.get(pk=comm.contact_id).status == "wrong"


def _pec_case(t):
    # Electricity, consumer, due 2018-06-01 (after 2018-03-01): 2 years → 2020-06-01 without interruption.
    cr = b.creditor(t)
    return b.case(
        t,
        cr,
        b.debtor(t, pec=True),
        due=dt.date(2018, 6, 1),
        opened=dt.date(2018, 9, 1),
        claim_type=ClaimType.ELECTRICITY,
    )


def test_pec_receipts_from_samples_interrupt_prescription():
    t = b.tenant()
    c = _pec_case(t)
    before = case_position(case=c, today=dt.date(2019, 1, 1)).earliest_prescription.deadline
    assert before == dt.date(2020, 6, 1)
    comm = _queue(t, c, "pec", "formal_demand", "pec")
    Communication.objects.filter(pk=comm.pk).update(status="sent", provider_message_id=ARUBA_MSGID)
    accepted_raw = (SAMPLES / "oca_aruba_ricevuta_accettazione_IT03339130126_00009.eml").read_bytes()
    accepted = pec_ingest(tenant=t, actor=system_actor(t), raw=accepted_raw)
    assert (accepted.type, accepted.case, accepted.status) == ("accettazione", c.code, "accepted")
    raw = (SAMPLES / "oca_aruba_ricevuta_avvenuta_consegna_IT03339130126_00009.eml").read_bytes()
    delivered = pec_ingest(tenant=t, actor=system_actor(t), raw=raw)
    assert delivered.type == "avvenuta-consegna" and delivered.status == "delivered"
    assert delivered.date == "2018-11-13T16:39:27+01:00" and delivered.interrupted_prescription
    after = case_position(case=c, today=dt.date(2019, 1, 1)).earliest_prescription.deadline
    assert after == dt.date(2020, 11, 13)
    assert CommunicationEvidence.objects.filter(communication=comm).count() == 2
    again = pec_ingest(tenant=t, actor=system_actor(t), raw=raw)
    assert again.problem == "duplicate"
    assert c.timeline.filter(kind="prescription.event").count() == 1


def test_pec_synthetic_receipt_for_our_message_and_errors():
    t = b.tenant()
    c = _pec_case(t)
    comm = _queue(t, c, "pec", "formal_demand", "pec")
    ours = "20260302.abc123@pec.alfa.example.it"
    Communication.objects.filter(pk=comm.pk).update(status="sent", provider_message_id=ours)
    raw = (SAMPLES / "biagiot_avviso_mancata_consegna_errore_consegna.eml").read_bytes()
    raw = raw.replace(b"SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@pec.it", ours.encode())
    raw = raw.replace(b"SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it", ours.encode())
    result = pec_ingest(tenant=t, actor=system_actor(t), raw=raw)
    assert (result.type, result.error, result.case, result.status) == (
        "errore-consegna",
        "no-dest",
        c.code,
        "bounced",
    )
    assert c.timeline.filter(kind="prescription.event").count() == 0


def test_pec_ingest_command_json():
    t = b.tenant()
    c = _pec_case(t)
    comm = _queue(t, c, "pec", "formal_demand", "pec")
    Communication.objects.filter(pk=comm.pk).update(status="accepted", provider_message_id=ARUBA_MSGID)
    out = io.StringIO()
    files = [
        str(SAMPLES / "oca_aruba_ricevuta_avvenuta_consegna_IT03339130126_00009.eml"),
        str(SAMPLES / "biagiot_ricevuta_accettazione.eml"),
    ]
    call_command("pec", "ingest", *files, "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [(r["type"], r["error"], r["case"]) for r in rows] == [
        ("avvenuta-consegna", "nessuno", c.code),
        ("accettazione", "nessuno", None),
    ]
    assert rows[0]["date"] == "2018-11-13T16:39:27+01:00" and rows[0]["message_id"] == ARUBA_MSGID


def test_sms_through_local_gateway_and_delivery_report(sms_gateway):
    received, url = sms_gateway
    t = b.tenant()
    cr = b.creditor(t)
    c = b.case(t, cr, b.debtor(t, mobile=True))
    comm = _queue(t, c, "sms", "reminder_soft", "mobile")
    with override_settings(RECUPERO_CHANNELS={"sms": {"backend": "sms_http", "url": url, "token": "s3cret"}}):
        communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[comm.pk], on=DAY)
    assert len(received) == 1
    assert received[0]["to"] == comm.contact.value and c.code in received[0]["text"]
    assert received[0]["auth"] == "Bearer s3cret" and received[0]["reference"] == comm.idempotency_key
    comm.refresh_from_db()
    assert (comm.status, comm.provider_message_id) == ("accepted", "gw-1")
    sms_dlr_record(tenant=t, actor=system_actor(t), message_id="gw-1", status="delivered")
    comm.refresh_from_db()
    assert comm.status == "delivered"


def test_registered_by_hand_and_by_csv(tmp_path):
    t = b.tenant()
    c = _pec_case(t)
    comm = _queue(t, c, "registered", "formal_demand", "address")
    Communication.objects.filter(pk=comm.pk).update(status="sent")
    registered_record(
        tenant=t,
        actor=system_actor(t),
        communication=comm,
        tracking_number="RR123456789IT",
        held_on=dt.date(2018, 10, 2),
    )
    comm.refresh_from_db()
    assert (comm.status, comm.tracking_number) == ("held", "RR123456789IT")
    assert case_position(case=c, today=dt.date(2019, 1, 1)).earliest_prescription.deadline == dt.date(
        2020, 10, 2
    )
    result = registered_import(
        tenant=t,
        actor=system_actor(t),
        lines=[
            "case_code;tracking_number;delivered_on;held_on;returned_on",
            f"{c.code};RR123456789IT;20/10/2018;;",
            "RC-NOPE;;01/01/2019;;",
        ],
    )
    assert result["rows"] == 1 and result["errors"][0]["line"] == 3
    comm.refresh_from_db()
    assert comm.status == "delivered"
    path = tmp_path / "esiti.csv"
    path.write_text("case_code,tracking_number,delivered_on,held_on,returned_on\nRC-NOPE,,,,\n")
    out = io.StringIO()
    call_command("registered", "import", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())["rows"] == 0


def test_failed_letter_without_iban_is_visible():
    t = b.tenant()
    t.iban = ""
    t.save()
    cr = b.creditor(t)
    cr.iban = ""
    cr.save()
    c = b.case(t, cr, b.debtor(t))
    comm = _queue(t, c, "letter", "reminder_1", "address")
    assert communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[comm.pk], on=DAY) == {"failed": 1}
    assert Communication.objects.get().status == CommStatus.FAILED


def test_postal_manifest_neutralises_formula_cells():
    """A debtor's name from a creditor's file must not become a formula in the postal provider's Excel."""
    import csv

    t = b.tenant()
    debtor = b.debtor(t)
    type(debtor).objects.filter(pk=debtor.pk).update(first_name='=HYPERLINK("http://x")')
    hostile = b.case(t, b.creditor(t), debtor)
    comm = _queue(t, hostile, "letter", "reminder_1", "address")
    assert communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[comm.pk], on=DAY) == {"sent": 1}
    with PrintBatch.objects.get().manifest.open("rb") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read().decode()), delimiter=";"))
    assert len(rows) == 1
    assert rows[0]["recipient"].startswith("'")
    assert "=HYPERLINK" in rows[0]["recipient"]
    assert not [value for value in rows[0].values() if value[:1] in ("=", "+", "-", "@")]
