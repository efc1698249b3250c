"""Letters: Italian formatting, the data contract, validation and Typst rendering (no database)."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from recupero.channels.documents import (
    KINDS,
    MANIFEST_FIELDS,
    check_letter,
    format_eur,
    manifest_rows,
    render_batch,
    render_batch_merged,
    render_batch_merged_with_pages,
    render_batch_split,
    render_letter,
    validate_letter,
)
from recupero.channels.documents.examples import example_letter
from recupero.channels.documents.formatting import format_date_long, format_rate
from recupero.channels.documents.render import WINDOW_FORBIDDEN, query_metadata
from recupero.channels.domain.errors import LetterError

PAGE = re.compile(rb"/Type\s*/Page\b")


def page_count(pdf: bytes) -> int:
    return len(PAGE.findall(pdf))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1053.15", "1.053,15 €"),
        ("0", "0,00 €"),
        ("40", "40,00 €"),
        ("999.999", "1.000,00 €"),
        ("1234567.891", "1.234.567,89 €"),
        ("0.005", "0,01 €"),  # half-up, never banker's rounding on a letter
        ("-50", "-50,00 €"),
    ],
)
def test_format_eur(value, text):
    assert format_eur(Decimal(value)) == text


def test_format_eur_refuses_float():
    with pytest.raises(TypeError):
        format_eur(1053.15)  # type: ignore[arg-type]


def test_rates_and_dates():
    assert format_rate(Decimal("12.15")) == "12,15%"
    assert format_rate(Decimal("8")) == "8,00%"
    assert format_rate(Decimal("2.125")) == "2,125%"
    assert format_date_long(date(2025, 3, 7)) == "7 marzo 2025"


def test_contract_is_preformatted_json_and_total_is_derived():
    data = example_letter("formal_demand")
    d = json.loads(data.to_json())
    assert d["claims"][0] == {
        "number": "2024/004100",
        "issue_date": "12/11/2024",
        "due_date": "02/12/2024",
        "amount": "80,00",
        "description": "Bolletta luce",
    }
    assert d["amounts"]["principal"] == "197,13"
    assert d["amounts"]["flat_compensation"] == "40,00"
    assert data.total == data.principal + Decimal("13.13") + Decimal("40.00") + Decimal("12.50")
    assert d["amounts"]["total"] == "262,76"
    assert d["payment"]["iban"] == "IT60 X054 2811 1010 0000 0123 456"
    assert d["recipient"]["window_lines"] == ["Mario Rossi", "Via Garibaldi 7, int. 3", "00184 ROMA (RM)"]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_renders_one_page(kind):
    pdf = render_letter(kind, example_letter(kind))
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_template_printed_case_code_total_and_a_neutral_window(kind):
    data = example_letter(kind, case_no=4711)
    meta = query_metadata(kind, data)
    window = next(m for m in meta if "sender" in m)
    end = next(m for m in meta if "pages" in m)
    assert end["case_code"] == "RC-2025-004711"
    assert end["total"] == data.to_dict()["amounts"]["total"]
    assert window["lines"] == ["Mario Rossi", "Via Garibaldi 7, int. 3", "00184 ROMA (RM)"]
    assert window["sender"] == "Alfa Servizi S.r.l. – Corso Vittorio Emanuele II 45, 10121 Torino (TO)"
    assert not WINDOW_FORBIDDEN.search(" ".join([window["sender"], *window["lines"]]))
    assert "recupero" not in json.dumps(window).lower()


def test_long_invoice_list_goes_to_a_second_page():
    pdf = render_letter("reminder_2", example_letter("reminder_2", claims=14, prospetto=5))
    assert page_count(pdf) == 2


def test_merged_batch_pages_and_duplex():
    items = [
        ("reminder_2", example_letter("reminder_2", claims=14, case_no=1)),  # 2 pages
        ("reminder_1", example_letter("reminder_1", case_no=2)),  # 1 page
        ("formal_demand", example_letter("formal_demand", case_no=3)),  # 1 page, after a blank in duplex
    ]
    simplex = render_batch_merged_with_pages(items)
    assert (simplex.pages, simplex.first_pages) == ((2, 1, 1), (1, 3, 4))
    assert page_count(simplex.pdf) == 4
    duplex = render_batch_merged_with_pages(items, duplex=True)
    assert (duplex.pages, duplex.first_pages) == ((2, 1, 1), (1, 3, 5))
    assert page_count(duplex.pdf) == 5
    assert render_batch_merged(items).startswith(b"%PDF-")
    singles = render_batch(items)
    assert [page_count(p) for p in singles] == [2, 1, 1]


@pytest.mark.parametrize("duplex", [False, True])
def test_split_batch_gives_each_letter_its_own_pdf(duplex):
    """One compile: the print file and the per-letter PDFs cut out of it (duplex blanks stay out)."""
    pytest.importorskip("pypdf")
    items = [
        ("reminder_2", example_letter("reminder_2", claims=14, case_no=1)),  # 2 pages
        ("reminder_1", example_letter("reminder_1", case_no=2)),
        ("formal_demand", example_letter("formal_demand", case_no=3)),
    ]
    batch = render_batch_split(items, duplex=duplex)
    assert batch.pages == (2, 1, 1)
    assert page_count(batch.pdf) == (5 if duplex else 4)
    assert len(batch.letters) == 3
    assert [page_count(p) for p in batch.letters] == [2, 1, 1]
    from pypdf import PdfReader

    for pdf, (_, data) in zip(batch.letters, items, strict=True):
        assert pdf.startswith(b"%PDF-")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert data.case_code in text.replace("\n", " ")
        others = {d.case_code for _, d in items} - {data.case_code}
        assert not any(code in text for code in others)


def test_manifest_rows():
    items = [("formal_demand", example_letter("formal_demand", case_no=9))]
    rows = manifest_rows(items)
    assert rows == [
        {
            "recipient": "Mario Rossi",
            "address_1": "Via Garibaldi 7, int. 3",
            "address_2": "",
            "postal_code": "00184",
            "municipality": "Roma",
            "province": "RM",
            "country": "IT",
            "registered": "si",
            "letter_kind": "formal_demand",
            "case_code": "RC-2025-000009",
            "pages": "1",
        }
    ]
    assert tuple(rows[0]) == MANIFEST_FIELDS


def test_window_sender_must_be_neutral():
    data = example_letter("reminder_1")
    loud = dataclasses.replace(
        data, agency=dataclasses.replace(data.agency, window_sender="Italia Recupero Crediti")
    )
    with pytest.raises(LetterError) as caught:
        render_letter("reminder_1", loud)
    assert caught.value.code == "letter.window_not_neutral"
    with pytest.raises(LetterError) as caught:  # the same refusal before a batch render
        check_letter("reminder_1", loud)
    assert caught.value.code == "letter.window_not_neutral"
    check_letter("reminder_1", data)
    empty = dataclasses.replace(data, agency=dataclasses.replace(data.agency, window_sender=""))
    with pytest.raises(LetterError):  # falls back to the agency name, "Alfa Gestione Crediti": not neutral
        render_letter("reminder_1", empty)


def _with(kind: str, **changes):
    return dataclasses.replace(example_letter(kind), **changes)


@pytest.mark.parametrize(
    ("kind", "data", "code"),
    [
        ("lettera_strana", example_letter("reminder_1"), "letter.unknown_kind"),
        ("reminder_1", _with("reminder_1", claims=()), "letter.no_claims"),
        ("bureau_notice", _with("bureau_notice", bureau=None), "letter.missing_bureau"),
        (
            "bureau_notice",
            _with(
                "bureau_notice",
                bureau=dataclasses.replace(
                    example_letter("bureau_notice").bureau,  # type: ignore[type-var]
                    earliest_report_date=date(2025, 3, 12) + timedelta(days=15),
                ),
            ),
            "letter.bureau_too_early",
        ),
        (
            "supply_suspension_notice",
            _with(
                "supply_suspension_notice",
                payment=dataclasses.replace(example_letter("reminder_1").payment, deadline=date(2025, 3, 26)),
            ),
            "letter.term_too_short",
        ),
        ("payment_plan_confirmation", _with("payment_plan_confirmation", plan=None), "letter.missing_plan"),
    ],
)
def test_validation_refuses_with_stable_codes(kind, data, code):
    with pytest.raises(LetterError) as caught:
        validate_letter(kind, data)
    assert caught.value.code == code
    assert caught.value.message  # Italian, shown to the operator


def test_formal_demand_is_art_1219_and_interrupts_prescription():
    template = (
        __import__("pathlib").Path(__file__).resolve().parents[1] / "documents" / "templates" / "letter.typ"
    ).read_text()
    demand = template[template.index("#let body-formal-demand") : template.index("#let body-bureau-notice")]
    assert "art. 1219 c.c." in demand and "art. 2943 c.c." in demand
    assert "1454" not in demand  # not a diffida ad adempiere


def test_two_threads_render_at_once():
    """The worker renders in threads: each thread has its own compiler (a shared one raised "Already borrowed")."""
    from concurrent.futures import ThreadPoolExecutor

    from recupero.channels.documents import render_letter

    data = example_letter("reminder_1")
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda _: render_letter("reminder_1", data), range(4)))
    assert [p[:5] for p in pdfs] == [b"%PDF-"] * 4


def test_isolated_batch_renders_in_a_child_process():
    from recupero.channels.documents.render import render_batch_isolated

    items = [("reminder_1", example_letter("reminder_1")), ("formal_demand", example_letter("formal_demand"))]
    rendered = render_batch_isolated(items)
    assert len(rendered.letters) == 2 and rendered.pdf[:5] == b"%PDF-"
    assert sum(rendered.pages) >= 2
