"""Every write of the reporting app: the nightly snapshot, API tokens and webhook subscriptions."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from recupero.cases.models import TimelineEvent
from recupero.core.bulk import Bulk
from recupero.core.clock import now
from recupero.core.domain.roles import MANAGE_INTEGRATION, VIEW_AGENCY_REPORTS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import service
from recupero.core.services import audit_record
from recupero.reporting import sql
from recupero.reporting.domain.webhooks import KINDS, MAX_ATTEMPTS, backoff_seconds, kind_of
from recupero.reporting.integration import key_digest, new_key
from recupero.reporting.models import (
    AgeingFigure,
    ApiToken,
    CollectionMonth,
    CollectorMonth,
    PrescriptionRisk,
    Snapshot,
    SnapshotRun,
    StepFigure,
    WebhookCursor,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from recupero.reporting.risk import prescription_risks
from recupero.reporting.selectors import RUN_MEMO
from recupero.reporting.sending import Sent, body_of, post


@dataclass(frozen=True)
class SnapshotBuilt:
    day: dt.date
    snapshot_rows: int
    month_rows: int
    step_rows: int
    ageing_rows: int = 0
    collector_rows: int = 0


SNAPSHOT_TABLES = (Snapshot, CollectionMonth, StepFigure, AgeingFigure, CollectorMonth)


@service(VIEW_AGENCY_REPORTS)
@transaction.atomic
def snapshot_build(*, tenant: Tenant, actor: User, day: dt.date) -> SnapshotBuilt:
    """Build (or rebuild: the day's rows are replaced) the tenant's snapshot of `day`, set-based in SQL.

    Read-only figures, so the capability is the one that reads them; the audit row records who rebuilt what."""
    tenant.__dict__.pop(RUN_MEMO, None)  # the pages of this Tenant object read the new run
    for model in (*SNAPSHOT_TABLES, SnapshotRun):
        model.objects.filter(tenant=tenant, day=day).delete()
    d = sql.dialect(connection.vendor)
    costs = {k: Decimal(v) for k, v in settings.RECUPERO_CHANNEL_COSTS.items()}
    with connection.cursor() as cur:
        params = _marks_now(cur, tenant, day)
        counts = []
        cur.execute(sql.books_create(d), params)
        if connection.vendor == "postgresql":
            cur.execute(f"ANALYZE {sql.BOOKS}")  # a fresh table has no statistics: the joins would be guessed
        statements = (
            sql.snapshot_insert(d), sql.months_insert(d), sql.steps_insert(d, costs), sql.ageing_insert(d),
            sql.collector_months_insert(d),
        )  # fmt: skip
        for statement in statements:
            cur.execute(statement, params)
            counts.append(cur.rowcount)
        cur.execute(sql.books_drop())
    SnapshotRun.objects.create(
        tenant=tenant, day=day, ledger_upto=params["upto"], case_upto=params["case_upto"],
        timeline_upto=params["timeline_upto"], built_at=now(),
    )  # fmt: skip
    built = SnapshotBuilt(day, *counts)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="reporting.snapshot_build",
        object_type="snapshot",
        object_id=day.isoformat(),
        details={"rows": counts},
    )
    return built


def _marks_now(cur: Any, tenant: Tenant, day: dt.date) -> dict[str, Any]:
    """The marks: every entry, case and status move up to here is in the snapshot, every later one is read live."""
    marks = {}
    for name, table in (("upto", "ledger_ledgerentry"), ("case_upto", "cases_case"),
                        ("timeline_upto", "cases_timelineevent")):  # fmt: skip
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        marks[name] = cur.fetchone()[0]
    return {
        "tenant": tenant.pk,
        "day": day,
        "next_day": _start_of(day + dt.timedelta(days=1)),
        "month_start": day.replace(day=1),
        **marks,
    }


@service(VIEW_AGENCY_REPORTS)
@transaction.atomic
def prescription_risk_build(*, tenant: Tenant, actor: User, day: dt.date) -> int:
    """Build (or rebuild) the prescription-at-risk list of `day`: the open cases whose claims prescribe within
    the horizon (law engine, the daily run's deadlines), read first and then written at once (COPY on
    PostgreSQL: the connection cannot query while it copies). Apart from the snapshot: its own transaction and
    time, run after it by the nightly job."""
    PrescriptionRisk.objects.filter(tenant=tenant, day=day).delete()
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        case_upto = cur.fetchone()[0]
    columns = ("tenant_id", "day", "case_id", "creditor_id", "deadline", "amount", "has_pec")
    rows = [
        (tenant.pk, day, r.case_id, r.creditor_id, r.deadline, r.amount, r.has_pec)
        for r in prescription_risks(tenant=tenant, day=day, case_upto=case_upto)
    ]
    written = Bulk().write("reporting_prescriptionrisk", columns, rows)
    audit_record(tenant=tenant, actor=actor, action="reporting.prescription_risk_build", object_type="snapshot",
                 object_id=day.isoformat(), details={"rows": written})  # fmt: skip
    return written


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of `day` on the Italian clock (work items are stamped with aware datetimes)."""
    from recupero.core.clock import ROME

    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ROME)


# ---------------------------------------------------------------- API tokens


def _own_creditor(actor: User) -> int:
    if not actor.creditor_id:
        raise DomainError("reporting.token_needs_creditor")
    return int(actor.creditor_id)


@service(MANAGE_INTEGRATION)
@transaction.atomic
def token_create(*, tenant: Tenant, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new API key for the actor (a creditor user), scoped to its creditor. The key is returned once and
    never stored: only its SHA-256."""
    creditor_id = _own_creditor(actor)
    name = name.strip()
    if not name or len(name) > 80:
        raise DomainError("reporting.token_name")
    key = new_key()
    token = ApiToken.objects.create(
        tenant=tenant, user=actor, creditor_id=creditor_id, name=name, prefix=key[:10],
        digest=key_digest(key), created_at=now(),
    )  # fmt: skip
    audit_record(
        tenant=tenant, actor=actor, action="reporting.token_create", obj=token, details={"name": name}
    )
    return token, key


@service(MANAGE_INTEGRATION)
@transaction.atomic
def token_revoke(*, tenant: Tenant, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (another user's token id is not found)."""
    token = ApiToken.objects.filter(tenant=tenant, user=actor, pk=token_id).first()
    if token is None:
        raise DomainError("auth.not_found")
    if token.revoked_at is None:
        token.revoked_at = now()
        token.save(update_fields=["revoked_at"])
        audit_record(tenant=tenant, actor=actor, action="reporting.token_revoke", obj=token)
    return token


# ---------------------------------------------------------------- webhooks


@service(MANAGE_INTEGRATION)
@transaction.atomic
def webhook_subscribe(
    *, tenant: Tenant, actor: User, url: str, events: list[str]
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint of the actor's creditor for `events`; returns it and its signing secret (once)."""
    creditor_id = _own_creditor(actor)
    url = url.strip()
    if not url.startswith(("http://", "https://")) or len(url) > 300 or " " in url:
        raise DomainError("reporting.webhook_url")
    chosen = sorted(set(events))
    if not chosen or any(e not in KINDS for e in chosen):
        raise DomainError("reporting.webhook_events", kinds=", ".join(KINDS))
    secret = secrets.token_hex(32)
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant, creditor_id=creditor_id, url=url, secret=secret, events=chosen, created_by=actor,
        created_at=now(),
    )  # fmt: skip
    audit_record(tenant=tenant, actor=actor, action="reporting.webhook_subscribe", obj=endpoint,
                 details={"url": url, "events": chosen})  # fmt: skip
    return endpoint, secret


@service(MANAGE_INTEGRATION)
@transaction.atomic
def webhook_events_collect(*, tenant: Tenant, actor: User, limit: int = 5000) -> int:
    """Turn the case timeline's new events into webhook events and pending deliveries, from the tenant's
    cursor on. The event id is the timeline event's (`tl-<id>`), so running twice creates nothing twice."""
    cursor, _ = WebhookCursor.objects.select_for_update().get_or_create(tenant=tenant)
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(tenant=tenant, active=True):
        endpoints.setdefault(endpoint.creditor_id, []).append(endpoint)
    rows = (
        TimelineEvent.objects.filter(tenant=tenant, pk__gt=cursor.last_timeline_id)
        .order_by("pk").values_list("pk", "kind", "data", "at", "case_id", "case__code", "case__creditor_id")[:limit]
    )  # fmt: skip
    created, last = 0, cursor.last_timeline_id
    for pk, kind, data, at, case_id, code, creditor_id in rows:
        last = pk
        webhook_kind = kind_of(kind, data or {})
        wanted = [e for e in endpoints.get(creditor_id, []) if webhook_kind in e.events]
        if webhook_kind is None or not wanted:
            continue
        payload = {"case": {"id": case_id, "code": code}, "at": at.isoformat(), "data": data or {}}
        event, new = WebhookEvent.objects.get_or_create(
            event_id=f"tl-{pk}",
            defaults={"tenant": tenant, "creditor_id": creditor_id, "kind": webhook_kind, "payload": payload,
                      "created_at": now()},
        )  # fmt: skip
        for endpoint in wanted:
            WebhookDelivery.objects.get_or_create(
                event=event, endpoint=endpoint, defaults={"tenant": tenant, "next_attempt_at": now()}
            )
        created += int(new)
    cursor.last_timeline_id = last
    cursor.save(update_fields=["last_timeline_id"])
    return created


@service(MANAGE_INTEGRATION)
def webhook_deliver_due(*, tenant: Tenant, actor: User, limit: int = 200) -> int:
    """POST every delivery due now (signed), outside any transaction; each outcome is recorded in its own short
    transaction: 2xx delivered; otherwise retried with exponential backoff, failed after MAX_ATTEMPTS."""
    due = list(
        WebhookDelivery.objects.filter(tenant=tenant, status="pending", next_attempt_at__lte=now())
        .select_related("event", "endpoint").order_by("next_attempt_at", "pk")[:limit]
    )  # fmt: skip
    delivered = 0
    for delivery in due:
        event, endpoint = delivery.event, delivery.endpoint
        body = body_of(event.event_id, event.kind, event.payload)
        sent = post(endpoint.url, endpoint.secret, event.event_id, event.kind, body)
        _record(delivery, sent)
        delivered += int(sent.ok)
    return delivered


@transaction.atomic
def _record(delivery: WebhookDelivery, sent: Sent) -> None:
    delivery.attempts += 1
    delivery.last_status_code = sent.status
    delivery.last_error = sent.error
    if sent.ok:
        delivery.status, delivery.delivered_at = "delivered", now()
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = now() + dt.timedelta(seconds=backoff_seconds(delivery.attempts))
    delivery.save()
