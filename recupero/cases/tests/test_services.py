import datetime as dt
from decimal import Decimal

import pytest

from recupero.cases.domain.claims import ClaimType
from recupero.cases.domain.states import CaseStatus
from recupero.cases.models import Case, Claim, TimelineEvent
from recupero.cases.services import ClaimInput, case_open, case_transition
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from tests.factories import make_assignment, make_case, make_creditor, make_debtor, make_user

pytestmark = pytest.mark.django_db


def _open(tenant, creditor, debtor, assignment, claims, reference="R1"):
    return case_open(
        tenant=tenant,
        actor=system_actor(tenant),
        creditor=creditor,
        assignment=assignment,
        debtor=debtor,
        creditor_reference=reference,
        claim_type=ClaimType.GAS,
        commercial=False,
        claims=claims,
        opened_on=dt.date(2026, 2, 1),
        province="MI",
    )


def test_case_open_creates_case_claims_and_timeline(tenant, creditor):
    debtor = make_debtor(tenant)
    case = _open(
        tenant,
        creditor,
        debtor,
        make_assignment(tenant, creditor),
        [
            ClaimInput("F1", dt.date(2025, 1, 5), "100.10", dt.date(2025, 2, 4)),
            ClaimInput("F2", dt.date(2024, 12, 5), "50.05", dt.date(2025, 1, 4)),
        ],
    )
    assert case.code == "P00000018"
    assert case.original_amount == Decimal("150.15")
    assert case.first_due_on == dt.date(2025, 1, 4)
    assert case.status == "new"
    assert Claim.objects.filter(case=case).count() == 2
    assert list(TimelineEvent.objects.filter(case=case).values_list("kind", flat=True)) == ["case.opened"]
    second = _open(
        tenant, creditor, debtor, case.assignment, [ClaimInput("F3", dt.date(2025, 1, 5), "1")], "R2"
    )
    assert second.code == "P00000026"


@pytest.mark.parametrize(
    ("claim", "code"),
    [
        (ClaimInput("F1", dt.date(2025, 1, 5), "-10.00"), "case.negative_amount"),
        (ClaimInput("F1", dt.date(2025, 1, 5), "10.001"), "case.bad_amount"),
        (ClaimInput("F1", dt.date(2025, 1, 5), "10.00", dt.date(2025, 1, 4)), "case.due_before_issue"),
    ],
)
def test_bad_claims_are_refused_and_nothing_is_saved(tenant, creditor, claim, code):
    with pytest.raises(DomainError) as err:
        _open(tenant, creditor, make_debtor(tenant), make_assignment(tenant, creditor), [claim])
    assert err.value.code == code
    assert Case.objects.count() == 0 and Claim.objects.count() == 0


def test_case_cannot_join_another_creditors_assignment(tenant, creditor):
    other = make_creditor(tenant, "TEL", sector="telco", vat="02182030391")
    foreign = make_assignment(tenant, other, "LOT-TEL-1")
    with pytest.raises(DomainError) as err:
        _open(tenant, creditor, make_debtor(tenant), foreign, [ClaimInput("F1", dt.date(2025, 1, 5), "10")])
    assert err.value.code == "case.assignment_creditor_mismatch"
    assert "LOT-TEL-1" in err.value.message
    assert Case.objects.count() == 0


def test_case_of_another_tenant_is_refused(tenant, other_tenant, creditor):
    with pytest.raises(DomainError) as err:
        _open(
            tenant,
            creditor,
            make_debtor(other_tenant),
            make_assignment(tenant, creditor),
            [ClaimInput("F1", dt.date(2025, 1, 5), "10")],
        )
    assert err.value.code == "tenant.mismatch"


def test_transitions_follow_the_table(tenant, creditor):
    case = make_case(tenant, creditor, make_debtor(tenant))
    case = case_transition(tenant=tenant, actor=system_actor(tenant), case=case, target=CaseStatus.WORKING)
    case = case_transition(
        tenant=tenant, actor=system_actor(tenant), case=case, target=CaseStatus.PAID, on=dt.date(2026, 3, 1)
    )
    assert (case.status, case.closed_on) == ("paid", dt.date(2026, 3, 1))
    with pytest.raises(DomainError) as err:
        case_transition(tenant=tenant, actor=system_actor(tenant), case=case, target=CaseStatus.PROMISE)
    assert err.value.code == "case.bad_transition"
    assert Case.objects.get(pk=case.pk).status == "paid"
    kinds = list(
        TimelineEvent.objects.filter(case=case, kind="case.status").values_list("data__to", flat=True)
    )
    assert sorted(kinds) == ["paid", "working"]


def test_field_agent_cannot_change_a_case(tenant, creditor):
    case = make_case(tenant, creditor, make_debtor(tenant))
    agent = make_user(tenant, Role.FIELD_AGENT)
    with pytest.raises(DomainError) as err:
        case_transition(tenant=tenant, actor=agent, case=case, target=CaseStatus.WORKING)
    assert err.value.code == "auth.forbidden"
