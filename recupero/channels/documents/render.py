"""Render letters to PDF with Typst: one letter, a list of letters, or a whole print batch as one PDF.

One template entry point (`templates/batch.typ`) lays out N letters one after another; a single letter is a
batch of one. A merged batch is one compile, which is what makes ~10,000 letters a day cheap: the template is
parsed once and the fonts are loaded once per process (the `typst.Compiler` is kept per process).

Per-letter PDFs (the case attachments) are cut out of the merged batch with pypdf (`render_batch_split`),
by the page ranges the template records: one compile per batch instead of one per letter plus one for the
print file (measured: per-letter compiles cost twice the merged compile; cutting costs about a third of it).

Memory: typst's memoization cache is process-global and the `typst` package never evicts it, so a process
keeps ~1 GB per 500 fresh letters it has rendered. Render big batches in worker processes that are recycled
every few batches (`ProcessPoolExecutor(max_tasks_per_child=...)`, the task runner's max-tasks-per-child).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import io
import json
import multiprocessing
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import typst

from recupero.core.domain.i18n import gettext_lazy

from ..domain.errors import LetterError
from .data import LetterData

TEMPLATES = Path(__file__).resolve().parent / "templates"
KINDS = (
    "reminder_1",
    "reminder_2",
    "formal_demand",
    "bureau_notice",
    "supply_suspension_notice",
    "payment_plan_confirmation",
    "agreement_summary",
    "dispute_reply",
)
# A reply to a dispute may follow a claim cancelled in full: nothing is left to pay and the letter is still owed.
NOTHING_DUE_ALLOWED = ("dispute_reply",)
# Words that would tell the postman or a neighbour what the letter is about (Garante privacy 30/11/2005).
WINDOW_FORBIDDEN = re.compile(r"recuper|credit|debit|insolut|morosit|sollecit|diffid|riscoss|incass", re.I)
# LEGAL.md §5: the SIC report may become visible only after 15 days from sending: earliest = sending + 16.
BUREAU_MIN_DAYS = 16
# LEGAL.md §9: the payment term of a costituzione in mora before suspending supply is at least 15 days.
SUPPLY_MIN_TERM_DAYS = 15

Item = tuple[str, "LetterData | Mapping[str, Any]"]

_local = threading.local()


@dataclass(frozen=True)
class RenderedBatch:
    """A merged batch: the PDF, the pages of each letter and the page each letter starts on (1-based)."""

    pdf: bytes
    pages: tuple[int, ...]
    first_pages: tuple[int, ...]
    letters: tuple[bytes, ...] = ()  # one PDF per letter, from `render_batch_split` only


def render_letter(kind: str, data: LetterData | Mapping[str, Any]) -> bytes:
    """One letter as a PDF."""
    return _compile([_payload(kind, data)], duplex=False)


def render_batch(items: Sequence[Item]) -> list[bytes]:
    """One PDF per letter (e-mail and PEC attachments); the template is compiled once per process."""
    return [render_letter(kind, data) for kind, data in items]


def render_batch_merged(items: Sequence[Item], *, duplex: bool = False) -> bytes:
    """The whole batch as ONE PDF for the printer; with `duplex` every letter starts on an odd page."""
    return render_batch_merged_with_pages(items, duplex=duplex).pdf


def render_batch_merged_with_pages(items: Sequence[Item], *, duplex: bool = False) -> RenderedBatch:
    """Like `render_batch_merged`, plus the page count of each letter (for the postal manifest)."""
    if not items:
        raise LetterError("letter.empty_batch", gettext_lazy("Il lotto di stampa è vuoto."))
    payloads = [_payload(kind, data) for kind, data in items]
    # A print file needs no PDF tags (accessibility structure): without them it is ~4x smaller
    # (2.9 MB instead of 12.7 MB for 500 letters) and cheaper to cut into letters.
    pdf = _compile(payloads, duplex=duplex, tags=False)
    # The query reuses the layout just computed (typst memoizes it), so it costs almost nothing.
    ends = json.loads(_get_compiler().query("metadata", field="value"))
    ends = [e for e in ends if isinstance(e, dict) and "last" in e]
    if len(ends) != len(payloads):
        raise LetterError(
            "letter.render_failed", gettext_lazy("Il compositore non ha segnato la fine di ogni lettera.")
        )
    return RenderedBatch(
        pdf, tuple(e["last"] - e["first"] + 1 for e in ends), tuple(e["first"] for e in ends)
    )


def render_batch_split(items: Sequence[Item], *, duplex: bool = False) -> RenderedBatch:
    """The merged print batch AND one PDF per letter (`letters`, in batch order), from ONE compile: the
    letters are cut out of the batch by their page ranges (the duplex blank pages stay out)."""
    batch = render_batch_merged_with_pages(items, duplex=duplex)
    return dataclasses.replace(batch, letters=split_pages(batch.pdf, batch.first_pages, batch.pages))


def split_pages(pdf: bytes, first_pages: Sequence[int], pages: Sequence[int]) -> tuple[bytes, ...]:
    """Cut `pdf` into documents of `pages[i]` pages starting at page `first_pages[i]` (1-based)."""
    from pypdf import PdfReader, PdfWriter  # only the batch cutter needs it

    reader = PdfReader(io.BytesIO(pdf))
    total = len(reader.pages)
    out = []
    for first, count in zip(first_pages, pages, strict=True):
        if first < 1 or count < 1 or first - 1 + count > total:
            raise LetterError(
                "letter.split_failed", gettext_lazy("Pagine della lettera fuori dal lotto di stampa.")
            )
        writer = PdfWriter()
        for index in range(first - 1, first - 1 + count):
            writer.add_page(reader.pages[index])
        writer.add_metadata({"/Title": "Lettera", "/Author": "Recupero"})
        buffer = io.BytesIO()
        writer.write(buffer)
        out.append(buffer.getvalue())
    return tuple(out)


def query_metadata(kind: str, data: LetterData | Mapping[str, Any]) -> list[dict[str, Any]]:
    """What the template recorded while laying out one letter: the `window` block (sender, lines) and the
    letter end (case code, total, pages). Tests and previews check the rendered content with it."""
    _compile([_payload(kind, data)], duplex=False)
    values = json.loads(_get_compiler().query("metadata", field="value"))
    return [v for v in values if isinstance(v, dict)]


def render_png(kind: str, data: LetterData | Mapping[str, Any], *, ppi: int = 72) -> list[bytes]:
    """PNG previews, one per page (back-office preview and visual checks)."""
    result = _get_compiler().compile(format="png", ppi=ppi, sys_inputs=_inputs([_payload(kind, data)], False))
    pages: list[bytes | None] = list(result) if isinstance(result, list) else [result]
    return [p for p in pages if p is not None]


MANIFEST_FIELDS = (
    "recipient",
    "address_1",
    "address_2",
    "postal_code",
    "municipality",
    "province",
    "country",
    "registered",
    "letter_kind",
    "case_code",
    "pages",
)


def manifest_rows(items: Sequence[Item], pages: Sequence[int] | None = None) -> list[dict[str, str]]:
    """Rows for the postal provider's CSV, in batch order; `pages` from `render_batch_merged_with_pages`
    (rendered here when not given)."""
    if pages is None:
        pages = render_batch_merged_with_pages(items).pages
    if len(pages) != len(items):
        raise LetterError(
            "letter.manifest_mismatch",
            gettext_lazy("Numero di pagine diverso dal numero di lettere del lotto."),
        )
    return [_manifest_row(kind, _as_dict(data), n) for (kind, data), n in zip(items, pages, strict=True)]


def check_letter(kind: str, data: LetterData | Mapping[str, Any]) -> None:
    """Every refusal `render_letter` would raise before composing (kind, law checks, neutral window): call
    it per letter before a batch render, so one bad letter fails alone instead of failing the batch."""
    _payload(kind, data)


def validate_letter(kind: str, data: LetterData) -> None:
    """Refuse a letter that the law or our conduct rules do not allow, with a stable code."""
    if kind not in KINDS:
        raise LetterError(
            "letter.unknown_kind", gettext_lazy("Tipo di lettera sconosciuto: «{kind}»."), kind=kind
        )
    if not data.claims:
        raise LetterError(
            "letter.no_claims", gettext_lazy("La lettera non elenca alcun documento da pagare.")
        )
    if data.total <= 0 and kind not in NOTHING_DUE_ALLOWED:
        raise LetterError(
            "letter.nothing_due", gettext_lazy("L'importo dovuto è nullo o negativo: nessuna lettera.")
        )
    for check in _KIND_CHECKS.get(kind, ()):
        check(data)


# --- per-kind checks ------------------------------------------------------------------------------------


def _check_bureau(data: LetterData) -> None:
    if data.bureau is None:
        raise LetterError(
            "letter.missing_bureau", gettext_lazy("Il preavviso di segnalazione richiede i dati del SIC.")
        )
    if data.bureau.earliest_report_date < data.letter_date + timedelta(days=BUREAU_MIN_DAYS):
        raise LetterError(
            "letter.bureau_too_early",
            gettext_lazy(
                "La segnalazione al SIC non può avvenire prima di 15 giorni dall'invio del preavviso."
            ),
        )


def _check_supply(data: LetterData) -> None:
    supply = data.supply
    if supply is None:
        raise LetterError(
            "letter.missing_supply",
            gettext_lazy("Il preavviso di sospensione richiede i dati della fornitura."),
        )
    if data.payment.deadline < supply.sent_date + timedelta(days=SUPPLY_MIN_TERM_DAYS):
        raise LetterError(
            "letter.term_too_short",
            gettext_lazy("Il termine di pagamento deve essere di almeno 15 giorni dall'invio."),
        )
    if supply.suspension_date <= data.payment.deadline:
        raise LetterError(
            "letter.suspension_too_early",
            gettext_lazy("La sospensione deve seguire la scadenza del termine di pagamento."),
        )


def _check_plan(data: LetterData) -> None:
    if data.plan is None or not data.plan.installments:
        raise LetterError(
            "letter.missing_plan", gettext_lazy("La conferma del piano di rientro richiede le rate.")
        )


def _check_agreement(data: LetterData) -> None:
    if data.agreement is None or data.plan is None or not data.plan.installments:
        raise LetterError(
            "letter.missing_agreement",
            gettext_lazy("Il riepilogo dell'accordo richiede le scadenze e il collegamento."),
        )


def _check_dispute(data: LetterData) -> None:
    if data.dispute is None or not data.dispute.decision.strip():
        raise LetterError(
            "letter.missing_dispute", gettext_lazy("La risposta alla contestazione richiede la motivazione.")
        )


_KIND_CHECKS: dict[str, tuple[Any, ...]] = {
    "agreement_summary": (_check_agreement,),
    "dispute_reply": (_check_dispute,),
    "bureau_notice": (_check_bureau,),
    "supply_suspension_notice": (_check_supply,),
    "payment_plan_confirmation": (_check_plan,),
}


# --- payload and compile --------------------------------------------------------------------------------


def _as_dict(data: LetterData | Mapping[str, Any]) -> dict[str, Any]:
    return data.to_dict() if isinstance(data, LetterData) else dict(data)


def _payload(kind: str, data: LetterData | Mapping[str, Any]) -> dict[str, Any]:
    """The template's input for one letter; a dict must already be `LetterData.to_dict()`-shaped."""
    if isinstance(data, LetterData):
        validate_letter(kind, data)
    elif kind not in KINDS:
        raise LetterError(
            "letter.unknown_kind", gettext_lazy("Tipo di lettera sconosciuto: «{kind}»."), kind=kind
        )
    payload = {**_as_dict(data), "kind": kind}
    _check_window(payload)
    return payload


def _check_window(payload: Mapping[str, Any]) -> None:
    agency = payload["agency"]
    sender = " ".join([agency["window_sender"], *agency["address_lines"]])
    if WINDOW_FORBIDDEN.search(sender):
        raise LetterError(
            "letter.window_not_neutral",
            gettext_lazy(
                "Il mittente visibile nella finestra della busta non deve far capire che si tratta di un credito."
            ),
            sender=sender,
        )


def _inputs(payloads: Iterable[dict[str, Any]], duplex: bool) -> dict[str, str]:
    body = {"duplex": duplex, "letters": list(payloads)}
    return {"payload": json.dumps(body, ensure_ascii=False, separators=(",", ":"))}


def _get_compiler() -> typst.Compiler:
    """One compiler per thread: it keeps the parsed templates, the fonts and typst's memoized layout. A compiler
    is not shareable between threads (typst-py raises "Already borrowed"), and the worker runs threads."""
    compiler: typst.Compiler | None = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(
            input=str(TEMPLATES / "batch.typ"), root=str(TEMPLATES), sys_inputs=_inputs([], False)
        )
        _local.compiler = compiler
    return compiler


def render_batch_isolated(items: Sequence[Item], *, duplex: bool = False) -> RenderedBatch:
    """`render_batch_split` in a fresh child process. typst keeps everything it ever laid out in a process-wide
    cache (about 1 GB per 500 letters) that Python cannot clear, so a long-lived worker renders each batch in a
    process that exits afterwards; starting it costs ~1 s against ~5 s of layout for 500 letters."""
    context = multiprocessing.get_context("spawn")  # no inherited threads, locks or database connections
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(render_batch_split, list(items), duplex=duplex).result()


def _compile(payloads: list[dict[str, Any]], *, duplex: bool, tags: bool = True) -> bytes:
    try:
        result = _get_compiler().compile(format="pdf", sys_inputs=_inputs(payloads, duplex), pdf_tags=tags)
    except RuntimeError as exc:  # typst reports template or data errors as RuntimeError
        raise LetterError(
            "letter.render_failed", gettext_lazy("Impossibile comporre la lettera."), detail=str(exc)
        ) from exc
    if not isinstance(result, bytes):
        raise LetterError("letter.render_failed", gettext_lazy("Il compositore non ha prodotto un PDF."))
    return result


def _manifest_row(kind: str, d: Mapping[str, Any], pages: int) -> dict[str, str]:
    r = d["recipient"]
    street = r["address_lines"]
    return {
        "recipient": r["name"],
        "address_1": street[0] if street else "",
        "address_2": " ".join(street[1:]),
        "postal_code": r["postal_code"],
        "municipality": r["municipality"],
        "province": r["province"],
        "country": r.get("country", "IT"),
        "registered": "si" if d["registered"] else "no",
        "letter_kind": kind,
        "case_code": d["case_code"],
        "pages": str(pages),
    }
