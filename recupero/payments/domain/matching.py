"""Reconciliation of one bank credit with the agency's cases: pure scoring over candidates found set-based.

Each signal gives a confidence; signals for the same case combine as independent evidence (1 − Π(1 − c)).
A credit is posted by itself only when its best case reaches `AUTO_THRESHOLD`, is open, and no other case comes
close (`MARGIN`); anything else waits in the review queue with the suggestions and their reasons.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz

from recupero.cases.domain.codes import is_case_code
from recupero.law.money import format_eur
from recupero.payments.domain.rf import reference_body, references_in
from recupero.payments.domain.statements import EntryData

AUTO_THRESHOLD = 0.85
MARGIN = 0.20
NAME_MIN = 80  # rapidfuzz token_sort_ratio, 0-100

W_RF = 0.97
W_CODE = 0.90
W_IBAN_ONE = 0.80  # the payer's IBAN is known for a debtor with one open case
W_IBAN_MANY = 0.45
W_AMOUNT = 0.35
W_NAME = 0.50  # times the name similarity

CODE_PATTERN = re.compile(r"(?<![A-Z0-9])P[\s-]?(\d{8})(?![0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    case_id: int
    code: str
    debtor_id: int
    debtor_name: str
    amount_due: Decimal
    open: bool
    # amounts an active agreement expects (an instalment, a promise), with their label
    expected: tuple[tuple[Decimal, str], ...] = ()


@dataclass
class CandidateIndex:
    """What the selectors found for a batch of credits, keyed for the pure scorer."""

    by_code: dict[str, Candidate] = field(default_factory=dict)
    by_debtor: dict[int, list[Candidate]] = field(default_factory=dict)
    debtors_by_iban: dict[str, list[int]] = field(default_factory=dict)
    debtors_by_name: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    weight: float


def score_decimal(confidence: float) -> Decimal:
    """A confidence as the database keeps it: exact to the thousandth (`Match.confidence` is rounded so)."""
    return Decimal(f"{confidence:.3f}")


@dataclass
class Match:
    candidate: Candidate
    reasons: list[Reason] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        miss = 1.0
        for reason in self.reasons:
            miss *= 1.0 - reason.weight
        return round(1.0 - miss, 3)

    def to_dict(self) -> dict[str, object]:
        c = self.candidate
        return {
            "case_id": c.case_id,
            "code": c.code,
            "debtor": c.debtor_name,
            "amount_due": str(c.amount_due),
            "open": c.open,
            "confidence": self.confidence,
            "reasons": [r.text for r in self.reasons],
        }


@functools.lru_cache(maxsize=65536)
def normal_name(text: str) -> str:
    """Upper-case letters and spaces only, accents folded: "Rossi  Mario S.r.l." → "ROSSI MARIO SRL"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^A-Za-z0-9 ]", "", folded).upper().split())


def name_keys(name: str) -> list[str]:
    """Look-up keys of a payer's name against `Debtor.search_name` (surname first), in both word orders."""
    words = normal_name(name).lower().split()
    if not words:
        return []
    keys = {" ".join(words), " ".join(words[1:] + words[:1]), " ".join(words[-1:] + words[:-1])}
    return sorted(keys)


def codes_in(entry: EntryData) -> tuple[list[str], list[str]]:
    """Case codes found in the causale: (valid ones, ones whose check character fails — a typo)."""
    good, bad = _codes_in(entry.remittance, entry.structured)
    return list(good), list(bad)


@functools.lru_cache(maxsize=8192)  # a chunk's credits are read twice: by the candidates' look-up, by `score`
def _codes_in(remittance: str, structured: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    good: list[str] = []
    bad: list[str] = []
    for text in (remittance, structured):
        for digits in CODE_PATTERN.findall(text or ""):
            code = f"P{digits}"
            (good if is_case_code(code) else bad).append(code)
    return tuple(dict.fromkeys(good)), tuple(dict.fromkeys(bad))


def rf_codes_in(entry: EntryData) -> list[str]:
    return list(_rf_codes_in(entry.remittance, entry.structured))


@functools.lru_cache(maxsize=8192)
def _rf_codes_in(remittance: str, structured: str) -> tuple[str, ...]:
    bodies = [b for b in [reference_body(structured)] if b] + references_in(remittance)
    return tuple(dict.fromkeys(bodies))


def score(entry: EntryData, index: CandidateIndex) -> list[Match]:
    """Every case the credit may pay, best first, each with its reasons and confidence."""
    matches: dict[int, Match] = {}

    def add(candidate: Candidate, code: str, text: str, weight: float) -> None:
        match = matches.setdefault(candidate.case_id, Match(candidate))
        if all(r.code != code for r in match.reasons):
            match.reasons.append(Reason(code, text, weight))

    for body in rf_codes_in(entry):
        if body in index.by_code:
            add(index.by_code[body], "rf", f"riferimento RF della pratica {body}", W_RF)
    for code in codes_in(entry)[0]:
        if code in index.by_code:
            add(index.by_code[code], "code", f"codice pratica {code} nella causale", W_CODE)
    for debtor_id in index.debtors_by_iban.get(entry.payer_iban, []):
        cases = index.by_debtor.get(debtor_id, [])
        open_cases = [c for c in cases if c.open] or cases
        weight = W_IBAN_ONE if len(open_cases) == 1 else W_IBAN_MANY
        for c in open_cases:
            add(c, "iban", f"IBAN dell'ordinante già noto per {c.debtor_name}", weight)
    for key in name_keys(entry.payer_name):
        for debtor_id in index.debtors_by_name.get(key, []):
            for c in index.by_debtor.get(debtor_id, []):
                matches.setdefault(c.case_id, Match(c))
    for match in matches.values():
        _weigh_amount_and_name(entry, match)
    ranked = [m for m in matches.values() if m.reasons]
    return sorted(ranked, key=lambda m: (-m.confidence, m.candidate.code))


def _weigh_amount_and_name(entry: EntryData, match: Match) -> None:
    c = match.candidate
    if c.amount_due == entry.amount and c.amount_due > 0:
        match.reasons.append(
            Reason("amount", f"importo uguale al dovuto ({format_eur(c.amount_due)} €)", W_AMOUNT)
        )
    else:
        label = next((what for amount, what in c.expected if amount == entry.amount), None)
        if label:  # one amount signal at most: the debt and an instalment are the same sign
            text = f"importo uguale {label} ({format_eur(entry.amount)} €)"
            match.reasons.append(Reason("amount", text, W_AMOUNT))
    similarity = _name_similarity(entry.payer_name, c.debtor_name)
    if similarity >= NAME_MIN:
        match.reasons.append(
            Reason(
                "name",
                f"nome dell'ordinante simile a {c.debtor_name} ({similarity}%)",
                W_NAME * similarity / 100,
            )
        )


def _name_similarity(a: str, b: str) -> int:
    if not a or not b:
        return 0
    return int(fuzz.token_sort_ratio(normal_name(a), normal_name(b)))


def decide(matches: list[Match]) -> Match | None:
    """The match to post by itself, or None (the credit goes to review)."""
    if not matches:
        return None
    best = matches[0]
    runner_up = matches[1].confidence if len(matches) > 1 else 0.0
    if best.confidence >= AUTO_THRESHOLD and best.candidate.open and best.confidence - runner_up >= MARGIN:
        return best
    return None


INVOICE_MIN = 3  # an invoice number shorter than this, or without a digit, is not looked for in a causale


def designated_claim(remittance: str, invoices: list[tuple[int, str]]) -> int | None:
    """The claim the debtor designated (art. 1193 c.1 c.c.) by naming its invoice number in the causale, among
    the case's (claim id, invoice number): exactly one named, as a whole token ("saldo fatt. 2024/118" names
    "2024/118", not "118"); none or several named → None (imputed oldest first)."""
    if not remittance or not invoices:
        return None
    text = normal_reference(remittance)
    tokens = set(TOKEN.findall(text))
    named = set()
    for claim_id, number in invoices:
        key = normal_reference(number)
        if len(key) < INVOICE_MIN or not any(ch.isdigit() for ch in key):
            continue
        if (
            key in tokens
            if " " not in key
            else re.search(rf"(?<![A-Z0-9/-]){re.escape(key)}(?![A-Z0-9/-])", text)
        ):
            named.add(claim_id)
    return named.pop() if len(named) == 1 else None


TOKEN = re.compile(r"[A-Z0-9/-]+")


SEPARATOR = re.compile(r"\s*([/-])\s*")


def normal_reference(text: str) -> str:
    """Upper case, spaces around separators dropped: " ft 2024 / 118 " → "FT 2024/118"."""
    folded = SEPARATOR.sub(r"\1", (text or "").upper())
    return " ".join(folded.split())
