"""The creditor's side, end to end: the case's message thread with the agency (e-mail to the other side through
a real SMTP server), the monthly report by e-mail, and the integration pushing with a token."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from recupero.cases.models import CaseMessage, TimelineEvent
from recupero.core.domain.roles import Role
from tests.factories import TAX_CODES, make_case, make_creditor, make_debtor, make_tenant, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _with_email(user, address: str):  # type: ignore[no-untyped-def]
    user.email = address
    user.save(update_fields=["email"])
    return user


def _smtp(port: int) -> dict[str, object]:
    return {
        "email": {"backend": "smtp", "host": "127.0.0.1", "port": port, "sender": "avvisi@alfa.example.it"}
    }


@pytest.mark.smtp
def test_a_message_thread_between_the_creditor_and_its_consultant(smtp, django_capture_on_commit_callbacks):
    sink, port = smtp
    tenant = make_tenant()
    creditor, other = make_creditor(tenant, "ACME"), make_creditor(tenant, "BETA", vat="02182030391")
    case = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("500.00",))
    consultant = _with_email(
        make_user(tenant, Role.CONSULTANT, username="consulente"), "consulente@agenzia.it"
    )
    creditor.consultants.add(consultant)
    client_user = _with_email(
        make_user(tenant, Role.CREDITOR_USER, creditor=creditor, username="cliente"), "a@acme.it"
    )
    stranger = make_user(tenant, Role.CREDITOR_USER, creditor=other, username="estraneo")

    with override_settings(RECUPERO_CHANNELS=_smtp(port)), django_capture_on_commit_callbacks(execute=True):
        asked = _client(client_user).post(
            f"/portale/pratiche/{case.pk}/messaggi/", {"body": "Il debitore ha pagato?"}
        )
    assert asked.status_code == 302
    (mail,) = sink.messages
    assert (mail["To"], mail["Subject"]) == ("consulente@agenzia.it", f"Pratica {case.code}: nuovo messaggio")
    assert "Il debitore ha pagato?" in mail.get_body().get_content()
    home = _client(consultant).get("/").content.decode()
    assert 'data-testid="threads-waiting"' in home and case.code in home

    with override_settings(RECUPERO_CHANNELS=_smtp(port)), django_capture_on_commit_callbacks(execute=True):
        _client(consultant).post(f"/pratiche/{case.pk}/messaggi/", {"body": "Sì, 200 euro il 3 marzo."})
    assert [m["To"] for m in sink.messages] == ["consulente@agenzia.it", "a@acme.it"]
    assert [(m.side, m.author_id) for m in CaseMessage.objects.order_by("id")] == [
        ("creditor", client_user.pk),
        ("agency", consultant.pk),
    ]
    assert TimelineEvent.objects.filter(case=case, kind="case.message").count() == 2
    page = _client(client_user).get(f"/portale/pratiche/{case.pk}/messaggi/").content.decode()
    assert "Sì, 200 euro il 3 marzo." in page and "Il debitore ha pagato?" in page
    assert case.code in _client(client_user).get("/portale/").content.decode()  # the agency's answer waits
    assert "Sì, 200 euro" in _client(consultant).get(f"/pratiche/{case.pk}/").content.decode()

    assert _client(stranger).get(f"/portale/pratiche/{case.pk}/messaggi/").status_code == 404
    assert (
        _client(stranger).post(f"/portale/pratiche/{case.pk}/messaggi/", {"body": "ciao"}).status_code == 404
    )
    empty = _client(client_user).post(f"/portale/pratiche/{case.pk}/messaggi/", {"body": "  "})
    assert empty.status_code == 302 and CaseMessage.objects.count() == 2
    collector = make_user(tenant, Role.COLLECTOR, username="operatore")
    assert _client(collector).post(f"/pratiche/{case.pk}/messaggi/", {"body": "x"}).status_code == 403
    assert CaseMessage.objects.count() == 2


@pytest.mark.smtp
def test_the_monthly_report_arrives_once_with_its_pdf_and_xlsx_and_the_ledgers_figures(smtp, settings):
    import datetime as dt
    import io
    from decimal import Decimal as D

    import time_machine
    from django.db.models import Q, Sum
    from openpyxl import load_workbook

    from recupero.core.clock import ROME
    from recupero.core.permissions import system_actor
    from recupero.ledger.models import LedgerEntry
    from recupero.payments.services import payment_record
    from recupero.reporting.models import MonthlyReportSent
    from recupero.reporting.tasks import monthly_reports_all

    sink, port = smtp
    settings.RECUPERO_CHANNELS = _smtp(port)
    tenant = make_tenant()
    creditor, other = make_creditor(tenant, "ACME"), make_creditor(tenant, "BETA", vat="02182030391")
    case = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("1000.00",))
    foreign = make_case(
        tenant, other, make_debtor(tenant, TAX_CODES[1], last_name="Verdi"), amounts=("300.00",)
    )
    system = system_actor(tenant)
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=ROME), tick=False):
        for c, amount, on, direct in (
            (case, "120.00", dt.date(2026, 2, 10), False),
            (case, "30.50", dt.date(2026, 2, 27), True),
            (case, "45.00", dt.date(2026, 3, 2), False),  # March: not in February's report
            (foreign, "99.00", dt.date(2026, 2, 11), False),  # another creditor's
        ):
            payment_record(tenant=tenant, actor=system, case=c, amount=D(amount), value_date=on,
                           method="bank_transfer", direct=direct)  # fmt: skip
    first = _with_email(
        make_user(tenant, Role.CREDITOR_USER, creditor=creditor, username="anna"), "anna@acme.it"
    )
    second = _with_email(
        make_user(tenant, Role.CREDITOR_USER, creditor=creditor, username="bruno"), "b@acme.it"
    )
    _with_email(make_user(tenant, Role.CREDITOR_USER, creditor=other, username="carla"), "c@beta.it")
    client = _client(first)
    refused = client.post("/portale/report-mensile/", {"day": "31", "recipients": [first.pk], "active": "on"})
    assert refused.status_code == 302 and not MonthlyReportSent.objects.exists()
    client.post("/portale/report-mensile/", {"day": "5", "recipients": [first.pk, second.pk], "active": "on"})
    page = client.get("/portale/report-mensile/").content.decode()
    assert "anna@acme.it" in page and "c@beta.it" not in page

    assert monthly_reports_all(dt.date(2026, 3, 4)) == {"sent": 0, "failed": 0, "skipped": 0}
    with time_machine.travel(dt.datetime(2026, 3, 5, 7, 0, tzinfo=ROME), tick=False):
        assert monthly_reports_all(dt.date(2026, 3, 5)) == {"sent": 1, "failed": 0, "skipped": 0}
        assert monthly_reports_all(dt.date(2026, 3, 5)) == {"sent": 0, "failed": 0, "skipped": 1}
        assert monthly_reports_all(dt.date(2026, 3, 28)) == {"sent": 0, "failed": 0, "skipped": 1}
    assert sorted(m["To"] for m in sink.messages) == ["anna@acme.it", "b@acme.it"]
    mail = sink.messages[0]
    assert mail["Subject"] == "Report mensile febbraio 2026 – Committente ACME"
    files = {p.get_filename(): p.get_content() for p in mail.iter_attachments()}
    assert sorted(files) == ["report-2026-02.pdf", "report-2026-02.xlsx"]
    assert files["report-2026-02.pdf"].startswith(b"%PDF")
    summary = list(
        load_workbook(io.BytesIO(files["report-2026-02.xlsx"])).worksheets[0].iter_rows(values_only=True)
    )
    ledger = LedgerEntry.objects.filter(
        case__creditor=creditor, posted_on__gte=dt.date(2026, 2, 1), posted_on__lte=dt.date(2026, 2, 28)
    )
    received = ledger.aggregate(
        d=Sum("amount", filter=Q(debit_account="payments_received")),
        c=Sum("amount", filter=Q(credit_account="payments_received")),
    )
    assert (received["d"] or 0) - (received["c"] or 0) == D("120.00")
    assert summary[1] == ("Incassato dall'agenzia nel mese", 120)
    assert summary[2] == ("Pagamenti diretti al committente nel mese", 30.5)
    assert summary[4] == ("Incassato in totale", 195.5)  # the portfolio now: February and March
    sent = MonthlyReportSent.objects.get()
    assert (sent.period, sent.status, sent.collected, sent.recipients) == (
        "2026-02", "sent", D("150.50"), ["anna@acme.it", "b@acme.it"],
    )  # fmt: skip
