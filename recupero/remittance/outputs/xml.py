"""XML helpers shared by the two XML outputs: element building, text for banks, schema validation offline."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from typing import Any

from lxml import etree

XSD_DIR = Path(__file__).resolve().parent.parent / "xsd"
PAIN001 = XSD_DIR / "pain.001.001.03.xsd"


def sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    el = etree.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def latin(text: str, limit: int) -> str:
    """The SEPA character set: accents dropped, anything else outside the basic Latin set becomes a space."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
    return "".join(ch if ch in allowed else " " for ch in plain).strip()[:limit] or "-"


class _NoNetwork(etree.Resolver):
    """Resolve a schema import to a local file of the same name; never the network."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:  # type: ignore[override]
        name = (url or "").rsplit("/", 1)[-1]
        local = self.folder / name
        if local.exists():
            return self.resolve_filename(str(local), context)  # type: ignore[attr-defined]
        return None


@functools.cache
def schema(path: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    parser.resolvers.add(_NoNetwork(path.parent))
    return etree.XMLSchema(etree.parse(str(path), parser))


def validate(xml: bytes, path: Path) -> list[str]:
    """The schema's complaints about `xml` (empty when valid); parsed without entities or network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    doc = etree.fromstring(xml, parser)
    xsd = schema(path)
    if xsd.validate(doc):
        return []
    return [f"{e.line}: {e.message}" for e in xsd.error_log]  # type: ignore[attr-defined]
