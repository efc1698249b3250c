"""The personal link's services on the database: issue, reissue, revoke, unlock, ensure for a sending chunk,
and the check at the door with its counters per link and per address, audit and timeline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from recupero.cases.access import (
    access_link_by_token,
    access_link_issue,
    access_link_revoke,
    access_link_state,
    access_link_unlock,
    access_links_ensure,
    access_principal,
    access_verify,
)
from recupero.cases.domain.access import LinkState, Verdict
from recupero.cases.models import AccessAttempt, AccessLink, Case
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.models import AuditLog
from recupero.core.permissions import case_q, system_actor
from tests import portfolio as b
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    t = b.tenant()
    x, y = b.creditor(t, code="X"), b.creditor(t, code="Y")
    debtor = b.debtor(t)
    return t, b.case(t, x, debtor), b.case(t, y, debtor), b.case(t, x, b.debtor(t))


def test_reissue_revokes_the_earlier_link_and_its_token(world):
    t, case, *_ = world
    first, old = access_link_issue(tenant=t, actor=system_actor(t), case=case)
    second, new = access_link_issue(tenant=t, actor=system_actor(t), case=case)
    # the old token still names its link, to say "replaced": it opens nothing
    assert access_link_state(access_link_by_token(old)) == LinkState.REVOKED
    assert access_link_by_token(new).pk == second.pk
    assert access_link_by_token(new[:-1] + ("a" if new[-1] != "a" else "b")) is None  # forged
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert (second.expires_at - second.issued_at) == dt.timedelta(days=180)
    access_link_revoke(tenant=t, actor=system_actor(t), link=second, reason="richiesta del debitore")
    assert access_verify(link=second, ip="10.0.0.1", answer=case.debtor.tax_code[-5:])[0] == Verdict.CLOSED
    assert case.timeline.filter(kind="access.revoked").get().summary.endswith("richiesta del debitore")


def test_roles_without_the_capability_or_the_scope_cannot_issue_or_unlock(world):
    t, case, _other_creditor, _ = world
    for role in (Role.AUDITOR, Role.LAWYER, Role.FIELD_AGENT, Role.CREDITOR_USER):
        with pytest.raises(DomainError) as err:
            access_link_issue(tenant=t, actor=make_user(t, role), case=case)
        assert err.value.code == "auth.forbidden"
    link, _ = access_link_issue(tenant=t, actor=make_user(t, Role.COLLECTOR), case=case)
    consultant = make_user(t, Role.CONSULTANT)  # assigned to no creditor: the case is not theirs
    with pytest.raises(DomainError) as err:
        access_link_unlock(tenant=t, actor=consultant, link=link)
    assert err.value.code == "auth.not_found"


def test_ensure_gives_one_live_link_per_case_and_renews_one_about_to_expire(world):
    t, a, b_case, c = world
    actor = system_actor(t)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False) as clock:
        tokens = access_links_ensure(tenant=t, actor=actor, case_ids=[a.pk, b_case.pk, c.pk, a.pk])
        assert set(tokens) == {a.pk, b_case.pk, c.pk} and AccessLink.objects.count() == 3
        assert access_links_ensure(tenant=t, actor=actor, case_ids=[a.pk]) == {a.pk: tokens[a.pk]}
        clock.shift(dt.timedelta(days=151))  # 29 days left: a letter must not carry a link about to die
        renewed = access_links_ensure(tenant=t, actor=actor, case_ids=[a.pk])
        assert renewed[a.pk] != tokens[a.pk] and AccessLink.objects.filter(case=a).count() == 2
    assert AuditLog.objects.filter(tenant=t, action="access.issue_many").count() == 2


def test_the_principal_reaches_this_debtors_cases_with_this_creditor_only(world):
    t, case, same_debtor_other_creditor, _other_debtor = world
    link, _ = access_link_issue(tenant=t, actor=system_actor(t), case=case)
    verdict, principal = access_verify(link=link, ip="10.0.0.1", answer=case.debtor.tax_code[-5:])
    assert verdict == Verdict.OPEN and principal.pk is None and principal.role == "debtor"
    assert list(Case.objects.filter(case_q(principal)).values_list("pk", flat=True)) == [case.pk]
    assert same_debtor_other_creditor.debtor_id == case.debtor_id  # …their debt to Y stays invisible
    assert access_principal(link.pk, t.pk)[0].debtor_id == case.debtor_id
    assert access_principal(link.pk, t.pk + 1) is None  # another agency's id: nothing


@override_settings(DEBTOR_ACCESS={"max_address_failures": 3})
def test_an_address_spraying_links_is_throttled_before_any_link_locks(world):
    t, a, b_case, c = world
    links = [access_link_issue(tenant=t, actor=system_actor(t), case=x)[0] for x in (a, b_case, c)]
    results = [access_verify(link=link, ip="192.0.2.7", answer="XXXXX")[0] for link in links]
    assert results == [Verdict.WRONG, Verdict.WRONG, Verdict.WRONG]
    right = c.debtor.tax_code[-5:]
    assert access_verify(link=links[2], ip="192.0.2.7", answer=right)[0] == Verdict.THROTTLED
    assert access_verify(link=links[2], ip="192.0.2.8", answer=right)[0] == Verdict.OPEN  # another address
    assert AccessAttempt.objects.filter(ip="192.0.2.7", ok=False).count() == 4
    assert all(AccessLink.objects.get(pk=x.pk).locked_at is None for x in links)
    with time_machine.travel(dt.timedelta(hours=1, seconds=1)):  # the window passed
        assert access_verify(link=links[0], ip="192.0.2.7", answer=a.debtor.tax_code[-5:])[0] == Verdict.OPEN


def test_every_attempt_is_audited_with_the_address_and_on_the_timeline(world):
    t, case, *_ = world
    link, _ = access_link_issue(tenant=t, actor=system_actor(t), case=case)
    access_verify(link=link, ip="203.0.113.5", answer="AAAAA")
    access_verify(link=link, ip="203.0.113.5", answer=case.debtor.tax_code[-5:])
    rows = list(AuditLog.objects.filter(tenant=t, action__startswith="access.").order_by("seq"))
    assert [r.action for r in rows] == ["access.issue", "access.failed", "access.verified"]
    assert rows[1].details == {"factor": "tax_code", "ip": "203.0.113.5", "failed": 1}
    assert rows[2].details["failed"] == 0  # a success counts from zero again
    kinds = list(
        case.timeline.filter(kind__startswith="access.").order_by("id").values_list("kind", "summary")
    )
    assert kinds[1:] == [
        ("access.failed", "Codice errato sul collegamento personale (1 tentativi falliti)"),
        ("access.verified", "Il debitore è entrato nella sua pagina personale"),
    ]
