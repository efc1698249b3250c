"""Letters state facts: every template rendered with and without each prior reminder, read back from the PDF.

The wording must follow the case's history (no "Nonostante i precedenti solleciti" when none was sent), and
nothing empty may be printed: no "()", no licence words twice, no label with nothing after it.
"""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from recupero.channels.documents import KINDS, LetterData, Recipient, render_letter
from recupero.channels.documents.data import PriorContact
from recupero.channels.documents.examples import example_letter
from recupero.channels.documents.formatting import licence_parts

CREDITOR = "Luce Verde Energia S.p.A."
# As the demo tenant stores it: the words around the number are part of the field.
DEMO_LICENCE = "Licenza art. 115 TULPS n. 2187/2019 rilasciata dalla Questura di Milano"
HEADER_LICENCE = "Licenza art. 115 T.U.L.P.S. n. 2187/2019 – Questura di Milano"
LABELS = {"Pratica n.", "Per conto di", "Referente", "Telefono", "E-mail", "PEC", "PEC:", "IBAN", "Causale"}

HISTORIES = {
    "none": (),
    "letter": (PriorContact(date(2025, 2, 10), "letter"),),
    "letter_sms": (PriorContact(date(2025, 1, 20), "letter"), PriorContact(date(2025, 2, 10), "sms")),
}

# (kind, history) → sentences that must be in the letter, and words that must not.
EXPECTED: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("reminder_2", "none"): (
        (
            "Oggetto: Sollecito di pagamento – pratica n.",
            f"dalle verifiche contabili di {CREDITOR}, che ci ha affidato la gestione della posizione, risulta "
            "che i documenti indicati di seguito non sono ancora stati pagati, benché scaduti, per un totale di",
        ),
        ("Secondo sollecito", "facciamo seguito", "precedent"),
    ),
    ("reminder_2", "letter"): (
        (
            "Oggetto: Secondo sollecito di pagamento – pratica n.",
            "facciamo seguito al nostro precedente sollecito (lettera del 10/02/2025), al quale a oggi non "
            "risulta alcun riscontro.",
        ),
        ("precedenti solleciti",),
    ),
    ("reminder_2", "letter_sms"): (
        (
            "Oggetto: Secondo sollecito di pagamento – pratica n.",
            "facciamo seguito ai nostri precedenti solleciti (lettera del 20/01/2025 e SMS del 10/02/2025), ai "
            "quali a oggi non risulta alcun riscontro.",
        ),
        (),
    ),
    ("formal_demand", "none"): (
        ("I documenti indicati nel prospetto che segue risultano non pagati, benché scaduti.",),
        ("Nonostante", "precedent", "sollecito ("),
    ),
    ("formal_demand", "letter"): (
        (
            "Nonostante il precedente sollecito (lettera del 10/02/2025), i documenti indicati nel prospetto "
            "che segue risultano tuttora non pagati.",
        ),
        ("precedenti solleciti",),
    ),
    ("formal_demand", "letter_sms"): (
        (
            "Nonostante i precedenti solleciti (lettera del 20/01/2025 e SMS del 10/02/2025), i documenti "
            "indicati nel prospetto che segue risultano tuttora non pagati.",
        ),
        (),
    ),
}
# The other kinds say nothing about earlier reminders, whatever the history.
SILENT = ("precedent", "Nonostante", "facciamo seguito")


def _agency(kind: str, sparse: bool) -> object:
    agency = example_letter(kind).agency
    changes: dict[str, str] = {"licence_number": DEMO_LICENCE, "licence_authority": "", "email": ""}
    if sparse:  # an agency that filled in nothing but its name and address
        changes |= {"phone": "", "pec": "", "opening_hours": "", "privacy_contact": "", "privacy_url": ""}
    return dataclasses.replace(agency, **changes)


def _letter(kind: str, history: str, *, sparse: bool = False, by_pec: bool = True) -> LetterData:
    data = example_letter(kind)
    recipient = (
        Recipient(
            "Mario Rossi", ("PEC: mario.rossi@pec.example.it",), "", "", "", salutation="Gentile Mario Rossi,"
        )
        if by_pec
        else data.recipient
    )
    return dataclasses.replace(
        data, agency=_agency(kind, sparse), recipient=recipient, prior_contacts=HISTORIES[history]
    )


def _text(pdf: bytes) -> tuple[str, list[str], int]:
    """(the text as one line, its lines, pages): sentences are checked whatever line they were broken on."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    raw = "\n".join(page.extract_text() for page in pages)
    lines = [line.strip() for line in raw.splitlines()]
    return " ".join(raw.split()), lines, len(pages)


def _assert_nothing_empty(flat: str, lines: list[str], pages: int) -> None:
    assert not re.search(r"\(\s*\)", flat), "parentheses with nothing inside"
    assert "n. Licenza" not in flat and "TULPS" not in flat
    # The licence once in the header and once in each page's footer.
    assert flat.count(HEADER_LICENCE) == 1
    assert flat.count("Licenza art. 115 T.U.L.P.S. n. 2187/2019") == 1 + pages
    assert not LABELS & set(lines), "a label with nothing after it"
    assert not re.search(r"\s[,.;:]", flat), "punctuation after a blank"
    assert " – –" not in flat and "– –" not in flat


@pytest.mark.parametrize("history", sorted(HISTORIES))
@pytest.mark.parametrize("kind", KINDS)
def test_each_template_states_only_what_the_history_holds(kind, history):
    flat, lines, pages = _text(render_letter(kind, _letter(kind, history)))
    present, absent = EXPECTED.get((kind, history), ((), SILENT))
    for sentence in present:
        assert sentence in flat, sentence
    for words in absent:
        assert words not in flat, words
    _assert_nothing_empty(flat, lines, pages)
    assert "PEC: mario.rossi@pec.example.it" in lines  # the recipient's PEC box, and no CAP line under it


@pytest.mark.parametrize("kind", KINDS)
def test_an_agency_with_no_contacts_prints_no_empty_clause(kind):
    flat, lines, pages = _text(render_letter(kind, _letter(kind, "letter", sparse=True)))
    _assert_nothing_empty(flat, lines, pages)
    assert (
        "Per informazioni o per concordare il pagamento può scriverci all’indirizzo indicato in alto." in flat
    )
    assert "Telefono" not in flat and "E-mail" not in flat and "contattarci al" not in flat
    assert "Regolamento e proporre reclamo" in flat  # the privacy clause without an empty "scrivendo a"


def test_contacts_sentence_names_only_what_exists():
    flat, _, _ = _text(render_letter("reminder_1", _letter("reminder_1", "none")))
    assert (
        "può contattarci al 011 555 0123 (lun-ven 9:00-18:00, sab 9:00-13:00) o scrivere alla PEC "
        "alfaservizi@pec.example.it." in flat
    )


def test_a_postal_letter_keeps_its_cap_line():
    _, lines, _ = _text(render_letter("reminder_1", _letter("reminder_1", "none", by_pec=False)))
    assert "00184 ROMA (RM)" in lines


@pytest.mark.parametrize(
    ("stored", "parts"),
    [
        (DEMO_LICENCE, ("2187/2019", "Questura di Milano")),
        (
            "Licenza art. 115 T.U.L.P.S. n. 1234/2019 – Questura di Torino",
            ("1234/2019", "Questura di Torino"),
        ),
        ("Licenza art. 115 T.U.L.P.S. n. Licenza art. 115 TULPS n. 9/2020", ("9/2020", "")),
        ("art. 115 TULPS n° 77/2018, Questura di Roma", ("77/2018", "Questura di Roma")),
        ("Licenza n. 12-2020 - Questura di Bari", ("12-2020", "Questura di Bari")),
        ("Lic. 123/2020 Questura di Milano", ("123/2020", "Questura di Milano")),
        ("1234/2019", ("1234/2019", "")),
        ("", ("", "")),
    ],
)
def test_licence_parts(stored, parts):
    assert licence_parts(stored) == parts


@pytest.mark.parametrize(
    ("recipient", "lines"),
    [
        (
            Recipient("Mario Rossi", ("Via Roma 1",), "00184", "Roma", "RM"),
            ["Mario Rossi", "Via Roma 1", "00184 ROMA (RM)"],
        ),
        (Recipient("Mario Rossi", ("PEC: m@pec.it",), "", "", ""), ["Mario Rossi", "PEC: m@pec.it"]),
        (
            Recipient("Mario Rossi", ("Via Roma 1",), "00184", "Roma", ""),
            ["Mario Rossi", "Via Roma 1", "00184 ROMA"],
        ),
        (
            Recipient("Mario Rossi", ("", "Via Roma 1"), "", "Roma", "RM"),
            ["Mario Rossi", "Via Roma 1", "ROMA (RM)"],
        ),
    ],
)
def test_window_lines_leave_out_what_is_missing(recipient, lines):
    assert recipient.window_lines() == lines


@pytest.mark.parametrize(
    ("prior", "history"),
    [
        ((), {"count": 0, "summary": ""}),
        ((PriorContact(date(2025, 2, 10), "pec"),), {"count": 1, "summary": "PEC del 10/02/2025"}),
        (
            # Listed by date whatever order they came in; every channel by its Italian name.
            (
                PriorContact(date(2025, 2, 10), "registered"),
                PriorContact(date(2025, 1, 5), "email"),
                PriorContact(date(2025, 1, 20), "letter"),
                PriorContact(date(2025, 2, 1), "sms"),
            ),
            {
                "count": 4,
                "summary": "e-mail del 05/01/2025, lettera del 20/01/2025, SMS del 01/02/2025 e "
                "raccomandata A/R del 10/02/2025",
            },
        ),
    ],
)
def test_history_in_words(prior, history):
    assert (
        dataclasses.replace(example_letter("formal_demand"), prior_contacts=prior).to_dict()["history"]
        == history
    )


def test_the_letter_prints_the_cases_rf_reference_beside_the_causale():
    data = _letter("reminder_1", "none")
    data = dataclasses.replace(
        data, payment=dataclasses.replace(data.payment, rf_reference="RF36 P000 0001 8")
    )
    flat, lines, pages = _text(render_letter("reminder_1", data))
    assert "Rif. RF RF36 P000 0001 8 (riferimento strutturato, se la banca lo chiede)" in flat
    _assert_nothing_empty(flat, lines, pages)
    without, _, _ = _text(render_letter("reminder_1", _letter("reminder_1", "none")))
    assert "Rif. RF" not in without
