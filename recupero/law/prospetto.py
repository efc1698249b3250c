"""The prospetto di calcolo: a statement a debtor, a judge or a lawyer can check line by line.

`prospetto_rows(result)` gives the table as rows of Italian-formatted strings (for Typst letters and the
lawyer's file); `render_prospetto(result)` gives it as monospace plain text, with totals and criteria applied.
"""

from __future__ import annotations

from datetime import date

from recupero.law.allocation import BUCKET_LABELS
from recupero.law.interest import COMMERCIAL, InterestResult
from recupero.law.money import format_eur, format_rate
from recupero.law.prescription import STATUS_LABELS, PrescriptionResult

WEEKDAYS = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")
INTEREST_COLUMNS = {
    "dal": "Dal",
    "al": "Al",
    "giorni": "Giorni",
    "tasso": "Tasso",
    "capitale": "Capitale",
    "interessi": "Interessi",
    "fonte": "Fonte",
}
EVENT_COLUMNS = {
    "data": "Data",
    "evento": "Evento",
    "effetto": "Effetto",
    "nuovo_termine": "Termine",
    "motivo": "Motivo",
}


def fmt_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def prospetto_rows(result: InterestResult | PrescriptionResult) -> list[dict[str, str]]:
    """The table of the statement, one dict per line, keys as in INTEREST_COLUMNS / EVENT_COLUMNS."""
    if isinstance(result, InterestResult):
        return [
            {
                "dal": fmt_date(s.start),
                "al": fmt_date(s.end),
                "giorni": str(s.days),
                "tasso": format_rate(s.rate),
                "capitale": format_eur(s.principal),
                "interessi": format_eur(s.amount),
                "fonte": s.source,
            }
            for s in result.segments
        ]
    return [
        {
            "data": fmt_date(e.date),
            "evento": e.label,
            "effetto": "interrompe" if e.interrupted else "non interrompe",
            "nuovo_termine": fmt_date(e.deadline_after),
            "motivo": e.reason,
        }
        for e in result.events
    ]


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def render_prospetto(result: InterestResult | PrescriptionResult) -> str:
    if isinstance(result, InterestResult):
        return _render_interest(result)
    return _render_prescription(result)


def _render_interest(r: InterestResult) -> str:
    req = r.request
    kind = (
        "interessi di mora D.Lgs. 231/2002" if req.regime == COMMERCIAL else "interessi legali art. 1284 c.c."
    )
    out = [
        "PROSPETTO DI CALCOLO DEGLI INTERESSI",
        f"Regime: {kind}",
        f"Capitale: {format_eur(req.principal)} €  Scadenza: {fmt_date(req.due_date)}  "
        f"Interessi dal: {fmt_date(r.interest_start)}  Calcolo al: {fmt_date(req.until)}",
        "",
    ]
    sources: list[str] = []
    rows = [["Dal", "Al", "Giorni", "Tasso", "Capitale", "Interessi", "Fonte"]]
    for s in r.segments:
        if s.source not in sources:
            sources.append(s.source)
        rows.append(
            [
                fmt_date(s.start),
                fmt_date(s.end),
                str(s.days),
                format_rate(s.rate),
                format_eur(s.principal),
                format_eur(s.amount),
                f"[{sources.index(s.source) + 1}]",
            ]
        )
    out += _table(rows, {2, 3, 4, 5}) if r.segments else ["Nessun giorno di ritardo."]
    out += [
        "",
        f"Totale interessi: {format_eur(r.interest)} € (arrotondamento unico sul totale esatto;",
        "  la somma delle righe arrotondate può differire di un centesimo)",
    ]
    out += _payments(r) + _summary(r)
    out += ["", "Fonti dei tassi:"] + [f"  [{i}] {s}" for i, s in enumerate(sources, 1)]
    out += ["", "Criteri applicati:"] + [f"  - {point}: {reading}" for point, reading in r.readings]
    return "\n".join(out) + "\n"


def _payments(r: InterestResult) -> list[str]:
    if not r.imputations:
        return []
    out = ["", "Pagamenti e imputazione (art. 1194 c.c.):"]
    for imp in r.imputations:
        parts = ", ".join(f"{BUCKET_LABELS[b]} {format_eur(a)}" for b, a in imp.parts) or "nulla da imputare"
        extra = f", eccedenza {format_eur(imp.excess)}" if imp.excess else ""
        out.append(f"  {fmt_date(imp.date)}  {format_eur(imp.amount)} € → {parts}{extra}")
    return out


def _summary(r: InterestResult) -> list[str]:
    rows = [
        ["Capitale residuo", format_eur(r.principal_outstanding)],
        ["Interessi residui", format_eur(r.interest_outstanding)],
        ["Indennizzo forfettario", format_eur(r.flat_outstanding)],
        ["Spese", format_eur(r.costs_outstanding)],
        ["TOTALE DOVUTO", format_eur(r.total_due)],
    ]
    if r.credit:
        rows.append(["Eccedenza a credito del debitore", format_eur(r.credit)])
    return ["", "Riepilogo al " + fmt_date(r.request.until) + ":"] + [
        "  " + line for line in _table(rows, {1})
    ]


def _render_prescription(r: PrescriptionResult) -> str:
    req = r.request
    out = [
        "PROSPETTO DELLA PRESCRIZIONE",
        f"Credito: {req.claim_type}  Debitore: {req.debtor}  Scadenza: {fmt_date(req.due_date)}",
        f"Termine: {r.term_years} anni — {r.term_basis}",
        f"Decorrenza: {fmt_date(r.start)}",
        "",
    ]
    if r.events:
        rows = [list(EVENT_COLUMNS.values())] + [list(row.values()) for row in prospetto_rows(r)]
        out += _table(rows, set())
    else:
        out.append("Nessun atto interruttivo.")
    out += [
        "",
        f"Prescrizione: {fmt_date(r.deadline)} ({WEEKDAYS[r.deadline.weekday()]})",
        f"Stato: {STATUS_LABELS[r.status]} — determinato da: {r.decided_by}",
    ]
    if r.alternative_deadline:
        out.append(f"Lettura alternativa della decorrenza: {fmt_date(r.alternative_deadline)}")
    out += ["", *list(r.warnings)] if r.warnings else []
    out += ["", "Criteri applicati:"] + [f"  - {point}: {reading}" for point, reading in r.readings]
    return "\n".join(out) + "\n"
