"""Benchmark of the strategy planner: one daily run over N synthetic cases vs a bare loop over the same cases.

Usage: python benchmarks/planner.py [--cases N] [--repeat R]. Prints progress, then one JSON line (last line).
The baseline is the cheapest possible pass over the same snapshots: one attribute comparison per case.
Ratio = planner / baseline. Snapshots and histories are built before timing (the run service reads them in one
set-based query); segmentation is timed separately, as the run service calls it once per case too.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recupero.strategies.domain import (
    CaseSnapshot,
    Contacts,
    History,
    PlannerSettings,
    StepRecord,
    load_segmentation,
    plan,
    report,
    shipped_strategies,
)

TODAY = date(2026, 6, 15)
STATUSES = ("working",) * 14 + ("new", "new", "promise", "plan", "disputed", "legal", "paid")
SECTORS = (
    ("utility", "electricity"),
    ("utility", "gas"),
    ("utility", "water"),
    ("telco", "telecom"),
    ("supplier", "ordinary"),
)
DEBTORS = ("consumer", "consumer", "consumer", "professional", "micro", "sme", "large")
CONTACTS = (
    Contacts(email=True, mobile=True, address=True),
    Contacts(mobile=True, address=True),
    Contacts(email=True, mobile=True, phone=True, pec=True, address=True),
    Contacts(address=True),
    Contacts(email=True),
)


def histories(strategies, rng: random.Random, per_strategy: int = 300) -> dict[str, list[History]]:
    """A pool of realistic histories per strategy: the first k steps done, spaced 10-20 days apart."""
    pool: dict[str, list[History]] = {}
    for code, strategy in strategies.items():
        found = []
        for _ in range(per_strategy):
            k = rng.randrange(len(strategy.steps) + 1)
            day = TODAY - timedelta(days=rng.randrange(1, 20) + 15 * k)
            steps = []
            for step in strategy.steps[:k]:
                steps.append(StepRecord(step.code, step.action, day))
                day += timedelta(days=rng.randrange(10, 21))
            talks = tuple(TODAY - timedelta(days=rng.randrange(0, 9)) for _ in range(rng.randrange(3)))
            found.append(History(tuple(steps), talks))
        pool[code] = found
    return pool


def generate(n: int, seed: int = 20260615):
    rng = random.Random(seed)
    strategies = shipped_strategies()
    segmentation = load_segmentation()
    pool = histories(strategies, rng)
    cases = []
    for i in range(n):
        sector, claim = rng.choice(SECTORS)
        due = TODAY - timedelta(days=rng.randrange(5, 400))
        deadline = (
            due + timedelta(days=730)
            if rng.random() < 0.9
            else TODAY + timedelta(days=rng.randrange(-5, 150))
        )
        snapshot = CaseSnapshot(
            case_id=i,
            status=rng.choice(STATUSES),
            creditor_code=sector.upper(),
            sector=sector,
            claim_type=claim,
            debtor_type=rng.choice(DEBTORS),
            balance=Decimal(rng.randrange(2000, 2_000_000)).scaleb(-2),
            first_due_date=due,
            opened_on=due + timedelta(days=rng.randrange(0, 30)),
            contacts=rng.choice(CONTACTS),
            prescription_deadline=deadline,
            vulnerable=rng.random() < 0.03,
            first_invoice_default=rng.random() < 0.1,
            supply_active=rng.random() < 0.5,
        )
        code = segmentation.pick(snapshot)
        cases.append((snapshot, strategies[code], rng.choice(pool[code])))
    return cases, segmentation


def best(label: str, run, repeat: int) -> float:
    timings = []
    for i in range(repeat):
        t0 = time.perf_counter()
        run()
        timings.append(time.perf_counter() - t0)
        print(f"{label} [{i + 1}/{repeat}]: {timings[-1]:.2f} s", flush=True)
    return min(timings)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    cases, segmentation = generate(args.cases)
    print(f"generated {len(cases):,} cases in {time.perf_counter() - t0:.1f} s", flush=True)
    settings = PlannerSettings()
    threshold = Decimal("100.00")
    decisions: list = []

    def run_planner() -> None:
        decisions[:] = [plan(s, strategy, h, TODAY, settings) for s, strategy, h in cases]

    def run_baseline() -> None:
        hits = 0
        for s, _strategy, _h in cases:
            if s.balance > threshold:
                hits += 1

    def run_segmentation() -> None:
        for s, _strategy, _h in cases:
            segmentation.pick(s)

    base = best("baseline", run_baseline, args.repeat)
    planner = best("planner", run_planner, args.repeat)
    segment = best("segmentation", run_segmentation, args.repeat)
    summary = report(decisions)
    n = len(cases)
    print(json.dumps(summary.as_dict()["skipped"]), flush=True)
    result = {
        "benchmark": "planner",
        "cases": n,
        "planner_s": round(planner, 3),
        "planner_us_per_case": round(planner / n * 1e6, 2),
        "segmentation_us_per_case": round(segment / n * 1e6, 2),
        "baseline_s": round(base, 3),
        "baseline_us_per_case": round(base / n * 1e6, 3),
        "ratio": round(planner / base, 1),
        "executed": summary.steps_executed,
        "flagged": summary.flagged,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
