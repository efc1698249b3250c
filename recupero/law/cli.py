"""`recupero law …`: check the law engine from outside (JSON with `--json`, else the Italian prospetto).

Bad input prints `errore [code]: messaggio` on stderr and exits with status 2. The rate tables are an argument
of `main`: `recupero/cli.py` passes the database's table when a database is configured, else the bundled
files are used; the JSON says which (`rates.origin`).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NoReturn

from recupero.law.bureau import bureau_notice_earliest_report
from recupero.law.clock import italian_today
from recupero.law.errors import LawError
from recupero.law.interest import InterestRequest, InterestResult, Payment, compute_interest
from recupero.law.money import parse_amount
from recupero.law.prescription import (
    Event,
    PrescriptionRequest,
    PrescriptionResult,
    PrescriptionSettings,
    compute_prescription,
)
from recupero.law.prospetto import render_prospetto
from recupero.law.rates import ECB, LEGAL_KIND, RateTable, default_rates


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise LawError("cli.bad_arguments", f"argomenti non validi: {message}")


def parse_date(text: str, what: str = "data") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LawError(
            "law.bad_date", f"{what.capitalize()} non valida: «{text}» (formato AAAA-MM-GG)."
        ) from None


def parse_when(kind: str, text: str) -> date | datetime:
    """A PEC receipt needs date and time with offset; the other events take a date."""
    if kind.startswith("pec_"):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise LawError(
                "law.bad_datetime", f"Data e ora non valide: «{text}» (ISO 8601 con fuso)."
            ) from None
    return parse_date(text, "data dell'evento")


def _pair(text: str, what: str) -> tuple[str, str]:
    head, sep, tail = text.partition(":")
    if not sep:
        raise LawError("cli.bad_arguments", f"{what} non valido: «{text}» (serve CHIAVE:VALORE).")
    return head, tail


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="recupero law", description="Motore delle regole di legge italiane.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("interest", help="interessi di mora o legali")
    p.add_argument("--amount", required=True)
    p.add_argument("--due", required=True)
    p.add_argument("--until", required=True)
    p.add_argument("--regime", choices=("commercial", "legal"), default="commercial")
    p.add_argument("--contract-date")
    p.add_argument("--mora-start")
    p.add_argument("--payment", action="append", default=[], metavar="DATE:AMOUNT")
    p.add_argument("--filing-date")
    p.add_argument("--title-grants-commercial-rate", action="store_true")
    p.add_argument("--divisor", choices=("365", "actual"), default="365")
    p.add_argument("--no-flat-compensation", action="store_true")
    p.add_argument("--contractual-rate")
    p.add_argument("--costs", default="0.00")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("prescription", help="prescrizione del credito")
    p.add_argument("--claim-type", required=True)
    p.add_argument("--debtor", required=True)
    p.add_argument("--due", required=True)
    p.add_argument("--issued")
    p.add_argument("--event", action="append", default=[], metavar="KIND:WHEN")
    p.add_argument("--today")
    p.add_argument("--telecom-years", type=int, default=5)
    p.add_argument("--expiring-days", type=int, default=90)
    p.add_argument("--utility-start", choices=("due", "issue"), default="due")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("bureau-notice", help="preavviso di segnalazione SIC")
    p.add_argument("--sent", required=True)
    p.add_argument("--json", action="store_true")
    return parser


def _opt_date(text: str | None, what: str) -> date | None:
    return parse_date(text, what) if text else None


def run_interest(
    args: argparse.Namespace, rates: RateTable | None = None
) -> tuple[dict[str, Any], InterestResult]:
    payments = []
    for raw in args.payment:
        when, amount = _pair(raw, "Pagamento")
        payments.append(
            Payment(parse_date(when, "data del pagamento"), parse_amount(amount, field="pagamento"))
        )
    req = InterestRequest(
        principal=parse_amount(args.amount, field="capitale"),
        due_date=parse_date(args.due, "scadenza"),
        until=parse_date(args.until, "data di calcolo"),
        regime=args.regime,
        contract_date=_opt_date(args.contract_date, "data del contratto"),
        mora_start=_opt_date(args.mora_start, "data di costituzione in mora"),
        payments=tuple(payments),
        filing_date=_opt_date(args.filing_date, "data della domanda giudiziale"),
        title_grants_commercial_rate=args.title_grants_commercial_rate,
        divisor=args.divisor,
        flat_compensation=not args.no_flat_compensation,
        contractual_rate=Decimal(args.contractual_rate) if args.contractual_rate else None,
        costs=parse_amount(args.costs, field="spese"),
        rates=rates,
    )
    result = compute_interest(req)
    return {**interest_json(result), "rates": rates_json(rates or default_rates())}, result


def rates_json(table: RateTable) -> dict[str, Any]:
    """Which tables the figures were computed with, and the last day each one covers."""
    ecb, legal = table.last_day(ECB), table.last_day(LEGAL_KIND)
    return {
        "origin": table.origin,
        "version": table.version,
        "ecb_until": ecb.isoformat() if ecb else None,
        "legal_until": legal.isoformat() if legal else None,
    }


def interest_json(r: InterestResult) -> dict[str, Any]:
    return {
        "regime": r.request.regime,
        "principal": str(r.request.principal),
        "due_date": r.request.due_date.isoformat(),
        "effective_due_date": r.effective_due_date.isoformat(),
        "until": r.request.until.isoformat(),
        "interest": str(r.interest),
        "interest_paid": str(r.interest_paid),
        "interest_outstanding": str(r.interest_outstanding),
        "flat_compensation": str(r.flat_compensation),
        "flat_outstanding": str(r.flat_outstanding),
        "costs_outstanding": str(r.costs_outstanding),
        "principal_outstanding": str(r.principal_outstanding),
        "total_due": str(r.total_due),
        "credit": str(r.credit),
        "segments": [
            {
                "from": s.start.isoformat(),
                "to": s.end.isoformat(),
                "days": str(s.days),
                "rate": str(s.rate),
                "source": s.source,
                "principal": str(s.principal),
                "amount": str(s.amount),
            }
            for s in r.segments
        ],
        "payments": [
            {
                "date": i.date.isoformat(),
                "amount": str(i.amount),
                "parts": {b: str(a) for b, a in i.parts},
                "excess": str(i.excess),
            }
            for i in r.imputations
        ],
        "readings": [{"point": p, "reading": t} for p, t in r.readings],
    }


def run_prescription(args: argparse.Namespace) -> tuple[dict[str, Any], PrescriptionResult]:
    events = []
    for raw in args.event:
        kind, when = _pair(raw, "Evento")
        events.append(Event(kind, parse_when(kind, when)))
    req = PrescriptionRequest(
        claim_type=args.claim_type,
        debtor=args.debtor,
        due_date=parse_date(args.due, "scadenza"),
        issued=_opt_date(args.issued, "data di emissione"),
        events=tuple(events),
        today=_opt_date(args.today, "data odierna") or italian_today(),
        settings=PrescriptionSettings(
            telecom_years=args.telecom_years,
            expiring_days=args.expiring_days,
            utility_start=args.utility_start,
        ),
    )
    result = compute_prescription(req)
    return prescription_json(result), result


def prescription_json(r: PrescriptionResult) -> dict[str, Any]:
    alt = r.alternative_deadline
    return {
        "claim_type": r.request.claim_type,
        "debtor": r.request.debtor,
        "term_years": r.term_years,
        "term_basis": r.term_basis,
        "start": r.start.isoformat(),
        "deadline": r.deadline.isoformat(),
        "status": r.status,
        "decided_by": r.decided_by,
        "days_left": r.days_left,
        "alternative_deadline": alt.isoformat() if alt else None,
        "events": [
            {
                "kind": e.kind,
                "date": e.date.isoformat(),
                "when": e.when,
                "interrupted": e.interrupted,
                "reason": e.reason,
                "deadline_after": e.deadline_after.isoformat(),
            }
            for e in r.events
        ],
        "warnings": list(r.warnings),
        "readings": [{"point": p, "reading": t} for p, t in r.readings],
    }


def _dispatch(args: argparse.Namespace, rates: RateTable | None) -> None:
    if args.command == "bureau-notice":
        sent = parse_date(args.sent, "data di invio")
        earliest = bureau_notice_earliest_report(sent)
        data = {"sent": sent.isoformat(), "earliest_report": earliest.isoformat()}
        text = (
            f"Preavviso di segnalazione SIC inviato il {sent:%d/%m/%Y}: segnalazione possibile "
            f"dal {earliest:%d/%m/%Y} (almeno 15 giorni pieni dall'invio).\n"
        )
        print(json.dumps(data, ensure_ascii=False) if args.json else text, end="\n" if args.json else "")
        return
    data, result = run_interest(args, rates) if args.command == "interest" else run_prescription(args)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render_prospetto(result), end="")


def main(argv: list[str], rates: RateTable | None = None) -> int:
    """Entry point of `recupero law`; returns the exit status (0 ok, 2 bad input). `rates`: the tables to
    compute with (None: the bundled files)."""
    try:
        _dispatch(build_parser().parse_args(argv), rates)
    except LawError as error:
        print(f"errore [{error.code}]: {error.message}", file=sys.stderr)
        return 2
    except SystemExit as stop:  # --help
        return int(stop.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
