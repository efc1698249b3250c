"""Cross-app scenario: a small portfolio → the daily run → letters rendered, e-mails caught by a local SMTP
server (aiosmtpd), a PEC sent and its delivery receipt ingested (prescription interrupted), call and visit items
in the queues; a second run the same day sends nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from recupero.cases.domain.claims import ClaimType
from recupero.channels.models import Communication, PrintBatch
from recupero.channels.services import pec_ingest
from recupero.core.clock import now
from recupero.core.permissions import system_actor
from recupero.ledger.position import case_position
from recupero.strategies.models import StepExecution
from recupero.strategies.services import strategy_run
from recupero.worklists.selectors import call_queue, visit_queue
from tests import portfolio as b

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]
DAY = dt.date(2026, 3, 2)  # a Monday


def _history(t, c, strategy, steps, on):
    for code, action, channel in steps:
        StepExecution.objects.create(
            tenant=t,
            case=c,
            strategy_code=strategy,
            step_code=code,
            action=action,
            channel=channel,
            scheduled_for=on,
            idempotency_key=f"{c.pk}:{strategy}:{code}",
            created_at=now(),
        )


def _delivery_receipt(message_id: str, to: str, when: str = "02/03/2026", at: str = "10:15:00") -> bytes:
    daticert = f"""<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="avvenuta-consegna" errore="nessuno">
  <intestazione><mittente>pec@alfa.example.it</mittente><destinatari tipo="certificato">{to}</destinatari>
  <risposte>pec@alfa.example.it</risposte><oggetto>Comunicazione formale</oggetto></intestazione>
  <dati><gestore-emittente>PEC Test S.p.A.</gestore-emittente><data zona="+0100"><giorno>{when}</giorno>
  <ora>{at}</ora></data><identificativo>opec-1@pec.test</identificativo><msgid>&lt;{message_id}&gt;</msgid>
  <ricevuta tipo="completa" /><consegna>{to}</consegna></dati>
</postacert>"""
    return (
        "From: posta-certificata@pec.test\nTo: pec@alfa.example.it\nSubject: CONSEGNA: Comunicazione formale\n"
        f"X-Ricevuta: avvenuta-consegna\nX-Riferimento-Message-ID: <{message_id}>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="X"\n\n--X\nContent-Type: text/plain; charset=utf-8\n\n'
        f"Il giorno {when} alle ore {at} (+0100) il messaggio e' stato consegnato.\n--X\n"
        'Content-Type: application/xml; name="daticert.xml"\nContent-Disposition: attachment; filename="daticert.xml"'
        f"\n\n{daticert}\n--X--\n"
    ).encode()


UTILITY_BEFORE_DEMAND = [
    ("reminder", "email_reminder", "email"),
    ("letter_1", "reminder_letter_1", "post"),
    ("call_1", "phone_call", "phone"),
    ("letter_2", "reminder_letter_2", "post"),
]
TELCO_BEFORE_VISIT = [
    ("reminder", "sms_reminder", "sms"),
    ("letter_1", "reminder_letter_1", "post"),
    ("call_1", "phone_call", "phone"),
    ("call_2", "phone_call", "phone"),
    ("letter_2", "reminder_letter_2", "post"),
]


def test_daily_run_end_to_end(smtp, django_capture_on_commit_callbacks):
    sink, port = smtp
    t = b.tenant()
    utility = b.creditor(t, sector="utility")
    telco = b.creditor(t, sector="telco")
    by_mail = b.case(t, utility, b.debtor(t, email=True))
    by_letter = b.case(t, utility, b.debtor(t))
    _history(t, by_letter, "utility-consumer", UTILITY_BEFORE_DEMAND[:1], DAY - dt.timedelta(days=20))
    by_pec = b.case(t, utility, b.debtor(t, pec=True))
    _history(t, by_pec, "utility-consumer", UTILITY_BEFORE_DEMAND, DAY - dt.timedelta(days=40))
    to_call = b.case(t, utility, b.debtor(t, mobile=True), amount="340.00")
    _history(t, to_call, "utility-consumer", UTILITY_BEFORE_DEMAND[:2], DAY - dt.timedelta(days=20))
    to_visit = b.case(t, telco, b.debtor(t), amount="800.00", claim_type=ClaimType.TELECOM)
    _history(t, to_visit, "telco", TELCO_BEFORE_VISIT, DAY - dt.timedelta(days=20))

    smtp_cfg = {"backend": "smtp", "host": "127.0.0.1", "port": port}
    channels = {
        "email": {**smtp_cfg, "sender": "avvisi@alfa.example.it"},
        "pec": {**smtp_cfg, "sender": "pec@alfa.example.it"},
    }
    with override_settings(RECUPERO_CHANNELS=channels), django_capture_on_commit_callbacks(execute=True):
        report = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY)
    assert report.cases_seen == 5 and report.steps_executed == 5
    assert dict(report.by_action) == {
        "email_reminder": 1,
        "reminder_letter_1": 1,
        "formal_demand_pec": 1,
        "phone_call": 1,
        "home_visit": 1,
    }
    # the letter: rendered, attached to the case, in the day's print batch
    letter = Communication.objects.get(case=by_letter)
    assert letter.status == "sent" and letter.document.read(5) == b"%PDF-"
    assert PrintBatch.objects.get().letters == 1
    # e-mail and PEC caught by the SMTP server
    assert sorted(m["To"] for m in sink.messages) == sorted(
        [Communication.objects.get(case=by_mail).address, Communication.objects.get(case=by_pec).address]
    )
    mail = next(m for m in sink.messages if m["Subject"].startswith("Promemoria"))
    assert by_mail.code in mail.get_body(("plain",)).get_content()
    # the PEC delivery receipt interrupts prescription on its Italian date
    pec = Communication.objects.get(case=by_pec)
    assert pec.status == "sent" and pec.document
    assert case_position(case=by_pec, today=DAY).earliest_prescription.deadline == dt.date(2027, 2, 10)
    result = pec_ingest(
        tenant=t, actor=system_actor(t), raw=_delivery_receipt(pec.provider_message_id, pec.address)
    )
    assert (result.case, result.status, result.interrupted_prescription) == (by_pec.code, "delivered", True)
    assert case_position(case=by_pec, today=DAY).earliest_prescription.deadline == dt.date(2028, 3, 2)
    # people's queues
    calls = call_queue(tenant=t, actor=system_actor(t), today=DAY, at=dt.time(10, 0))
    assert [i.case_id for i in calls] == [to_call.pk]
    assert [i.case_id for i in visit_queue(tenant=t, actor=system_actor(t), today=DAY)] == [to_visit.pk]
    # the second run the same day sends nothing
    sent_before = len(sink.messages)
    with (
        override_settings(RECUPERO_CHANNELS=channels),
        django_capture_on_commit_callbacks(execute=True) as cbs,
    ):
        again = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY)
    assert again.steps_executed == 0 and dict(again.skipped) == {"already_done": 5}
    assert cbs == [] and len(sink.messages) == sent_before
    assert Communication.objects.count() == 3
