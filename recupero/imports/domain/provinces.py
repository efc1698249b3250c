"""Italian provinces for intake, from the official ISTAT list in `recupero.parties.domain.geo` (the same data the
parties services check addresses against, so validation accepts exactly what the commit can store).

Besides the 107 current sigle, creditors' old master data still carries the Sardinian provinces abolished in
2016 (CI, VS, OG, OT): they are accepted with a warning and mapped to the province that absorbed them. `EE`
(estero) is accepted as "abroad": such an address is reported but not stored as an Italian postal address.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from recupero.imports.domain.mapping import fold
from recupero.parties.domain.geo import cap_matches_province, municipalities
from recupero.parties.domain.geo import provinces as istat_provinces

# abolished sigla -> (name, successor sigla in the current ISTAT list)
ABOLISHED = {
    "CI": ("Carbonia-Iglesias", "SU"),
    "VS": ("Medio Campidano", "SU"),
    "OG": ("Ogliastra", "NU"),
    "OT": ("Olbia-Tempio", "SS"),
}
ABROAD = "EE"


@dataclass(frozen=True, slots=True)
class Province:
    sigla: str
    name: str
    active: bool
    successor: str | None = None  # for an abolished sigla: the current province


@cache
def provinces() -> dict[str, Province]:
    """Current ISTAT provinces, the abolished Sardinian ones (inactive) and EE."""
    result = {sigla: Province(sigla, name, True) for sigla, name in istat_provinces().items()}
    for sigla, (name, successor) in ABOLISHED.items():
        result[sigla] = Province(sigla, name, False, successor)
    result[ABROAD] = Province(ABROAD, "Estero", False)
    return result


@cache
def _by_name() -> dict[str, str]:
    names = {fold(p.name): p.sigla for p in provinces().values()}
    names.update({fold(p.name).replace(" ", ""): p.sigla for p in provinces().values()})
    names.update(
        {
            "bozen": "BZ",
            "aoste": "AO",
            "monza brianza": "MB",
            "monza": "MB",
            "pesaro urbino": "PU",
            "reggio emilia": "RE",
            "reggio nell emilia": "RE",
            "reggio calabria": "RC",
            "reggio di calabria": "RC",
            "forli": "FC",
            "forli cesena": "FC",
            "massa carrara": "MS",
            "estero": "EE",
        }
    )
    return names


def province_sigla(value: str) -> str | None:
    """The sigla for 'MI', 'mi', '(MI)', 'Milano' or 'Bolzano/Bozen'; None when unknown."""
    folded = fold(value)
    if len(folded) == 2 and folded.upper() in provinces():
        return folded.upper()
    first = folded.split(" ")[0] if "/" in value else ""
    for candidate in (folded, folded.replace(" ", ""), first):
        if candidate and candidate in _by_name():
            return _by_name()[candidate]
    return None


def current_sigla(sigla: str) -> str | None:
    """The sigla an address is stored under: itself, the successor of an abolished one, None for EE."""
    province = provinces().get(sigla)
    if province is None or sigla == ABROAD:
        return None
    return province.successor or province.sigla


def cap_matches(cap: str, sigla: str) -> bool:
    """True when the CAP is one of the province's ISTAT codes (an abolished sigla: its successor's)."""
    current = current_sigla(sigla)
    return current is not None and cap_matches_province(cap, current)


@cache
def _provinces_with_gaps() -> frozenset[str]:
    """Provinces where some municipality has no CAP in the ISTAT file (today all of Sardinia): a CAP there can
    be neither confirmed nor refused, and the parties service would refuse the address."""
    return frozenset(m.province for m in municipalities() if not m.caps)


def cap_verdict(cap: str, sigla: str) -> str:
    """'1' the CAP belongs to the province, '0' it does not, '?' the official list cannot tell."""
    if cap_matches(cap, sigla):
        return "1"
    return "?" if current_sigla(sigla) in _provinces_with_gaps() else "0"
