"""The written summary of an agreement by post: offered on the arrangement's page, composed as a Typst letter with
the agreed schedule, the personal acceptance link and the case code, and a space to sign and send it back; the
link printed on the letter accepts the agreement like the e-mail's."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from recupero.arrangements.models import Acceptance, Arrangement, ArrangementPolicy
from recupero.cases.models import TimelineEvent
from recupero.channels.models import Communication
from recupero.channels.services import communications_send
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.parties.services import mandate_create
from tests import portfolio as b
from tests.factories import make_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)
RULES = {
    "plan_bands": [{"debtor": "any", "max_instalments": 6, "max_months": 6, "min_instalment": "50.00"}],
    "interest": "waived",
    "grace_days": 5,
    "approval_days": 10,
    "acceptance_days": 15,
}


def _text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages).replace("’", "'")


@time_machine.travel(NOW, tick=False)
def test_summary_by_letter_prints_schedule_link_and_how_to_sign_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.RECUPERO_PUBLIC_URL = "https://pratiche.example.it"
    t = b.tenant()
    cr = b.creditor(t)
    m = mandate_create(
        tenant=t, actor=system_actor(t), creditor=cr, reference="M1", starts_on=dt.date(2025, 1, 1)
    )
    ArrangementPolicy.objects.create(tenant=t, mandate=m, rules=RULES)
    case = b.case(t, cr, b.debtor(t), amount="1000.01", due=dt.date(2025, 2, 10))  # a postal address only
    collector = Client()
    collector.force_login(make_user(t, Role.COLLECTOR))
    collector.post(
        reverse("backoffice:case_arrangements", args=[case.pk]),
        {"kind": "plan", "instalments": "4", "frequency": "monthly", "first_due": "2026-03-31"},
    )
    plan = Arrangement.objects.get(case=case)
    page = collector.get(reverse("backoffice:arrangement_detail", args=[plan.pk])).content.decode()
    assert '<option value="letter">Lettera (da firmare e restituire)</option>' in page
    sent = collector.post(reverse("backoffice:arrangement_summary", args=[plan.pk]), {"channel": "letter"})
    assert sent.status_code == 302
    comm = Communication.objects.get(case=case, template="arrangement_summary")
    assert (comm.kind, comm.status, comm.idempotency_key) == (
        "letter",
        "queued",
        f"arrangement-summary:{Acceptance.objects.get(arrangement=plan).pk}:letter",
    )

    assert communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[comm.pk], on=NOW.date()) == {
        "sent": 1
    }
    comm.refresh_from_db()
    assert comm.print_batch is not None
    text = _text(comm.document.read())
    assert f"Oggetto: Riepilogo dell'accordo di pagamento – pratica n. {case.code}" in text
    assert "l'importo concordato è di 1.000,01 €" in text
    # the schedule to the cent, the remainder on the last instalment
    for row in (
        "1 31/03/2026 250,00 €",
        "2 30/04/2026 250,00 €",
        "3 31/05/2026 250,00 €",
        "4 30/06/2026 250,01 €",
    ):
        assert row in text
    assert "Interessi rinunciati. Un pagamento si considera puntuale se ricevuto entro 5 giorni" in text
    # the personal link, as the page would give it (a long line may wrap in the PDF's text)
    link = re.search(r"https://pratiche\.example\.it/accordo/[^/]+/", re.sub(r"\s", "", text)).group(0)
    assert "Come accettare l'accordo – entro il 17/03/2026" in text
    assert (
        f"citando la pratica n. {case.code}" in text and "Per accettazione – data" in text and "Firma" in text
    )
    assert "riconosce il debito indicato (artt. 1988 e 2944 c.c.)" in text
    assert "Scadenze alle date indicate nel piano" in text

    # the link printed on the letter is the debtor's own: it accepts the agreement
    accepted = Client(REMOTE_ADDR="198.51.100.7").post(link.removeprefix("https://pratiche.example.it"))
    assert accepted.status_code == 200 and 'data-testid="accepted"' in accepted.content.decode()
    offer = Acceptance.objects.get(arrangement=plan)
    assert (offer.accepted_channel, offer.accepted_ip) == ("web", "198.51.100.7")


@time_machine.travel(NOW, tick=False)
def test_summary_by_letter_needs_a_postal_address():
    t = b.tenant()
    case = b.case(t, b.creditor(t), b.debtor(t, address=False, email=True), amount="300.00")
    collector = Client()
    collector.force_login(make_user(t, Role.COLLECTOR))
    collector.post(
        reverse("backoffice:case_arrangements", args=[case.pk]),
        {"kind": "promise", "amount": "300.00", "due": "2026-03-20"},
    )
    plan = Arrangement.objects.get(case=case)
    done = collector.post(reverse("backoffice:arrangement_summary", args=[plan.pk]), {"channel": "letter"})
    page = collector.get(done.url).content.decode()
    assert "Il debitore non ha un recapito valido per l'invio (letter)." in page.replace("&#x27;", "'")
    assert not Communication.objects.filter(case=case).exists()


@time_machine.travel(NOW, tick=False)
def test_a_signed_copy_returned_by_post_is_recorded_from_the_arrangement_page(settings, tmp_path):
    """The letter offers «sign it and send it back»: the operator records the signed copy — channel «letter», no
    address — with the link's effects (an acknowledgment of the debt on the case); a second record is refused."""
    settings.MEDIA_ROOT = tmp_path
    t = b.tenant()
    cr = b.creditor(t)
    m = mandate_create(
        tenant=t, actor=system_actor(t), creditor=cr, reference="M1", starts_on=dt.date(2025, 1, 1)
    )
    ArrangementPolicy.objects.create(tenant=t, mandate=m, rules=RULES)
    case = b.case(t, cr, b.debtor(t), amount="1000.01", due=dt.date(2025, 2, 10))
    collector = Client()
    collector.force_login(make_user(t, Role.COLLECTOR))
    collector.post(
        reverse("backoffice:case_arrangements", args=[case.pk]),
        {"kind": "plan", "instalments": "4", "frequency": "monthly", "first_due": "2026-03-31"},
    )
    plan = Arrangement.objects.get(case=case)
    collector.post(reverse("backoffice:arrangement_summary", args=[plan.pk]), {"channel": "letter"})
    offer = Acceptance.objects.get(arrangement=plan)
    page = collector.get(reverse("backoffice:arrangement_detail", args=[plan.pk])).content.decode()
    assert f'data-testid="signed-{offer.pk}"' in page

    url = reverse("backoffice:arrangement_signed", args=[plan.pk])
    assert collector.post(url, {"acceptance": "x1"}).status_code == 302  # not a number: nothing recorded
    offer.refresh_from_db()
    assert offer.accepted_at is None
    assert collector.post(url, {"acceptance": str(offer.pk)}).status_code == 302
    offer.refresh_from_db()
    assert (offer.accepted_at, offer.accepted_channel, offer.accepted_ip) == (NOW, "letter", None)
    acknowledged = TimelineEvent.objects.filter(
        case=case, kind="prescription.event", data__event="acknowledgment"
    )
    assert [e.data["when"] for e in acknowledged] == ["2026-03-02"]
    again = collector.post(url, {"acceptance": str(offer.pk)}, follow=True).content.decode()
    assert "Questo riepilogo è già stato accettato il 02/03/2026." in again
    assert acknowledged.count() == 1
