"""Italian geography as data: provinces, municipalities, CAP codes (ISTAT list, see data/README.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).with_name("data") / "municipalities.csv"


@dataclass(frozen=True, slots=True)
class Municipality:
    istat: str
    name: str
    province: str
    province_name: str
    region: str
    belfiore: str
    is_capital: bool
    caps: tuple[str, ...]


@cache
def municipalities() -> tuple[Municipality, ...]:
    with _DATA.open(encoding="utf-8") as fh:
        return tuple(
            Municipality(
                istat=row["istat"],
                name=row["name"],
                province=row["province"],
                province_name=row["province_name"],
                region=row["region"],
                belfiore=row["belfiore"],
                is_capital=row["capoluogo"] == "1",
                caps=tuple(row["caps"].split()),
            )
            for row in csv.DictReader(fh)
        )


@cache
def provinces() -> dict[str, str]:
    """Province code (sigla) -> name, e.g. 'MI' -> 'Milano'."""
    return {m.province: m.province_name for m in municipalities()}


@cache
def _caps_by_province() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for m in municipalities():
        out.setdefault(m.province, set()).update(m.caps)
        if m.is_capital and len(m.caps) > 1:
            # Cities with street-level CAPs also keep the generic one (80100 Napoli), still common in exports.
            out[m.province].add(m.caps[0][:3] + "00")
    return {k: frozenset(v) for k, v in out.items()}


def is_province(code: str) -> bool:
    return code.upper() in provinces()


def cap_matches_province(cap: str, province: str) -> bool:
    """True when the CAP is one of the province's codes. Unknown province -> False."""
    return cap in _caps_by_province().get(province.upper(), frozenset())


@cache
def municipality_by_name(name: str, province: str) -> Municipality | None:
    key = (name.strip().casefold(), province.upper())
    for m in municipalities():
        if (m.name.casefold(), m.province) == key:
            return m
    return None
