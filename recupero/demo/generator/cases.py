"""Cases of the demo with their assignment, claims, events, books and timeline."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from decimal import Decimal

from recupero.cases.domain.codes import case_code
from recupero.cases.domain.search import invoice_number_keys
from recupero.cases.domain.states import LABELS, CaseStatus
from recupero.cases.domain.timeline import opened_summary
from recupero.demo.domain.plan import OPEN_WORK, PATHS, AssignmentPlan
from recupero.demo.generator.debtors import Debtors
from recupero.demo.generator.values import (
    _STATUS_CUM,
    _STATUS_NAMES,
    _TODAY,
    CreditorRef,
    _choice,
    _Debtor,
    _payment_plan,
    _randint,
    _reference,
    _stated_facts,
    euro,
    iso,
    it_date,
)
from recupero.law.money import format_eur
from recupero.ledger.domain import opening


class Cases(Debtors):
    # ---- cases -------------------------------------------------------------------------------------------
    def _case(self) -> None:
        rng = self.rng
        idx = bisect.bisect_right(self._creditor_cum, rng.random() * self._creditor_cum[-1])
        creditor = self.creditors[idx]
        status = _STATUS_NAMES[bisect.bisect_right(_STATUS_CUM, rng.random() * _STATUS_CUM[-1])]
        assignment_id, plan = self._assignment(creditor, status)
        received = plan.received_on.toordinal()
        horizon = min(_TODAY, plan.return_on.toordinal()) if plan.returned else _TODAY
        debtor = self._debtor_for(idx, creditor.sector, received)
        case_id = self._next("cases_case")
        seq = self.counters.seq
        self.counters.seq += 1
        claim_type, commercial, contract, claims = self._claims(
            creditor.sector, debtor, seq, received, status
        )
        original = sum(c[2] for c in claims)
        claim_rows = self.rows["cases_claim"]
        for number, issued, cents, due, description, supply in claims:
            claim_rows.append(
                (
                    self._next("cases_claim"),
                    self.tenant_id,
                    case_id,
                    number,
                    iso(issued),
                    iso(due),
                    euro(cents),
                    description,
                    supply,
                    iso(issued + 1),
                    *invoice_number_keys(number),
                )
            )
        events = self._events(status, received, horizon, plan)
        payments = self._ledger(case_id, seq, status, received, claims, original, events)
        paid = sum(cents for _, cents in payments)
        closed_on = next(
            (iso(day) for st, day in reversed(events) if st in ("paid", "closed", "returned")), None
        )
        filing = None
        if status == "legal" and rng.random() < 0.5:
            filing = iso(min(_TODAY, events[-1][1] + _randint(rng, 30, 120)))
        self.rows["cases_case"].append(
            (
                case_id,
                self.tenant_id,
                seq,
                case_code(seq),
                creditor.id,
                assignment_id,
                debtor.id,
                _reference(creditor.sector, seq),
                claim_type,
                commercial,
                contract,
                status,
                iso(received),
                closed_on,
                iso(min(c[3] for c in claims)),
                debtor.province,
                euro(original),
                euro(original - paid),
                creditor.consultant_id,
                *_stated_facts(creditor.sector, seq),
                filing,
                0,
            )  # cases.bulk.CASE_COLUMNS order
        )
        self._timeline(case_id, plan.code, claims, original, events, payments)

    def _assignment(self, creditor: CreditorRef, status: str) -> tuple[int, AssignmentPlan]:
        """Cases still being worked sit in open assignments; returned ones in assignments already returned."""
        items = creditor.assignments
        if status in OPEN_WORK:
            pool = [a for a in items if not a[1].returned] or items
            if status == "new":
                pool = pool[-2:]
        elif status == "returned":
            pool = [a for a in items if a[1].returned] or items
        else:
            pool = [a for a in items if a[1].received_on.toordinal() < _TODAY - 60] or items
        return pool[int(self.rng.random() * len(pool))]

    def _claims(
        self, sector: str, debtor: _Debtor, seq: int, received: int, status: str
    ) -> tuple[str, int, str | None, list[tuple[str, int, int, int, str, str]]]:
        rng = self.rng
        last_issue = received - _randint(rng, 45, 400)
        if status == "prescribed":
            last_issue = received - _randint(rng, 5 * 365, 6 * 365)
        out = []
        if sector == "utility":
            claim_type = ("electricity", "gas", "water")[
                bisect.bisect_right((55, 85), int(rng.random() * 100))
            ]
            supply = (
                f"IT001E{_randint(rng, 0, 99_999_999):08d}"
                if claim_type == "electricity"
                else f"{_randint(rng, 0, 10**14 - 1):014d}"
                if claim_type == "gas"
                else f"ACQ{_randint(rng, 0, 999_999_999):09d}"
            )
            what = {
                "electricity": "Fornitura energia elettrica",
                "gas": "Fornitura gas naturale",
                "water": "Servizio idrico integrato",
            }[claim_type]
            count = 1 + int(rng.random() ** 1.5 * 6)
            for k in range(count):
                issued = last_issue - 61 * (count - 1 - k)
                day = dt.date.fromordinal(issued)
                out.append(
                    (
                        f"{day.year}E{seq * 8 + k:09d}",
                        issued,
                        int(3000 * 20 ** (rng.random() ** 1.4)),
                        issued + 20,
                        f"{what}, bolletta bimestrale {day:%m/%Y}",
                        supply,
                    )
                )
            contract = iso(last_issue - 61 * count - _randint(rng, 30, 3000))
        elif sector == "telco":
            claim_type = "telecom"
            supply = f"CL{_randint(rng, 0, 9_999_999_999):010d}"
            count = 1 + int(rng.random() ** 1.7 * 4)
            for k in range(count):
                issued = last_issue - 30 * (count - 1 - k)
                day = dt.date.fromordinal(issued)
                out.append(
                    (
                        f"T{day:%y%m}{seq * 8 + k:09d}",
                        issued,
                        int(2000 * 15 ** (rng.random() ** 1.5)),
                        issued + 20,
                        f"Servizi di telefonia e internet, fattura {day:%m/%Y}",
                        supply,
                    )
                )
            contract = iso(last_issue - 30 * count - _randint(rng, 30, 2500))
        else:
            claim_type = "ordinary"
            supply = f"ORD-{seq:07d}"
            count = 1 + int(rng.random() ** 1.5 * 5)
            issued = last_issue
            dated = []
            for _ in range(count):
                dated.append(issued)
                issued -= _randint(rng, 15, 90)
            for k, day_ord in enumerate(reversed(dated)):
                day = dt.date.fromordinal(day_ord)
                out.append(
                    (
                        f"{(seq * 8 + k) % 100_000 or 100_000}/{day.year}",
                        day_ord,
                        int(50_000 * 160 ** (rng.random() ** 1.8)),
                        day_ord + _choice(rng, (30, 60, 90)),
                        f"Fornitura materiali, DDT n. {_randint(rng, 100, 9999)}",
                        supply,
                    )
                )
            start = (
                dt.date(2008, 1, 1).toordinal() if rng.random() < 0.15 else dt.date(2013, 1, 1).toordinal()
            )
            contract = iso(min(start + _randint(rng, 0, 5 * 365), dated[-1] - 30))
        commercial = 0 if debtor.size == "consumer" else 1
        return claim_type, commercial, contract, out

    def _events(
        self, status: str, received: int, horizon: int, plan: AssignmentPlan
    ) -> list[tuple[str, int]]:
        """[(status, day)] from the opening ("new") to the current status, never past today / the return."""
        rng = self.rng
        day = received
        events = [("new", day)]
        for step in PATHS[status]:
            if step == "returned" and plan.returned:
                day = plan.return_on.toordinal()
            else:
                day = min(
                    horizon, day + (_randint(rng, 2, 30) if step == "working" else _randint(rng, 10, 150))
                )
            events.append((step, day))
        return events

    def _ledger(
        self,
        case_id: int,
        seq: int,
        status: str,
        received: int,
        claims: list[tuple[str, int, int, int, str, str]],
        original: int,
        events: list[tuple[str, int]],
    ) -> list[tuple[int, int]]:
        """Opening entries (principal / assigned) per claim, then payments; returns the payments (day, cents)."""
        rng = self.rng
        rows = self.rows["ledger_ledgerentry"]
        created = self.ts(iso(received), 8, 0)
        group = f"{0xD3 << 120 | seq << 16:032x}"
        # the opening posting of `ledger.services.opening_post` (ledger.domain.opening): lines, texts, keys
        opening_kind, debit, credit = opening.KIND.value, opening.DEBIT.value, opening.CREDIT.value
        for i, (number, issued, cents, *_rest) in enumerate(claims):
            rows.append(
                (
                    self._next("ledger_ledgerentry"),
                    self.tenant_id,
                    case_id,
                    group,
                    opening_kind,
                    iso(received),
                    debit,
                    credit,
                    euro(cents),
                    opening.DESCRIPTION.format(number=number, issued=it_date(issued)),
                    None,
                    opening.line_key(case_id, i),
                    created,
                    None,
                )
            )
        payments = _payment_plan(rng, status, original)
        if not payments:
            return []
        start = events[-1][1] if status != "closed" else events[-2][1]
        if status in ("paid", "closed"):
            start -= 30 * (len(payments) - 1)
        done = []
        for k, cents in enumerate(payments, start=1):
            day = max(received, min(_TODAY, start + 30 * (k - 1)))
            when = self.ts(iso(day), 10, int(rng.random() * 60))
            rows.append(
                (
                    self._next("ledger_ledgerentry"),
                    self.tenant_id,
                    case_id,
                    f"{0xD3 << 120 | 1 << 100 | seq << 16 | k:032x}",
                    "payment",
                    iso(day),
                    "payments_received",
                    "principal",
                    euro(cents),
                    f"Incasso n. {k}",
                    None,
                    None,
                    when,
                    None,
                )
            )
            done.append((day, cents))
        return done

    def _timeline(
        self,
        case_id: int,
        assignment_code: str,
        claims: list[tuple[str, int, int, int, str, str]],
        original: int,
        events: list[tuple[str, int]],
        payments: list[tuple[int, int]],
    ) -> None:
        rng = self.rng
        rows = self.rows["cases_timelineevent"]
        tid = self.tenant_id
        rows.append(
            (
                self._next("cases_timelineevent"),
                tid,
                case_id,
                self.ts(iso(events[0][1]), 8, 0),
                "case.opened",
                None,
                opened_summary(len(claims), format_eur(Decimal(original) / 100)),
                f'{{"assignment": "{assignment_code}", "amount": "{euro(original)}"}}',
            )
        )
        for (source, _), (target, day) in itertools.pairwise(events):
            rows.append(
                (
                    self._next("cases_timelineevent"),
                    tid,
                    case_id,
                    self.ts(iso(day), 9 + int(rng.random() * 9), int(rng.random() * 60)),
                    "case.status",
                    None,
                    f"Stato: {LABELS[CaseStatus(source)]} → {LABELS[CaseStatus(target)]}",
                    f'{{"from": "{source}", "to": "{target}", "reason": ""}}',
                )
            )
        for day, cents in payments:
            rows.append(
                (
                    self._next("cases_timelineevent"),
                    tid,
                    case_id,
                    self.ts(iso(day), 19, 0),
                    "ledger.payment",
                    None,
                    f"Incasso di {format_eur(Decimal(cents) / 100)} €",
                    "{}",
                )
            )
