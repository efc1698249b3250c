"""Planner settings (per tenant or creditor) and the contact windows of a mandate (LEGAL.md §4, §9)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from recupero.law.contact_windows import ContactWindow, load_contact_windows

__all__ = ["ContactWindow", "PlannerSettings"]


def _default_windows() -> Mapping[str, ContactWindow]:
    return load_contact_windows()


@dataclass(frozen=True, slots=True)
class PlannerSettings:
    # Prescription close (LEGAL.md §3): fast-track a formal demand when the deadline is this near.
    prescription_close_days: int = 120
    registered_delivery_working_days: int = 10  # raccomandata A/R: worst-case delivery
    # A demand "sent" with no receipt after this long proved nothing (10 working days + 30 days of giacenza).
    demand_receipt_timeout_days: int = 45
    # Conduct (LEGAL.md §4, UNIREC presets).
    visit_min_days_past_due: int = 90  # home visits only from the 3rd month of arrears
    conversations_per_week: int = 3  # rolling 7 days
    conversations_per_day: int = 1
    # ARERA suspension (LEGAL.md §9, ⚠️ secondary sources: settings).
    payment_term_days: int = 15  # at least 15
    suspension_electricity_days: int = 25  # not before 25 days from receipt (low voltage)
    suspension_gas_days: int = 40
    contact_windows: Mapping[str, ContactWindow] = field(default_factory=_default_windows)
    default_window: str = "unirec"

    def __post_init__(self) -> None:
        if self.payment_term_days < 15:
            raise ValueError("ARERA: the payment term of a suspension notice is at least 15 days")
        if min(self.suspension_electricity_days, self.suspension_gas_days) < self.payment_term_days:
            raise ValueError("suspension cannot come before the payment term expires")
        if self.default_window not in self.contact_windows:
            raise ValueError(f"unknown default contact window {self.default_window!r}")

    def window(self, code: str) -> ContactWindow:
        """The mandate's window; an unknown code falls back to the default (never to "no limits")."""
        found = self.contact_windows.get(code)
        return found if found is not None else self.contact_windows[self.default_window]
