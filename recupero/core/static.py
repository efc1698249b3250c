"""Collect static files into STATIC_ROOT only when their sources changed (what `recupero serve` runs first).

With DEBUG off WhiteNoise serves STATIC_ROOT alone (and, with the manifest storage of production, only hashed
names), so a page after an upgrade would miss its CSS until someone remembered `collectstatic`. A stamp of the
sources (path, size, mtime) and the storage class decides: unchanged → nothing to do, in milliseconds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command

STAMP = ".recupero-sources"


def sources_fingerprint() -> tuple[str, int]:
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    count = 0
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            full = Path(storage.path(path)) if isinstance(storage, FileSystemStorage) else None
            stat = full.stat() if full else None
            entries.append(f"{path}|{stat.st_size if stat else 0}|{stat.st_mtime_ns if stat else 0}")
            count += 1
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest(), count


def collect_if_needed() -> int | None:
    """Run collectstatic when the sources differ from the last collection; the number of source files, or
    None when STATIC_ROOT was already up to date."""
    root = Path(settings.STATIC_ROOT)
    fingerprint, count = sources_fingerprint()
    stamp = root / STAMP
    if stamp.exists() and stamp.read_text() == fingerprint:
        return None
    call_command("collectstatic", interactive=False, verbosity=0)
    root.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)
    return count
