"""Decoding creditor files: UTF-8 (with or without BOM), else Windows-1252, else Latin-1.

Strict UTF-8 first because a Windows-1252 file almost never decodes as valid UTF-8 by accident; cp1252 before
Latin-1 because Italian Windows exports use it (€ is 0x80) and Latin-1 decodes anything, so it goes last.
"""

from __future__ import annotations

import codecs

ENCODINGS = ("utf-8", "cp1252", "latin-1")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). The BOM is dropped."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def to_utf8(data: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes without BOM (what polars wants) and the original encoding; no copy when already UTF-8."""
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        text, encoding = decode(body)
        return text.encode("utf-8"), encoding
    return body, "utf-8"
