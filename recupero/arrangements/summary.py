"""The written summary of an agreement (riepilogo dell'accordo): the text the debtor reads and accepts.

Its SHA-256 is stored with the acceptance, so the words accepted can be proved later, byte for byte."""

from __future__ import annotations

from recupero.arrangements.domain.schedule import INTEREST_LABELS, InterestTreatment
from recupero.arrangements.domain.states import KIND_LABELS, Kind
from recupero.arrangements.models import Arrangement, Instalment
from recupero.law.money import format_eur


def _debtor(arrangement: Arrangement) -> str:
    d = arrangement.case.debtor
    return d.company_name or f"{d.first_name} {d.last_name}".strip()


def _rows(instalments: list[Instalment]) -> list[str]:
    rows = []
    for i in instalments:
        what = "Acconto" if i.number == 0 else f"Rata {i.number}"
        rows.append(f"- {what}: {format_eur(i.amount)} € entro il {i.due_on:%d/%m/%Y}")
    return rows


def _settlement_line(arrangement: Arrangement) -> str:
    return (
        f"Sconto concordato: {arrangement.discount_percent}% — a saldo e stralcio: "
        f"{format_eur(arrangement.total)} €. Se i pagamenti non sono rispettati lo sconto decade e torna "
        "dovuto l'intero importo."
    )


def _grace_line(arrangement: Arrangement) -> str:
    return f"Un pagamento si considera puntuale se ricevuto entro {arrangement.grace_days} giorni dalla scadenza."


def summary_terms(arrangement: Arrangement) -> list[str]:
    """The conditions beyond the schedule, as sentences (the summary letter prints them under its table): the
    settlement's discount and its fall, the plan's interest treatment, the grace days."""
    kind = Kind(arrangement.kind)
    terms = []
    if kind is Kind.SETTLEMENT:
        terms.append(_settlement_line(arrangement))
    if kind is Kind.PLAN:
        terms.append(INTEREST_LABELS[InterestTreatment(arrangement.interest_treatment)] + ".")
    return [*terms, _grace_line(arrangement)]


def summary_text(arrangement: Arrangement, instalments: list[Instalment]) -> str:
    case = arrangement.case
    kind = Kind(arrangement.kind)
    lines = [
        f"Riepilogo dell'accordo — pratica {case.code}",
        f"Creditore: {case.creditor.name}",
        f"Debitore: {_debtor(arrangement)}",
        "",
        f"Tipo di accordo: {KIND_LABELS[kind]}",
        f"Dovuto alla data dell'accordo ({arrangement.started_on:%d/%m/%Y}): {format_eur(arrangement.amount_due)} €",
    ]
    if kind is Kind.SETTLEMENT:
        lines.append(_settlement_line(arrangement))
    else:
        lines.append(f"Importo concordato: {format_eur(arrangement.total)} €")
    if kind is Kind.PLAN:
        lines.append(INTEREST_LABELS[InterestTreatment(arrangement.interest_treatment)] + ".")
    lines += ["", "Scadenze:", *_rows(instalments), ""]
    lines.append(_grace_line(arrangement))
    lines.append(
        "Accettando questo riepilogo il debitore riconosce il debito indicato (artt. 1988 e 2944 c.c.)."
    )
    return "\n".join(lines)
