"""Issue 10: a debtor abroad gets a letter addressed for international post — no Italian province, the
postcode and town as stored, the country's name in capitals on the last line — read back from the PDF."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader

from recupero.channels.documents import KINDS, Recipient, render_letter
from recupero.channels.documents.examples import example_letter

BERLIN = Recipient("Hans Müller", ("Invalidenstraße 117",), "", "10115 Berlin", "", country="DE")


@pytest.mark.parametrize(
    ("recipient", "lines"),
    [
        (BERLIN, ["Hans Müller", "Invalidenstraße 117", "10115 BERLIN", "GERMANIA"]),
        # a stray Italian province on a foreign address is not printed
        (
            Recipient("Jean Dupont", ("12 rue de Rivoli",), "", "75001 Paris", "PA", country="FR"),
            ["Jean Dupont", "12 rue de Rivoli", "75001 PARIS", "FRANCIA"],
        ),
        (
            Recipient("Anna Keller", ("Bahnhofstrasse 1",), "", "8001 Zürich", "", country="ch"),
            ["Anna Keller", "Bahnhofstrasse 1", "8001 ZÜRICH", "SVIZZERA"],
        ),
        # abroad, country unknown: nothing invented
        (
            Recipient("X Y", ("Main St 1",), "", "Springfield", "", country=""),
            ["X Y", "Main St 1", "SPRINGFIELD"],
        ),
        # Italy: as before, no country line
        (
            Recipient("Mario Rossi", ("Via Roma 1",), "00184", "Roma", "RM"),
            ["Mario Rossi", "Via Roma 1", "00184 ROMA (RM)"],
        ),
    ],
)
def test_window_lines_abroad(recipient, lines):
    assert recipient.window_lines() == lines


@pytest.mark.parametrize("kind", KINDS)
def test_the_rendered_letter_ends_its_address_with_the_country(kind):
    data = dataclasses.replace(example_letter(kind), recipient=BERLIN)
    pages = PdfReader(io.BytesIO(render_letter(kind, data))).pages
    lines = [line.strip() for line in pages[0].extract_text().splitlines()]
    start = lines.index("Hans Müller")
    assert lines[start : start + 4] == ["Hans Müller", "Invalidenstraße 117", "10115 BERLIN", "GERMANIA"]
    flat = " ".join(lines)
    assert "()" not in flat and "(DE)" not in flat


@pytest.mark.django_db
def test_a_letter_to_a_debtor_imported_abroad_is_addressed_for_international_post():
    import datetime as dt

    from recupero.channels.letters import letter_data
    from recupero.channels.models import Communication
    from recupero.channels.services import CommunicationSpec, communications_queue
    from recupero.core.permissions import system_actor
    from recupero.parties.domain.contacts import ContactKind
    from recupero.parties.models import ContactPoint
    from recupero.parties.services import contact_add
    from tests import portfolio as b

    t = b.tenant()
    case = b.case(t, b.creditor(t), b.debtor(t, address=False))
    contact_add(
        tenant=t,
        actor=system_actor(t),
        debtor=case.debtor,
        kind=ContactKind.ADDRESS,
        value="Invalidenstraße 117",
        municipality="10115 Berlin",
        country="DE",
    )
    point = ContactPoint.objects.get(debtor=case.debtor, kind="address")
    assert (point.cap, point.province, point.country) == ("", "", "DE")
    spec = CommunicationSpec(
        case.pk, "letter", "reminder_1", "step", "action", point.pk, point.value, dt.date(2026, 3, 2), "k1"
    )
    communications_queue(tenant=t, actor=system_actor(t), specs=[spec])
    data = letter_data(Communication.objects.get(idempotency_key="k1"), letter_date=dt.date(2026, 3, 2))
    assert data.recipient.window_lines() == ["Mario Rossi", "Invalidenstraße 117", "10115 BERLIN", "GERMANIA"]
