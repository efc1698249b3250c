"""Every letter, e-mail and SMS carries the debtor's personal link and the case code; the one-time code goes
to a verified contact through the channel's provider (the e-mail through SMTP)."""

from __future__ import annotations

import email
import io
import re
from email import policy

import pytest
from django.test import override_settings
from pypdf import PdfReader

from recupero.cases.access import access_link_by_token, access_link_issue, access_verify
from recupero.cases.domain.access import Verdict
from recupero.cases.models import AccessLink
from recupero.channels.access_codes import access_code_send
from recupero.channels.models import Communication
from recupero.channels.providers.fake import FakeProvider
from recupero.channels.services import communications_send
from recupero.channels.tests.test_services import DAY, _queue
from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.parties.models import ContactPoint
from tests import portfolio as b

pytestmark = pytest.mark.django_db
PUBLIC = "https://pagamenti.alfa.example.it"
LINK = re.compile(re.escape(PUBLIC) + r"/d/([0-9a-z]+-[a-z2-7]{12})/")


@override_settings(RECUPERO_PUBLIC_URL=PUBLIC)
def test_letter_email_and_sms_of_a_case_carry_the_same_working_link():
    FakeProvider.outbox.clear()
    t = b.tenant()
    cr = b.creditor(t)
    c = b.case(t, cr, b.debtor(t, email=True, mobile=True))
    comms = [
        _queue(t, c, "letter", "reminder_1", "address"),
        _queue(t, c, "email", "reminder_soft", "email"),
        _queue(t, c, "sms", "reminder_soft", "mobile"),
    ]
    counts = communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[x.pk for x in comms], on=DAY)
    assert counts == {"sent": 3}
    email_body, sms_body = (m.body for m in sorted(FakeProvider.outbox, key=lambda m: m.kind))
    with Communication.objects.get(pk=comms[0].pk).document.open("rb") as fh:
        letter = "".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)
    tokens = {LINK.search(text.replace("\n", "")).group(1) for text in (email_body, sms_body, letter)}
    assert len(tokens) == 1 and AccessLink.objects.filter(case=c).count() == 1  # one link for the chunk
    assert c.code in email_body and c.code in sms_body and c.code in letter
    assert "ultime 5 cifre" in email_body and "ultime 5 cifre" in letter
    link = access_link_by_token(tokens.pop())
    assert link is not None and link.case_id == c.pk
    # a later sending reuses the live link
    again = _queue(t, c, "sms", "reminder_soft", "mobile", key="again")
    communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[again.pk], on=DAY)
    assert LINK.search(FakeProvider.outbox[-1].body).group(1) == LINK.search(sms_body).group(1)


def test_one_time_code_by_email_through_smtp_opens_the_link_once(smtp_server):
    sink, port = smtp_server
    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t, email=True))
    point = ContactPoint.objects.get(debtor_id=c.debtor_id, kind="email")
    link, _token = access_link_issue(tenant=t, actor=system_actor(t), case=c)
    with pytest.raises(DomainError) as err:  # not verified yet: no code goes there
        access_code_send(link=link, contact_id=point.pk)
    assert err.value.code == "access.no_contact"
    ContactPoint.objects.filter(pk=point.pk).update(status="valid")
    config = {
        "email": {"backend": "smtp", "host": "127.0.0.1", "port": port, "sender": "avvisi@alfa.example.it"}
    }
    with override_settings(RECUPERO_CHANNELS=config):
        access_code_send(link=link, contact_id=point.pk)
        with pytest.raises(DomainError) as err:
            access_code_send(link=link, contact_id=point.pk)
        assert err.value.code == "access.code_recent"
    ((_sender, _rcpts, raw),) = sink.messages
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["To"] == point.value and c.code in msg["Subject"]
    code = re.match(r"(\d{6}) ", msg.get_content()).group(1)
    link.refresh_from_db()
    assert code not in link.otp_digest  # only its digest is kept
    assert access_verify(link=link, ip="10.0.0.1", answer=code, factor="otp")[0] == Verdict.OPEN
    assert access_verify(link=link, ip="10.0.0.1", answer=code, factor="otp")[0] == Verdict.WRONG  # used
    assert list(
        c.timeline.filter(kind__startswith="access.").values_list("kind", flat=True).order_by("id")
    ) == [
        "access.issued",
        "access.code_sent",
        "access.verified",
        "access.failed",
    ]
