"""The run report: what a daily run decided, aggregated (counts per action, step and channel; skips by reason)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from recupero.strategies.domain.decisions import Decision, Execute, Flag, Skip


@dataclass
class RunReport:
    cases_seen: int = 0
    steps_executed: int = 0  # primary Execute decisions (extra tasks such as skip tracing are in by_action)
    skipped: Counter[str] = field(default_factory=Counter)  # reason → count
    by_action: Counter[str] = field(default_factory=Counter)  # every Execute, extras included
    by_step: Counter[str] = field(default_factory=Counter)  # "strategy/step" → count
    by_channel: Counter[str] = field(default_factory=Counter)
    flagged: int = 0  # cases with at least one flag
    flags: Counter[str] = field(default_factory=Counter)  # reason → count

    def add(self, decision: Decision) -> None:
        self.cases_seen += 1
        outcome = decision.outcome
        if isinstance(outcome, Execute):
            self.steps_executed += 1
            self.by_step[f"{decision.strategy_code}/{outcome.step_code}"] += 1
        elif isinstance(outcome, Skip):
            self.skipped[outcome.reason] += 1
        flags = [f for f in (outcome, *decision.extra) if isinstance(f, Flag)]
        if flags:
            self.flagged += 1
            self.flags.update(f.reason for f in flags)
        for execute in decision.executes:
            self.by_action[execute.action] += 1
            self.by_channel[execute.channel] += 1

    def merge(self, other: RunReport) -> RunReport:
        """Sum of two reports (a run is chunked; each chunk reports on its own)."""
        return RunReport(
            self.cases_seen + other.cases_seen,
            self.steps_executed + other.steps_executed,
            self.skipped + other.skipped,
            self.by_action + other.by_action,
            self.by_step + other.by_step,
            self.by_channel + other.by_channel,
            self.flagged + other.flagged,
            self.flags + other.flags,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, keys sorted so two identical runs give identical reports."""
        counters = ("skipped", "by_action", "by_step", "by_channel", "flags")
        data: dict[str, Any] = {name: dict(sorted(getattr(self, name).items())) for name in counters}
        data.update(cases_seen=self.cases_seen, steps_executed=self.steps_executed, flagged=self.flagged)
        return data


def report(decisions: Iterable[Decision]) -> RunReport:
    result = RunReport()
    for decision in decisions:
        result.add(decision)
    return result
