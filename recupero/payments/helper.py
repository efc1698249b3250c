"""The entry point of a reconciliation helper process (`workers.Pool` starts it): set Django up, wait for `go`,
reconcile chunks of the account with SKIP LOCKED as the calling process does, print one JSON line of figures."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this helper when its parent dies (as a kill -9 of the import would kill threads)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the helper finishes its chunks and exits
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the call above
        os._exit(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m recupero.payments.helper")
    for name in ("--tenant", "--actor", "--chunk", "--parent"):
        parser.add_argument(name, type=int, required=True)
    parser.add_argument("--iban", required=True)
    parser.add_argument("--ip", default="")
    parser.add_argument("--one-by-one", action="store_true")
    args = parser.parse_args(argv)
    _die_with_parent(args.parent)
    import django

    django.setup()
    from recupero.core.context import current_ip
    from recupero.core.models import Tenant, User
    from recupero.core.permissions import system_actor
    from recupero.payments import services

    services.CHUNK = args.chunk
    tenant = Tenant.objects.get(pk=args.tenant)
    actor = User.objects.get(pk=args.actor) if args.actor else system_actor(tenant)
    current_ip.set(args.ip or None)
    if sys.stdin.readline().strip() != "go":  # stopped: nothing left to share
        print(json.dumps({"matched": 0, "review": 0, "posted_total": "0.00"}))
        return
    done = services.ReconcileResult()
    try:
        services._reconcile_all(tenant, actor, args.iban, args.one_by_one, into=done)
    finally:  # what it committed, also when it fails (the exit status then says so)
        figures = {"matched": done.matched, "review": done.review, "posted_total": str(done.posted_total)}
        print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
