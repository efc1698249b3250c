"""Decoding creditor files: UTF-8 (with or without BOM), else Windows-1252, else Latin-1.

Strict UTF-8 first because a Windows-1252 file almost never decodes as valid UTF-8 by accident; cp1252 before
Latin-1 because Italian Windows exports use it (€ is 0x80) and Latin-1 decodes anything, so it goes last.

A 200 MB file is checked and converted `CHUNK` bytes at a time (issue 4: peak memory): the whole decoded text
of a big file would cost more than the file itself (up to four bytes per character). The incremental decoders
give exactly the verdict and the text of a whole-file decode, whatever the chunk boundaries.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

ENCODINGS = ("utf-8", "cp1252", "latin-1")
CHUNK = 4 * 1024 * 1024


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


def to_utf8(data: bytes, *, keep_bom: bool = False, chunk: int | None = None) -> tuple[bytes, str]:
    """UTF-8 bytes without BOM (what polars wants) and the original encoding; no copy when already UTF-8.
    The conversion of another encoding holds one chunk of decoded text at a time.

    `keep_bom`: a UTF-8 file keeps its BOM (polars skips one itself) instead of being copied without it; the
    result is then `data` itself. A second BOM is content, as without `keep_bom`: such a file is copied."""
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    chunk = chunk or CHUNK
    for encoding in ENCODINGS:
        try:
            if encoding == "utf-8":
                for _ in _decoded(data, skip, encoding, chunk):
                    pass  # only the verdict: the bytes are already what polars wants
                if not skip or (keep_bom and not data.startswith(codecs.BOM_UTF8, skip)):
                    return data, encoding
                return data[skip:], encoding
            # as `decode` after the first BOM was dropped: it drops a second one too
            start = skip + (len(codecs.BOM_UTF8) if skip and data.startswith(codecs.BOM_UTF8, skip) else 0)
            parts = [text.encode("utf-8") for text in _decoded(data, start, encoding, chunk)]
            return b"".join(parts), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _decoded(data: bytes, start: int, encoding: str, chunk: int) -> Iterator[str]:
    """The text of data[start:], one chunk at a time; a character cut by a chunk boundary is completed by the
    next chunk (the incremental decoder keeps its first bytes)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    view = memoryview(data)
    for offset in range(start, len(data), max(chunk, 1)):
        yield decoder.decode(view[offset : offset + chunk])
    yield decoder.decode(b"", final=True)
