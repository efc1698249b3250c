"""Hardened XML parsing: DOCTYPE refused outright, then lxml with entities, DTDs and network all off.

Refusing any DOCTYPE before parsing is the belt to lxml's braces: no FatturaPA needs one, and billion-laughs
or XXE payloads cannot exist without it.
"""

from __future__ import annotations

import re

from lxml import etree

from recupero.imports.domain.errors import IntakeError
from recupero.imports.domain.limits import Limits

_HOSTILE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _searchable(data: bytes) -> bytes:
    """UTF-16 hides '<!DOCTYPE' from a byte search: look at it as UTF-8."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    return data


def safe_parser() -> etree.XMLParser:
    """The intake's parser: no entities, no network, no DTD, no huge trees; comments and PIs dropped (also the
    benchmarks' bare parse, so that their baseline is the same parse)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, limits: Limits) -> etree._Element:
    if len(data) > limits.xml_max_bytes:
        raise IntakeError("import.file_too_large", limit=limits.xml_max_bytes)
    if _HOSTILE.search(_searchable(data)):
        raise IntakeError("import.xml_hostile")
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise IntakeError("import.xml_malformed", detail=str(exc)[:200]) from exc
    if root is None:
        raise IntakeError("import.xml_malformed", detail="documento vuoto")
    return root
