"""The creditor's monthly report by e-mail: the schedule it sets (day of the month, recipients among its own
users) and the daily job that sends each due report once per month, with a PDF (Typst) and an XLSX attached.

The report covers the month before the sending day: what the ledger booked in it (collected by the agency and
paid directly to the creditor, read from the ledger entries posted in that month), and the portfolio as it
stands when sent (snapshot + today, the portal's own figures), by assignment, cases by state, promises and plans.
Idempotency: a `MonthlyReportSent` row per report × month is claimed before sending (a unique key); a claim
left pending (a worker killed) or failed is sent again by the next run, a sent one never."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from recupero.channels.notices import emails_send
from recupero.channels.providers.base import Attachment, Message
from recupero.core.clock import now
from recupero.core.domain.roles import MONTHLY_REPORT, RUN_STRATEGIES, Role
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import service
from recupero.core.services import audit_record
from recupero.reporting.models import MonthlyReport, MonthlyReportSent
from recupero.reporting.report_files import ReportData, report_data, report_pdf, report_xlsx

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _own_creditor(actor: User) -> int:
    if actor.role != Role.CREDITOR_USER.value or not actor.creditor_id:
        raise DomainError("reporting.report_needs_creditor")
    return int(actor.creditor_id)


def recipients_allowed(tenant: Tenant, creditor_id: int) -> dict[int, str]:
    """The creditor's active users with an address: id → e-mail (the only possible recipients)."""
    users = User.objects.filter(
        tenant=tenant, role=Role.CREDITOR_USER.value, creditor_id=creditor_id, is_active=True
    ).exclude(email="")
    return dict(users.order_by("pk").values_list("pk", "email"))


@service(MONTHLY_REPORT)
@transaction.atomic
def monthly_report_set(
    *, tenant: Tenant, actor: User, day: int, recipient_ids: list[int], active: bool = True
) -> MonthlyReport:
    """Set (or change) the actor's creditor's monthly report: the day (1–28) and the recipients, chosen among
    the creditor's own users with an address. Bad input changes nothing."""
    creditor_id = _own_creditor(actor)
    if not isinstance(day, int) or not 1 <= day <= 28:
        raise DomainError("reporting.report_day")
    allowed = recipients_allowed(tenant, creditor_id)
    chosen = sorted(set(recipient_ids))
    if not chosen or any(i not in allowed for i in chosen):
        raise DomainError("reporting.report_recipients")
    report, _created = MonthlyReport.objects.update_or_create(
        tenant=tenant, creditor_id=creditor_id,
        defaults={"day": day, "recipients": chosen, "active": active, "updated_by": actor, "updated_at": now()},
    )  # fmt: skip
    audit_record(
        tenant=tenant, actor=actor, action="reporting.monthly_report_set", obj=report,
        details={"day": day, "recipients": chosen, "active": active},
    )  # fmt: skip
    return report


def period_before(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The month before `day`: ("YYYY-MM", first day, last day)."""
    last = day.replace(day=1) - dt.timedelta(days=1)
    return f"{last:%Y-%m}", last.replace(day=1), last


@service(RUN_STRATEGIES)
def monthly_reports_send_due(*, tenant: Tenant, actor: User, day: dt.date) -> dict[str, int]:
    """Send every active report whose day has come this month and that was not sent for the month before."""
    period, start, end = period_before(day)
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for report in MonthlyReport.objects.filter(tenant=tenant, active=True, day__lte=day.day).order_by("pk"):
        claim = _claim(report, period)
        if claim is None:
            counts["skipped"] += 1
            continue
        ok = _send(
            tenant, actor, report, claim, report_data(tenant, report.creditor_id, period, start, end, day)
        )
        counts["sent" if ok else "failed"] += 1
    return counts


def _claim(report: MonthlyReport, period: str) -> MonthlyReportSent | None:
    """This month's row of the report, claimed; None when it was already sent."""
    try:
        with transaction.atomic():
            return MonthlyReportSent.objects.create(tenant_id=report.tenant_id, report=report, period=period)
    except IntegrityError:
        found = MonthlyReportSent.objects.get(report=report, period=period)
        return None if found.status == MonthlyReportSent.Status.SENT else found


def _send(
    tenant: Tenant, actor: User, report: MonthlyReport, claim: MonthlyReportSent, data: ReportData
) -> bool:
    addresses = [
        a for i, a in recipients_allowed(tenant, report.creditor_id).items() if i in report.recipients
    ]
    files = (
        Attachment(f"report-{data.period}.pdf", report_pdf(data), "application/pdf"),
        Attachment(f"report-{data.period}.xlsx", report_xlsx(data), XLSX),
    )  # fmt: skip
    subject = f"Report mensile {data.period_label} – {data.creditor_name}"
    body = (
        f"In allegato il report del mese di {data.period_label} (PDF) e le sue tabelle (XLSX).\n"
        f"Incassato nel mese: {data.collected_label}; situazione del portafoglio al {data.as_of:%d/%m/%Y}."
    )
    outgoing = [
        Message(kind="email", to=a, body=body, subject=subject, reference=f"report:{report.pk}:{data.period}:{a}",
                attachments=files)
        for a in addresses
    ]  # fmt: skip
    results = emails_send(outgoing)
    ok = bool(results) and all(r.ok for r in results)
    claim.status = MonthlyReportSent.Status.SENT if ok else MonthlyReportSent.Status.FAILED
    claim.recipients, claim.collected = addresses, data.collected + data.collected_direct
    claim.sent_at = now() if ok else None
    claim.error = "" if ok else "; ".join(r.error for r in results if not r.ok)[:300] or "nessun destinatario"
    claim.save(update_fields=["status", "recipients", "collected", "sent_at", "error"])
    audit_record(
        tenant=tenant, actor=actor, action="reporting.monthly_report_sent", obj=claim,
        details={"period": data.period, "status": claim.status, "recipients": len(addresses)},
    )  # fmt: skip
    return ok
