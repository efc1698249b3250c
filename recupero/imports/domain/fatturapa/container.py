"""From an uploaded file to the FatturaPA XML documents inside it: plain XML, signed .p7m, zip archives.

A signed invoice (CAdES, `.xml.p7m`) is a CMS SignedData whose encapsulated content is the XML; creditors send
it as DER or as base64 text of the DER, sometimes signed twice. A zip may hold hundreds of invoices, p7m
included, and even nested zips; every level is vetted by `safezip` before anything is inflated.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from asn1crypto import cms

from recupero.imports.domain.errors import IntakeError, Notice
from recupero.imports.domain.limits import Limits
from recupero.imports.domain.safezip import open_zip, read_member

MAX_SIGNATURE_LAYERS = 3
_BASE64 = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
_PEM_LINE = re.compile(rb"-----(BEGIN|END) [A-Z0-9 ]+-----")


@dataclass(slots=True)
class Documents:
    xml: list[tuple[str, bytes]] = field(default_factory=list)  # (name, xml bytes)
    refused: list[tuple[str, IntakeError]] = field(
        default_factory=list
    )  # members refused, the rest carries on
    notices: list[Notice] = field(default_factory=list)


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def looks_like_p7m(name: str, data: bytes) -> bool:
    head = data[:64].lstrip()
    return name.lower().endswith(".p7m") or head[:1] == b"\x30" or head.startswith(b"MII")


def extract(name: str, data: bytes, limits: Limits, depth: int = 0) -> Documents:
    """Every XML document in `data`. Hostile content (zip bomb) refuses the whole upload."""
    found = Documents()
    if is_zip(data):
        if depth >= limits.zip_max_depth:
            raise IntakeError("import.zip_bomb", detail="archivi annidati troppo in profondità")
        _extract_zip(data, limits, depth, found)
    elif looks_like_p7m(name, data):
        found.xml.append((name, unwrap_p7m(data)))
    else:
        found.xml.append((name, data))
    return found


def _extract_zip(data: bytes, limits: Limits, depth: int, found: Documents) -> None:
    archive = open_zip(data, limits)
    with archive:
        for member in archive.infolist():
            lowered = member.filename.lower()
            if member.is_dir() or "__macosx" in lowered:
                continue
            if not lowered.endswith((".xml", ".p7m", ".zip")):
                found.notices.append(
                    Notice.of("import.zip_member_skipped", member.filename, name=member.filename)
                )
                continue
            content = read_member(archive, member, limits)
            try:
                inner = extract(member.filename, content, limits, depth + 1)
            except IntakeError as exc:
                if exc.code == "import.zip_bomb":
                    raise
                found.refused.append((member.filename, exc))
                continue
            found.xml += inner.xml
            found.refused += inner.refused
            found.notices += inner.notices


def unwrap_p7m(data: bytes) -> bytes:
    """The signed content of a CMS SignedData, DER or base64; peels up to three nested signatures."""
    content = data
    for _ in range(MAX_SIGNATURE_LAYERS):
        content = _signed_content(_der(content))
        if not looks_like_p7m("", content):
            return content
    return content


def _der(data: bytes) -> bytes:
    stripped = data.strip()
    if stripped[:1] == b"\x30":
        return stripped
    if _BASE64.match(_PEM_LINE.sub(b"", stripped[:4096])):
        try:
            return base64.b64decode(_PEM_LINE.sub(b"", stripped), validate=False)
        except (binascii.Error, ValueError) as exc:
            raise IntakeError("import.p7m_malformed", detail="base64 non valido") from exc
    raise IntakeError("import.p7m_malformed", detail="né DER né base64")


def _signed_content(der: bytes) -> bytes:
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "signed_data":
            raise IntakeError("import.p7m_malformed", detail="non è una busta SignedData")
        content = info["content"]["encap_content_info"]["content"].native
    except IntakeError:
        raise
    except Exception as exc:  # asn1crypto raises ValueError, TypeError, KeyError... on broken DER
        raise IntakeError("import.p7m_malformed", detail=str(exc)[:150]) from exc
    if not isinstance(content, bytes) or not content:
        raise IntakeError("import.p7m_malformed", detail="contenuto firmato assente (firma staccata)")
    return content
