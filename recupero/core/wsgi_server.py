"""Gunicorn embedded as a library, so `recupero serve` needs no config file and no second command line."""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication

_SHM = "/dev/shm"  # noqa: S108 - gunicorn's documented place for its heartbeat files, not our data


class RecuperoServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn on Django's WSGI handler, with settings chosen for a small server behind a TLS proxy."""

    def __init__(self, options: dict[str, Any]) -> None:
        threads = options["threads"]
        self.options = {
            "worker_class": "gthread" if threads > 1 else "sync",
            "graceful_timeout": 30,
            "keepalive": 5,
            # Recycle a worker now and then: a slow leak in a library never grows without bound.
            "max_requests": 2000,
            "max_requests_jitter": 200,
            "worker_tmp_dir": _SHM if os.path.isdir(_SHM) else None,  # workers' heartbeat files off the disk
            "errorlog": "-",
            # Loaded once in the master, then forked: workers start at once and share the imported code.
            "preload_app": True,
            "proc_name": "recupero",
            # Gunicorn's control socket has one default path per user: two servers on a machine would fight.
            "control_socket_disable": True,
            **options,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if value is not None and key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()
