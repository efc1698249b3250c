"""Debtors of the demo and their contact points: who shares a debtor, people and companies with valid codes."""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable

from recupero.demo.domain import names
from recupero.demo.generator.values import (
    Counters,
    CreditorRef,
    _choice,
    _Debtor,
    _head,
    _places,
    _randint,
    iso,
)
from recupero.law.codegen import _letters, tax_code, vat_number
from recupero.parties.domain.geo import Municipality


class _State:
    """What the mixins of `ChunkGenerator` share: its fields and the chunk's random stream and rows."""

    tenant_id: int
    seed: int
    creditors: list[CreditorRef]
    counters: Counters
    ts: Callable[[str, int, int], str]
    issued_codes: set[str]
    rng: random.Random
    rows: dict[str, list[tuple[object, ...]]]
    pool: dict[str, list[_Debtor]]
    _creditor_cum: list[int]

    def _next(self, table: str) -> int:
        value = self.counters.ids[table]
        self.counters.ids[table] = value + 1
        return value


class Debtors(_State):
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
