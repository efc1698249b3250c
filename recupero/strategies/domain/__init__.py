"""Pure strategy engine: strategies as data, segmentation, guards, the daily planner, the run report.

No Django here (import-linter contract): dataclasses in, decisions out.
"""

from recupero.strategies.domain.decisions import Decision, Execute, Flag, Reason, Skip
from recupero.strategies.domain.loader import (
    StrategyDataError,
    load_contact_windows,
    load_strategies,
    load_strategy,
    shipped_strategies,
)
from recupero.strategies.domain.model import (
    Action,
    Anchor,
    Channel,
    Conditions,
    DayUnit,
    Step,
    Strategy,
    Wait,
)
from recupero.strategies.domain.planner import idempotency_key, plan, preview
from recupero.strategies.domain.report import RunReport, report
from recupero.strategies.domain.segmentation import Segmentation, SegmentRule, load_segmentation
from recupero.strategies.domain.settings import ContactWindow, PlannerSettings
from recupero.strategies.domain.snapshot import (
    CaseSnapshot,
    ContactPoint,
    Contacts,
    History,
    RecordStatus,
    StepRecord,
)

__all__ = [
    "Action",
    "Anchor",
    "CaseSnapshot",
    "Channel",
    "Conditions",
    "ContactPoint",
    "ContactWindow",
    "Contacts",
    "DayUnit",
    "Decision",
    "Execute",
    "Flag",
    "History",
    "PlannerSettings",
    "Reason",
    "RecordStatus",
    "RunReport",
    "SegmentRule",
    "Segmentation",
    "Skip",
    "Step",
    "StepRecord",
    "Strategy",
    "StrategyDataError",
    "Wait",
    "idempotency_key",
    "load_contact_windows",
    "load_segmentation",
    "load_strategies",
    "load_strategy",
    "plan",
    "preview",
    "report",
    "shipped_strategies",
]
