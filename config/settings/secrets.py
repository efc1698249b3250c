"""The secret key: from DJANGO_SECRET_KEY, else generated once per installation into var/secret_key (mode 600).

The key signs sessions, password-reset links and CSRF tokens: a key published in the repository would let anyone
forge a session. So no key is written in the code, and the key earlier versions published is refused unless
DEBUG is on (a development machine that still exports it keeps working).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Published in earlier versions of this repository: public, hence never a secret.
DEVELOPMENT_KEYS = frozenset({"dev-only-insecure-key-change-me"})


def secret_key(var_dir: Path, *, debug: bool) -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip() or _stored_key(var_dir / "secret_key")
    if not debug and (key in DEVELOPMENT_KEYS or key.startswith("django-insecure-")):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY è la chiave di sviluppo pubblicata nel codice: con DEBUG spento Recupero non parte. "
            "Imposti una chiave segreta propria "
            "(ad es. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`) oppure tolga la variabile: "
            "la chiave viene allora generata una volta in var/secret_key."
        )
    return key


def _stored_key(path: Path) -> str:
    """Read the installation's key, creating it on the first start. Written to a private temporary file and
    linked into place: when the web server and the worker start together, one links and the other reads a whole
    key, never a half-written one."""
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process linked its key first: use that one
        finally:
            temporary.unlink()
    return path.read_text(encoding="ascii").strip()
