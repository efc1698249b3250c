"""Rows of the demo agency, generated chunk by chunk, deterministically (same seed, same rows, byte for byte).

Each chunk of cases has its own random stream (`Random(f"demo:{seed}:{chunk}")`), so a million cases are made
in constant memory and chunk k is the same whatever came before it. Only the set of codici fiscali already
issued crosses chunks (a clash draws again from the same stream, so it stays deterministic). No Django here
except through the `Bulk` row conventions: every value is str / int / None (see recupero/core/bulk.py).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from recupero.cases.domain.codes import case_code
from recupero.cases.domain.search import invoice_number_keys
from recupero.cases.domain.states import LABELS, CaseStatus
from recupero.demo.domain import names
from recupero.demo.domain.plan import OPEN_WORK, PATHS, STATUS_MIX, TODAY, AssignmentPlan
from recupero.law.codegen import _letters, tax_code, vat_number
from recupero.law.money import format_eur
from recupero.parties.domain.geo import Municipality, municipalities

CHUNK = 20_000

COLUMNS = {
    "parties_debtor": (
        "id",
        "tenant_id",
        "kind",
        "size",
        "first_name",
        "last_name",
        "company_name",
        "tax_code",
        "vat_number",
        "vulnerable",
        "search_name",
        "created_at",
    ),
    "parties_contactpoint": (
        "id",
        "tenant_id",
        "debtor_id",
        "kind",
        "value",
        "cap",
        "municipality",
        "province",
        "source",
        "status",
        "verified_at",
        "created_at",
    ),
    "cases_case": (
        "id",
        "tenant_id",
        "seq",
        "code",
        "creditor_id",
        "assignment_id",
        "debtor_id",
        "creditor_reference",
        "claim_type",
        "commercial",
        "contract_date",
        "status",
        "opened_on",
        "closed_on",
        "first_due_on",
        "province",
        "original_amount",
        "balance",
        "consultant_id",
        "filing_date",
        "title_grants_commercial_rate",
        "supply_active",
        "first_invoice_default",
    ),
    "cases_claim": (
        "id",
        "tenant_id",
        "case_id",
        "invoice_number",
        "issued_on",
        "due_on",
        "amount",
        "description",
        "supply_reference",
        "sdi_delivered_on",
        "number_head",
        "number_tail",
    ),
    "ledger_ledgerentry": (
        "id",
        "tenant_id",
        "case_id",
        "group",
        "kind",
        "posted_on",
        "debit_account",
        "credit_account",
        "amount",
        "description",
        "reverses_id",
        "idempotency_key",
        "created_at",
        "actor_id",
    ),
    "cases_timelineevent": ("id", "tenant_id", "case_id", "at", "kind", "actor_id", "summary", "data"),
}
# Insert order: a table's rows only refer to tables written before it.
TABLES = tuple(COLUMNS)

_STATUS_NAMES = tuple(s for s, _ in STATUS_MIX)
_STATUS_CUM = tuple(itertools.accumulate(w for _, w in STATUS_MIX))
_TODAY = TODAY.toordinal()


@cache
def iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


@cache
def it_date(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).strftime("%d/%m/%Y")


def euro(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


@dataclass
class CreditorRef:
    """What the generator needs of a creditor already written to the database."""

    id: int
    code: str
    sector: str
    consultant_id: int | None
    assignments: list[tuple[int, AssignmentPlan]]  # (assignment id, plan)


@dataclass
class Counters:
    """Next primary key per table and next case number: the generator reserves ids itself."""

    ids: dict[str, int]
    seq: int
    debtors_made: int = 0


@dataclass
class _Debtor:
    id: int
    province: str
    group: str  # "person" or "business": which creditors may share the debtor
    size: str
    creditor: int


@dataclass
class _Places:
    items: tuple[Municipality, ...]
    cum: list[int]

    def pick(self, rng: random.Random) -> Municipality:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


@cache
def _places() -> _Places:
    # Provincial capitals weigh like forty small towns: most debtors live in or near a city.
    items = tuple(m for m in municipalities() if m.caps and m.belfiore)
    cum, total = [], 0
    for m in items:
        total += 40 if m.is_capital else 1
        cum.append(total)
    return _Places(items, cum)


def _randint(rng: random.Random, low: int, high: int) -> int:
    """random.randint without its argument checks: this runs a few million times per million cases."""
    return low + int(rng.random() * (high - low + 1))


def _choice(rng: random.Random, seq: tuple[str, ...] | tuple[int, ...]):  # type: ignore[no-untyped-def]
    return seq[int(rng.random() * len(seq))]


def _head(rng: random.Random, seq: tuple[str, ...]) -> str:
    """Pick from a list ordered by frequency: the head is picked more often than the tail."""
    return seq[int(len(seq) * rng.random() ** 1.6)]


@dataclass
class ChunkGenerator:
    tenant_id: int
    seed: int
    creditors: list[CreditorRef]
    counters: Counters
    ts: Callable[[str, int, int], str]
    issued_codes: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._creditor_cum = list(
            itertools.accumulate(
                {"utility": 500, "telco": 350, "supplier": 150}[c.sector] for c in self.creditors
            )
        )

    # ---- the chunk ---------------------------------------------------------------------------------------
    def chunk(self, index: int, size: int) -> dict[str, list[tuple[object, ...]]]:
        self.rng = random.Random(f"demo:{self.seed}:{index}")
        self.rows: dict[str, list[tuple[object, ...]]] = {t: [] for t in TABLES}
        self.pool: dict[str, list[_Debtor]] = {"person": [], "business": []}
        for _ in range(size):
            self._case()
        return self.rows

    def _next(self, table: str) -> int:
        value = self.counters.ids[table]
        self.counters.ids[table] = value + 1
        return value

    # ---- debtors -----------------------------------------------------------------------------------------
    def _debtor_for(self, creditor_idx: int, sector: str, received: int) -> _Debtor:
        rng = self.rng
        r = rng.random()
        if sector == "utility":
            profile = (
                ("person", "consumer")
                if r < 0.85
                else (("sole_trader", "micro") if r < 0.95 else ("company", "micro"))
            )
        elif sector == "telco":
            profile = (
                ("person", "consumer")
                if r < 0.80
                else (
                    ("sole_trader", "professional")
                    if r < 0.88
                    else ("company", _choice(rng, ("micro", "sme")))
                )
            )
        else:
            profile = (
                ("sole_trader", "micro")
                if r < 0.2
                else ("company", ("micro", "sme", "sme", "large")[int(rng.random() * 4)])
            )
        group = "person" if profile[0] == "person" else "business"
        pool = self.pool[group]
        # Some debtors owe two creditors: same codice fiscale, one debtor row, cases at both.
        if pool and rng.random() < 0.12:
            other = pool[int(rng.random() * min(len(pool), 500)) - min(len(pool), 500)]
            if other.creditor != creditor_idx:
                return other
        debtor = self._new_debtor(profile[0], profile[1], group, creditor_idx, received)
        pool.append(debtor)
        return debtor

    def _unique(self, code: str) -> bool:
        if code in self.issued_codes:
            return False
        self.issued_codes.add(code)
        return True

    def _person(self) -> tuple[str, str, str, bool, int]:
        """(surname, name, codice fiscale, female, birth year)."""
        rng = self.rng
        while True:
            female = rng.random() < 0.48
            first = _head(rng, names.FEMALE if female else names.MALE)
            last = _head(rng, names.SURNAMES)
            year = _randint(rng, 1938, 2004)
            month = _randint(rng, 1, 12)
            day = _randint(rng, 1, calendar.monthrange(year, month)[1])
            born = _places().pick(rng)
            code = tax_code(
                surname=last,
                name=first,
                year=year,
                month=month,
                day=day,
                female=female,
                belfiore=born.belfiore,
            )
            if self._unique(code):
                return last, first, code, female, year

    def _vat(self) -> str:
        # A bijection of the running company number onto 7-digit serials: unique without remembering them.
        self.counters.debtors_made += 1
        serial = (self.counters.debtors_made * 7_654_321 + self.seed * 1_000_003) % 10_000_000
        return vat_number(serial, 1 + int(self.rng.random() * 100))

    def _new_debtor(self, kind: str, size: str, group: str, creditor_idx: int, received: int) -> _Debtor:
        rng = self.rng
        debtor_id = self._next("parties_debtor")
        place = _places().pick(rng)
        first = last = company = vat = ""
        vulnerable = 0
        if kind == "company":
            vat = code = self._vat()
            surname = _head(rng, names.SURNAMES)
            form = _choice(rng, names.COMPANY_FORMS)
            if form == "S.n.c.":
                company = f"{surname} & {_head(rng, names.SURNAMES)} {form}"
            else:
                company = f"{surname} {_choice(rng, names.COMPANY_WORDS)} {form}"
            search = company.lower()
        else:
            last, first, code, _female, born = self._person()
            if kind == "sole_trader":
                vat = self._vat()
                company = f"{last} {first} - {_choice(rng, names.COMPANY_WORDS)}"
                search = company.lower()
            else:
                search = f"{last} {first}".lower()
            vulnerable = 1 if rng.random() < (0.15 if born < 1946 else 0.02) else 0
        created = self.ts(iso(received), 7, int(rng.random() * 60))
        self.rows["parties_debtor"].append(
            (
                debtor_id,
                self.tenant_id,
                kind,
                size,
                first,
                last,
                company,
                code,
                vat,
                vulnerable,
                search,
                created,
            )
        )
        self._contacts(debtor_id, kind, place, first, last, company, created)
        return _Debtor(debtor_id, place.province, group, size, creditor_idx)

    def _contacts(
        self,
        debtor_id: int,
        kind: str,
        place: Municipality,
        first: str,
        last: str,
        company: str,
        created: str,
    ) -> None:
        rng = self.rng
        out = self.rows["parties_contactpoint"]

        def add(kind_: str, value: str, cap: str = "", town: str = "", prov: str = "") -> None:
            r = rng.random()
            status = (
                "unverified"
                if r < 0.7
                else ("valid" if r < 0.92 else ("wrong" if r < 0.97 else "unreachable"))
            )
            verified = created if status == "valid" else None
            out.append(
                (
                    self._next("parties_contactpoint"),
                    self.tenant_id,
                    debtor_id,
                    kind_,
                    value,
                    cap,
                    town,
                    prov,
                    "committente",
                    status,
                    verified,
                    created,
                )
            )

        street = f"{_choice(rng, names.STREETS)} {1 + int(rng.random() ** 2 * 180)}"
        add("address", street, _choice(rng, place.caps), place.name, place.province)
        slug = _letters(company or f"{first}{last}").lower()[:24]
        if kind != "company" and rng.random() < 0.85:
            add("mobile", f"+39{_choice(rng, names.MOBILE_PREFIXES)}{_randint(rng, 1_000_000, 9_999_999)}")
        if kind != "person":
            area = names.AREA_CODES.get(place.province)
            if area:
                add("phone", f"+39{area[0]}{_randint(rng, 2 * 10 ** (area[1] - 1), 10 ** area[1] - 1)}")
            add("pec", f"{slug}@{_choice(rng, names.PEC_DOMAINS)}")
            if rng.random() < 0.7:
                add("email", f"amministrazione@{slug}.it")
        elif rng.random() < 0.6:
            local = f"{_letters(first).lower()}.{_letters(last).lower()}"
            number = _randint(rng, 1, 99) if rng.random() < 0.6 else ""
            add("email", f"{local}{number}@{_choice(rng, names.EMAIL_DOMAINS)}")

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
                filing,
                0,
                *_stated_facts(creditor.sector, seq),
            )
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
        for i, (number, issued, cents, *_rest) in enumerate(claims):
            rows.append(
                (
                    self._next("ledger_ledgerentry"),
                    self.tenant_id,
                    case_id,
                    group,
                    "opening",
                    iso(received),
                    "principal",
                    "assigned",
                    euro(cents),
                    f"Fattura {number} del {it_date(issued)}",
                    None,
                    f"opening:{case_id}#{i}",
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
                f"Pratica aperta: {len(claims)} fatture, {format_eur(Decimal(original) / 100)} €",
                f'{{"assignment": "{assignment_code}"}}',
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


def _stated_facts(sector: str, seq: int) -> tuple[int | None, int | None]:
    """(supply_active, first_invoice_default) as the creditor states them: utilities say whether the supply is
    still active (1 in 7 ceased) and flag the customers whose first invoice is unpaid (1 in 11), telcos only the
    latter, suppliers neither. From the case number, not the random stream, so the rest of the demo is unchanged."""
    first = int(seq % 11 == 0)
    if sector == "utility":
        return int(seq % 7 != 0), first
    if sector == "telco":
        return None, first
    return None, None


def _reference(sector: str, seq: int) -> str:
    """The creditor's own reference for the position, in each creditor's style."""
    if sector == "utility":
        return f"CC{seq * 37 % 10**10:010d}"
    if sector == "telco":
        return f"9{seq:09d}"
    return f"CLI-{seq:07d}"


def _payment_plan(rng: random.Random, status: str, original: int) -> list[int]:
    """Amounts (cents) already paid, by status: paid in full, instalments of a plan, a first tranche..."""
    if status in ("paid", "closed"):
        parts = 1 if rng.random() < 0.6 else _randint(rng, 2, 4)
        if parts == 1 or original < parts * 100:
            return [original]
        each = original // parts
        return [each] * (parts - 1) + [original - each * (parts - 1)]
    share = 0.0
    if status == "plan":
        instalments = _randint(rng, 6, 24)
        done = _randint(rng, 0, min(6, instalments - 1))
        each = original // instalments
        return [each] * done if each > 0 else []
    if status == "promise" and rng.random() < 0.35:
        share = rng.uniform(0.1, 0.4)
    elif status == "settlement" and rng.random() < 0.5:
        share = rng.uniform(0.2, 0.5)
    elif status in ("working", "legal") and rng.random() < 0.08:
        share = rng.uniform(0.05, 0.3)
    cents = int(original * share)
    return [cents] if cents > 0 else []
