"""The remittance statement as PDF, composed by Typst from `templates/statement.typ`.

Our own small compile call (not channels' letter renderer: channels sits above this app in the layers). Every
amount is formatted here in Italian; the template only lays out. One compile per statement: statements are a
few a month, so no compiler is kept per process.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typst
from django.utils.translation import gettext as _

from recupero.law.money import ZERO, format_eur
from recupero.remittance.domain.commission import PHASE_LABELS, Phase
from recupero.remittance.domain.states import LINE_LABELS, LineKind
from recupero.remittance.outputs.data import SUMS  # the money columns, in order

if TYPE_CHECKING:
    from recupero.remittance.outputs.data import StatementData

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "statement.typ"
# Above this many cases the statement gives its totals and the summary by kind, phase and payee, and no per-case
# table: the XLSX has every line. A 2,000-case table was ~45 landscape pages that nobody reads and half the
# issue's time at 50,000 payments (Typst shapes every cell: ~2 s quiet, ~10 s on a loaded machine); 300 cases
# are 7 pages, the size a creditor does check line by line.
STATEMENT_CASES_MAX = 300


class StatementFailed(RuntimeError):
    """Typst refused the template or the data: a bug, reported with typst's own message."""


def _payload(data: StatementData) -> dict[str, Any]:
    r, a, p = data.remittance, data.agency, data.payout
    totals = [
        ("Pagamenti rendicontati", str(r.payments), False),
        ("Incassato", format_eur(r.collected), False),
        ("Provvigioni", format_eur(r.commission), False),
        (f"IVA sulle provvigioni ({format_eur(r.vat_percent)} %)", format_eur(r.vat), False),
        ("Trattenuto (interessi, pagamenti diretti)", format_eur(r.held), False),
        ("Da fatturare (pagamenti diretti)", format_eur(r.to_invoice), False),
        ("Netto da riversare", format_eur(r.net), True),
    ]
    return {
        "number": r.number,
        "until": f"{r.until:%d/%m/%Y}",
        "issued_on": f"{r.issued_on:%d/%m/%Y}",
        "agency": {
            "name": data.tenant.name, "vat_number": data.tenant.vat_number, "iban": r.agency_iban,
            "address": f"{a.street}, {a.cap} {a.municipality} ({a.province})",
        },
        "creditor": {
            "name": data.creditor.name, "vat_number": data.creditor.vat_number or data.creditor.tax_code,
            "iban": r.payout_iban, "address": f"{p.street}, {p.cap} {p.municipality} ({p.province})",
        },
        "totals": [{"label": label, "value": value, "strong": strong} for label, value, strong in totals],
        "note": _note(data.case_count),
        "summary": _summary(data),
        "cases": [
            [c["code"], c["debtor"], str(c["lines"]), *(format_eur(c[name]) for name in SUMS)]
            for c in (data.cases if data.case_count <= STATEMENT_CASES_MAX else [])
        ],
        "footer": ["Totale", "", str(len(data.lines)), *(format_eur(data.sum(name)) for name in SUMS)],
    }  # fmt: skip


def _summary(data: StatementData) -> list[list[str]]:
    """The lines grouped by kind (payment, late reversal, minimum), phase and payee (agency or creditor): a few
    rows whatever the remittance's size, adding up to the footer's totals."""
    groups: dict[tuple[str, str, bool], list[Any]] = {}
    for r in data.lines:
        row = groups.setdefault((r["kind"], r["phase"], r["direct"]), [0, *(ZERO for _ in SUMS)])
        row[0] += 1
        for i, name in enumerate(SUMS, start=1):
            row[i] += r[name]
    # Labelled per group, not per line: gettext costs ~10 µs a call, 1.2 s at 90,000 lines.
    labelled = []
    for (kind, phase, direct), row in groups.items():
        payee = _("al committente") if direct else _("all'agenzia")
        label = str(PHASE_LABELS[Phase(phase)]) if phase else ""
        labelled.append((str(LINE_LABELS[LineKind(kind)]), label, payee, row))
    return [
        [f"{kind} {payee}", phase, str(row[0]), *(format_eur(v) for v in row[1:])]
        for kind, phase, payee, row in sorted(labelled, key=lambda g: g[:3])
    ]


def _note(cases: int) -> str:
    note = (
        "Incassato = da riversare + provvigioni + IVA + trattenuto. Gli storni tardivi compaiono come righe "
        "negative; i pagamenti diretti al committente restano presso di lui e ne è dovuta la sola provvigione."
    )
    if cases > STATEMENT_CASES_MAX:
        note += " " + _(
            "Il rendiconto riguarda %(cases)s pratiche: qui il riepilogo per tipo, fase e destinatario del "
            "pagamento; il dettaglio di ogni pratica e di ogni pagamento è nel file XLSX allegato."
        ) % {"cases": cases}
    return note


def statement_payload(data: StatementData) -> str:
    """What the template lays out, as the JSON text Typst reads (all the Python of the statement)."""
    return json.dumps(_payload(data), ensure_ascii=False, separators=(",", ":"))


def compile_statement(payload: str) -> bytes:
    """Typst's part: the PDF of a payload (`statement_payload`)."""
    try:
        # Without PDF tags (accessibility structure): ~4x smaller and faster for long statements (as the letters).
        pdf = typst.compile(
            str(TEMPLATE),
            root=str(TEMPLATE.parent),
            sys_inputs={"payload": payload},
            format="pdf",
            pdf_tags=False,
        )
    except RuntimeError as exc:
        raise StatementFailed(str(exc)) from exc
    if not isinstance(pdf, bytes):
        raise StatementFailed("Typst non ha prodotto un PDF.")
    return pdf


def statement_pdf(data: StatementData) -> bytes:
    return compile_statement(statement_payload(data))
