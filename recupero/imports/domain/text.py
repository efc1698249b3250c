"""Decoding creditor files: UTF-16 or UTF-32 (with or without BOM: Excel's "Unicode text" export), else UTF-8
(with or without BOM), else Windows-1252, else Latin-1.

A wide encoding without BOM shows itself by its zero bytes: ASCII text in UTF-16LE has a zero in every odd byte.
A file with many zero bytes in no such pattern is binary (a PDF or an image renamed .csv): refused with
"codifica non supportata" (`import.file.encoding`), as a wide file that does not decode. A few NUL bytes in
an otherwise UTF-8 file stay in the text: validation refuses the rows that carry them
(`import.row.nul_character`).

Strict UTF-8 first because a Windows-1252 file almost never decodes as valid UTF-8 by accident; cp1252 before
Latin-1 because Italian Windows exports use it (€ is 0x80) and Latin-1 decodes anything, so it goes last.

A 200 MB file is checked and converted `CHUNK` bytes at a time (issue 4: peak memory): the whole decoded text
of a big file would cost more than the file itself (up to four bytes per character). The incremental decoders
give exactly the verdict and the text of a whole-file decode, whatever the chunk boundaries.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from recupero.imports.domain.errors import IntakeError

ENCODINGS = ("utf-8", "cp1252", "latin-1")
CHUNK = 4 * 1024 * 1024
# UTF-32 first: its little-endian BOM begins with UTF-16's
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SNIFF_BYTES = 4096
BINARY_ZEROS = 0.2  # more zero bytes than this share of the first 4 KB: a wide encoding or binary data


def wide_encoding(data: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) of a UTF-16/UTF-32 file, None for a byte encoding; refuses binary data."""
    for bom, name in WIDE_BOMS:
        if data.startswith(bom):
            return name, len(bom)
    sample = data[:SNIFF_BYTES]
    if not sample or sample.count(0) <= len(sample) * BINARY_ZEROS:
        return None
    zeros = [_zero_share(sample[offset::4]) for offset in range(4)]
    patterns = {
        "utf-32-le": (zeros[1], zeros[2], zeros[3]),
        "utf-32-be": (zeros[0], zeros[1], zeros[2]),
    }
    for name, high in patterns.items():
        if min(high) > 0.9:
            return name, 0
    odd, even = min(zeros[1], zeros[3]), min(zeros[0], zeros[2])
    if odd > 0.6 and max(zeros[0], zeros[2]) < 0.4:
        return "utf-16-le", 0
    if even > 0.6 and max(zeros[1], zeros[3]) < 0.4:
        return "utf-16-be", 0
    raise IntakeError("import.file.encoding", detail="il file contiene dati binari, non testo")


def _zero_share(part: bytes) -> float:
    return part.count(0) / len(part) if part else 0.0


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
    chunk = chunk or CHUNK
    wide = wide_encoding(data)
    if wide is not None:
        return _from_wide(data, *wide, chunk), wide[0]
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
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


def _from_wide(data: bytes, encoding: str, skip: int, chunk: int) -> bytes:
    try:
        return b"".join(text.encode("utf-8") for text in _decoded(data, skip, encoding, chunk))
    except UnicodeError as exc:
        raise IntakeError("import.file.encoding", detail=f"{encoding.upper()} non valido") from exc


def _decoded(data: bytes, start: int, encoding: str, chunk: int) -> Iterator[str]:
    """The text of data[start:], one chunk at a time; a character cut by a chunk boundary is completed by the
    next chunk (the incremental decoder keeps its first bytes)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    view = memoryview(data)
    for offset in range(start, len(data), max(chunk, 1)):
        yield decoder.decode(view[offset : offset + chunk])
    yield decoder.decode(b"", final=True)
