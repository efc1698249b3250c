"""Zip archives opened defensively: XLSX workbooks and archives of invoices are both zips.

The central directory is checked before anything is inflated (member count, declared sizes, compression
ratio), then each member is read in chunks with a hard cap, because a forged directory can understate the real
size.
"""

from __future__ import annotations

import io
import zipfile

from recupero.imports.domain.errors import IntakeError
from recupero.imports.domain.limits import Limits

CHUNK = 1024 * 1024


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Open and vet an archive; refuses `import.zip_bomb` before inflating a single byte."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IntakeError("import.zip_malformed", detail=str(exc)[:200]) from exc
    if len(members) > limits.zip_max_members:
        raise IntakeError("import.zip_bomb", detail=f"più di {limits.zip_max_members} file")
    total = 0
    for member in members:
        _check_member(member, limits)
        total += member.file_size
    if total > limits.zip_max_total_bytes:
        raise IntakeError(
            "import.zip_bomb", detail=f"contenuto totale oltre {limits.zip_max_total_bytes} byte"
        )
    return archive


def _check_member(member: zipfile.ZipInfo, limits: Limits) -> None:
    if member.file_size > limits.zip_max_member_bytes:
        raise IntakeError(
            "import.zip_bomb", detail=f"«{member.filename}» oltre {limits.zip_max_member_bytes} byte"
        )
    ratio = member.file_size / max(member.compress_size, 1)
    if ratio > limits.zip_max_ratio and member.file_size > CHUNK:
        raise IntakeError("import.zip_bomb", detail=f"«{member.filename}» compresso {int(ratio)} volte")


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> bytes:
    """Inflate one member, never more than the per-member limit whatever the directory claims."""
    cap = min(limits.zip_max_member_bytes, member.file_size)
    parts, size = [], 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > cap:
                    raise IntakeError(
                        "import.zip_bomb", detail=f"«{member.filename}» più grande del dichiarato"
                    )
                parts.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise IntakeError("import.zip_malformed", detail=f"{member.filename}: {str(exc)[:150]}") from exc
    return b"".join(parts)
