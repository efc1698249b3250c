"""Read strategies and contact-window presets from TOML (or JSON) files and check them before any run.

Bad data fails loudly at load time with a stable code (`strategy.unknown_action`), never at 3 a.m. in the
middle of the daily run.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from recupero.core.errors import RecuperoError
from recupero.law import contact_windows as law_windows
from recupero.law.contact_windows import ContactWindow
from recupero.law.errors import LawError
from recupero.strategies.domain.model import (
    ACTION_CHANNELS,
    Action,
    Anchor,
    Conditions,
    DayUnit,
    Step,
    Strategy,
    Wait,
)

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
STRATEGIES_DIR = DATA_DIR / "strategies"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class StrategyDataError(RecuperoError, ValueError):
    """A strategy file breaks a rule of the format; the message names the code and the place."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, f"{code}: {message}")


def read_data(path: Path) -> dict[str, Any]:
    if path.suffix == ".toml":
        with path.open("rb") as handle:
            return tomllib.load(handle)
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    raise StrategyDataError("strategy.bad_file", f"{path.name}: only .toml and .json")


def _enum(kind: type, value: Any, code: str, where: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise StrategyDataError(code, f"{where}: {value!r}") from None


def _decimal(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise StrategyDataError("strategy.bad_amount", f"{where}: {value!r}") from None


def parse_conditions(raw: Mapping[str, Any], where: str) -> Conditions:
    unknown = set(raw) - set(Conditions.__dataclass_fields__)
    if unknown:
        raise StrategyDataError("strategy.unknown_condition", f"{where}: {sorted(unknown)}")
    return Conditions(
        min_balance=_decimal(raw.get("min_balance"), where),
        max_balance=_decimal(raw.get("max_balance"), where),
        debtor_types=frozenset(raw.get("debtor_types", ())),
        claim_types=frozenset(raw.get("claim_types", ())),
        sectors=frozenset(raw.get("sectors", ())),
        first_invoice_default=raw.get("first_invoice_default"),
        score_bands=frozenset(raw.get("score_bands", ())),
        supply_active=raw.get("supply_active"),
        min_days_past_due=int(raw.get("min_days_past_due", 0)),
    )


def parse_step(raw: Mapping[str, Any], where: str) -> Step:
    where = f"{where} step {raw.get('code', '?')}"
    action = _enum(Action, raw.get("action"), "strategy.unknown_action", where)
    if action in (Action.SKIP_TRACE, Action.VERIFY_DATA):
        raise StrategyDataError("strategy.unknown_action", f"{where}: {action} is emitted, never planned")
    fallback = raw.get("fallback")
    wait = raw.get("wait", {})
    step = Step(
        code=str(raw["code"]),
        action=action,
        wait=Wait(
            days=int(wait.get("days", 0)),
            anchor=_enum(Anchor, wait.get("anchor", "previous_step"), "strategy.unknown_anchor", where),
            unit=_enum(DayUnit, wait.get("unit", "calendar"), "strategy.unknown_unit", where),
        ),
        template=raw.get("template"),
        conditions=parse_conditions(raw.get("conditions", {}), where),
        fallback=None if fallback is None else _enum(Action, fallback, "strategy.unknown_action", where),
        optional=bool(raw.get("optional", False)),
        why=str(raw.get("why", "")),
    )
    if step.wait.days < 0:
        raise StrategyDataError("strategy.negative_wait", where)
    if step.fallback is not None and ACTION_CHANNELS[step.fallback] == ACTION_CHANNELS[action]:
        raise StrategyDataError("strategy.useless_fallback", where)
    return step


def parse_strategy(raw: Mapping[str, Any], where: str = "strategy") -> Strategy:
    for key in ("code", "name", "steps"):
        if key not in raw:
            raise StrategyDataError("strategy.missing_field", f"{where}: {key}")
    steps = tuple(parse_step(s, f"{where} {raw['code']}") for s in raw["steps"])
    codes = [s.code for s in steps]
    if len(set(codes)) != len(codes):
        raise StrategyDataError("strategy.duplicate_step", f"{where}: {codes}")
    if not steps:
        raise StrategyDataError("strategy.no_steps", where)
    return Strategy(str(raw["code"]), str(raw["name"]), str(raw.get("description", "")), steps)


def load_strategy(path: Path) -> Strategy:
    return parse_strategy(read_data(path), path.name)


def load_strategies(directory: Path = STRATEGIES_DIR) -> dict[str, Strategy]:
    """Every strategy file of a directory, by code (sorted by file name for a stable order)."""
    found: dict[str, Strategy] = {}
    for path in sorted(p for p in directory.iterdir() if p.suffix in (".toml", ".json")):
        strategy = load_strategy(path)
        if strategy.code in found:
            raise StrategyDataError("strategy.duplicate_code", f"{path.name}: {strategy.code}")
        found[strategy.code] = strategy
    return found


@cache
def shipped_strategies() -> Mapping[str, Strategy]:
    """The strategies shipped in `data/strategies/`, parsed once per process."""
    return load_strategies()


def parse_contact_windows(raw: Mapping[str, Any]) -> dict[str, ContactWindow]:
    """The law's presets parser, refusing a bad file with this loader's error (strategies' data files)."""
    try:
        return law_windows.parse_contact_windows(raw)
    except LawError as exc:
        raise StrategyDataError(exc.code, exc.message) from None


def load_contact_windows(path: Path = law_windows.DATA) -> Mapping[str, ContactWindow]:
    return law_windows.load_contact_windows(path)
