"""axe-core in the browser tests, with no network at run time: `vendor/axe.min.js` (axe-core 4.14.1, MPL-2.0,
its licence header kept; `vendor/axe-core.LICENSE`) is injected into the page and run against WCAG 2.1 A and AA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    """(rule, impact, first targets) of every WCAG 2.1 A/AA violation on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG21_AA
    )
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def assert_accessible(page: Any) -> None:
    found = axe_violations(page)
    assert found == [], f"{page.url}: {found}"
