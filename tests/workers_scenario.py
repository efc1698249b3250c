"""The producer side of `test_workers_redis.py`, run as its own process on the scenario's database and queue:

    python -m tests.workers_scenario enqueue LETTERS EMAILS   → queues the communications, enqueues the tasks
    python -m tests.workers_scenario report                   → prints the outcome as JSON

Every task is enqueued twice, plus one task covering every id at once: two workers then race for the same
communications, which is what a retry, a double click or a second consumer does in production.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


BROKEN = 2  # letters whose template does not exist: they fail, and must fail once


def _template(n: int, letters: int) -> str:
    if n < BROKEN:
        return "no_such_template"
    return "reminder_1" if n < letters else "reminder_soft"


def enqueue(letters: int, emails: int) -> dict[str, object]:
    from django.db import transaction

    from recupero.cases.models import Case
    from recupero.channels.services import CommunicationSpec, communications_queue_new
    from recupero.channels.tasks import communications_send_task
    from recupero.core.models import Tenant
    from recupero.core.permissions import system_actor

    tenant = Tenant.objects.get(code="demo")
    # open cases only: a paid or closed case owes nothing, and a reminder letter to it is refused (issue 15)
    open_cases = Case.objects.filter(tenant=tenant).exclude(status__in=["paid", "closed"])
    cases = list(open_cases.order_by("id")[: letters + emails])
    today = dt.date.today()
    specs = [
        CommunicationSpec(
            case_id=case.pk,
            kind="letter" if n < letters else "email",
            template=_template(n, letters),
            step_code="scenario",
            action="send",
            contact_id=None,
            address=f"Via Roma {n}, Milano" if n < letters else f"debitore{n}@example.invalid",
            scheduled_for=today,
            idempotency_key=f"scenario:{case.pk}:{n}",
        )
        for n, case in enumerate(cases)
    ]
    with transaction.atomic():
        ids_by_kind = communications_queue_new(tenant=tenant, actor=system_actor(tenant), specs=specs)
    tasks = 0
    every: list[int] = []
    for ids in ids_by_kind.values():
        every += ids
        for start in range(0, len(ids), 5):
            chunk = ids[start : start + 5]
            for _twice in range(2):
                communications_send_task.enqueue(tenant.pk, chunk)
                tasks += 1
    communications_send_task.enqueue(tenant.pk, sorted(every))
    return {"tasks": tasks + 1, "communications": len(every)}


def report() -> dict[str, object]:
    from django.db.models import Count, Sum

    from recupero.cases.models import TimelineEvent
    from recupero.channels.models import Communication, PrintBatch

    comms = Communication.objects.filter(step_code="scenario")
    ids = set(comms.values_list("id", flat=True))
    per_event: dict[str, int] = {}  # "<kind> <communication id>" → how many timeline events say so
    for kind, data in TimelineEvent.objects.filter(
        kind__startswith="communication.", case_id__in=comms.values("case_id")
    ).values_list("kind", "data"):
        if data.get("communication") in ids:
            key = f"{kind} {data['communication']}"
            per_event[key] = per_event.get(key, 0) + 1
    from django.conf import settings

    letter_files = [p.name for p in (settings.MEDIA_ROOT / "letters").rglob("*.pdf")]
    return {
        "letter_files": len(letter_files),
        "documents": comms.exclude(document="").count(),
        "status": dict(comms.values_list("status").annotate(n=Count("id")).order_by()),
        "letters_in_batches": PrintBatch.objects.aggregate(n=Sum("letters"))["n"] or 0,
        "letters_with_batch": comms.filter(kind="letter", print_batch__isnull=False).count(),
        "batches": PrintBatch.objects.count(),
        "timeline_events": sum(per_event.values()),
        "timeline_repeated": sorted(k for k, n in per_event.items() if n > 1),
        "timeline_kinds": sorted({k.split()[0] for k in per_event}),
        "errors": sorted(set(comms.exclude(error="").values_list("error", flat=True))),
    }


if __name__ == "__main__":
    _setup()
    command = sys.argv[1]
    if command == "enqueue":
        print(json.dumps(enqueue(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(json.dumps(report()))
