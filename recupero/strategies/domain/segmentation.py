"""Segmentation: which strategy a case follows. Rules are data (data/segmentation.toml): first match wins,
else the default. Each rule lists what it requires; a field it omits matches anything."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from recupero.strategies.domain.loader import DATA_DIR, StrategyDataError, read_data
from recupero.strategies.domain.snapshot import CaseSnapshot

_FIELDS = {
    "name",
    "strategy",
    "creditor_codes",
    "sectors",
    "claim_types",
    "debtor_types",
    "min_balance",
    "max_balance",
}


@dataclass(frozen=True, slots=True)
class SegmentRule:
    name: str
    strategy: str
    creditor_codes: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    claim_types: frozenset[str] = frozenset()
    debtor_types: frozenset[str] = frozenset()
    min_balance: Decimal | None = None
    max_balance: Decimal | None = None  # inclusive

    def matches(self, snapshot: CaseSnapshot) -> bool:
        return not (
            (self.creditor_codes and snapshot.creditor_code not in self.creditor_codes)
            or (self.sectors and snapshot.sector not in self.sectors)
            or (self.claim_types and snapshot.claim_type not in self.claim_types)
            or (self.debtor_types and snapshot.debtor_type not in self.debtor_types)
            or (self.min_balance is not None and snapshot.balance < self.min_balance)
            or (self.max_balance is not None and snapshot.balance > self.max_balance)
        )


@dataclass(frozen=True, slots=True)
class Segmentation:
    rules: tuple[SegmentRule, ...]
    default: str

    def pick(self, snapshot: CaseSnapshot) -> str:
        """The strategy code for the case: the first rule that matches, else the default."""
        for rule in self.rules:
            if rule.matches(snapshot):
                return rule.strategy
        return self.default

    def check(self, strategy_codes: Iterable[str]) -> None:
        """Every strategy a rule names must exist: checked at load, not when a case first hits the rule."""
        known = set(strategy_codes)
        for code in {self.default, *(r.strategy for r in self.rules)}:
            if code not in known:
                raise StrategyDataError("segmentation.unknown_strategy", code)


def _rule(raw: Mapping[str, Any], index: int) -> SegmentRule:
    unknown = set(raw) - _FIELDS
    if unknown or "strategy" not in raw:
        raise StrategyDataError("segmentation.bad_rule", f"rule {index}: {sorted(unknown) or 'no strategy'}")
    amounts = {k: Decimal(str(raw[k])) for k in ("min_balance", "max_balance") if raw.get(k) is not None}
    return SegmentRule(
        name=str(raw.get("name", f"rule {index}")),
        strategy=str(raw["strategy"]),
        creditor_codes=frozenset(raw.get("creditor_codes", ())),
        sectors=frozenset(raw.get("sectors", ())),
        claim_types=frozenset(raw.get("claim_types", ())),
        debtor_types=frozenset(raw.get("debtor_types", ())),
        **amounts,
    )


def parse_segmentation(raw: Mapping[str, Any]) -> Segmentation:
    if "default" not in raw:
        raise StrategyDataError("segmentation.no_default", "a default strategy is required")
    rules = tuple(_rule(r, i) for i, r in enumerate(raw.get("rules", ()), start=1))
    return Segmentation(rules, str(raw["default"]))


def load_segmentation(path: Path = DATA_DIR / "segmentation.toml") -> Segmentation:
    return parse_segmentation(read_data(path))
