"""Registered mail (raccomandata A/R): tracking numbers, return cards, giacenza notices and returns, by hand or
from the postal provider's CSV."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from recupero.cases.services import prescription_event_record
from recupero.channels.domain.pec import ROME
from recupero.channels.domain.states import CommKind, CommStatus
from recupero.channels.models import Communication
from recupero.channels.services.states import _comm_move, _timeline
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import RECORD_RECEIPTS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import service
from recupero.core.services import audit_record


@service(RECORD_RECEIPTS)
@transaction.atomic
def registered_record(
    *,
    tenant: Tenant,
    actor: User,
    communication: Communication,
    tracking_number: str = "",
    delivered_on: dt.date | None = None,
    held_on: dt.date | None = None,
    returned_on: dt.date | None = None,
) -> Communication:
    """Tracking number, return card (delivered), avviso di giacenza (held) or return of a raccomandata A/R.
    Delivery and the giacenza notice interrupt prescription (LEGAL.md §3) on the date written on them."""
    comm = Communication.objects.select_for_update().select_related("case", "tenant").get(pk=communication.pk)
    if comm.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    if comm.kind != CommKind.REGISTERED:
        raise DomainError(
            "channel.not_registered", gettext_lazy("La comunicazione non è una raccomandata A/R.")
        )
    if tracking_number and tracking_number != comm.tracking_number:
        comm.tracking_number = tracking_number.strip()
        comm.save(update_fields=["tracking_number", "updated_at"])
        _timeline(comm, actor, f"Raccomandata n. {comm.tracking_number}")
    if held_on and _comm_move(comm, CommStatus.HELD, held_on=held_on):
        _timeline(comm, actor, f"Raccomandata in giacenza: avviso lasciato il {held_on:%d/%m/%Y}")
        prescription_event_record(
            tenant=tenant,
            actor=actor,
            case=comm.case,
            kind="registered_held_notice",
            when=held_on,
            evidence=f"communication:{comm.pk}",
        )
    if delivered_on and _comm_move(
        comm, CommStatus.DELIVERED, delivered_at=dt.datetime.combine(delivered_on, dt.time(12), tzinfo=ROME)
    ):
        _timeline(comm, actor, f"Raccomandata consegnata il {delivered_on:%d/%m/%Y} (cartolina di ritorno)")
        prescription_event_record(
            tenant=tenant,
            actor=actor,
            case=comm.case,
            kind="registered_delivered",
            when=delivered_on,
            evidence=f"communication:{comm.pk}",
        )
    if returned_on and _comm_move(comm, CommStatus.RETURNED, returned_on=returned_on):
        _timeline(comm, actor, f"Raccomandata restituita al mittente il {returned_on:%d/%m/%Y}")
    audit_record(tenant=tenant, actor=actor, action="communication.registered", obj=comm)
    return comm


def _csv_date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    if "/" in value:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()
    return dt.date.fromisoformat(value)


@service(RECORD_RECEIPTS)
def registered_import(*, tenant: Tenant, actor: User, lines: Iterable[str]) -> dict[str, Any]:
    """CSV from the postal provider: case_code;tracking_number;delivered_on;held_on;returned_on (dates
    dd/mm/yyyy or ISO; `,` or `;`). A row is matched by tracking number, else by the case's latest raccomandata.
    Each row is its own transaction: a bad row is reported and changes nothing."""
    text = list(lines)
    dialect = csv.Sniffer().sniff(text[0], delimiters=",;") if text else csv.excel
    reader = csv.DictReader(text, dialect=dialect)
    done, errors = 0, []
    for n, row in enumerate(reader, start=2):
        try:
            comm = _registered_match(tenant, row)
            registered_record(
                tenant=tenant,
                actor=actor,
                communication=comm,
                tracking_number=(row.get("tracking_number") or ""),
                delivered_on=_csv_date(row.get("delivered_on")),
                held_on=_csv_date(row.get("held_on")),
                returned_on=_csv_date(row.get("returned_on")),
            )
            done += 1
        except (DomainError, ValueError) as exc:
            errors.append({"line": n, "error": getattr(exc, "message", str(exc))})
    return {"rows": done, "errors": errors}


def _registered_match(tenant: Tenant, row: dict[str, str]) -> Communication:
    qs = Communication.objects.filter(tenant=tenant, kind=CommKind.REGISTERED)
    tracking = (row.get("tracking_number") or "").strip()
    found = qs.filter(tracking_number=tracking).first() if tracking else None
    if found is None and row.get("case_code"):
        found = qs.filter(case__code=row["case_code"].strip()).order_by("-scheduled_for", "-id").first()
    if found is None:
        raise DomainError(
            "channel.no_match",
            gettext_lazy("Nessuna raccomandata per «{value}»."),
            value=tracking or row.get("case_code") or "",
        )
    return found
