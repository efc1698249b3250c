"""Editing teams and assignment rules from the back office: the services (capability, tenant, Italian refusals),
a rule change taking effect on the next assignment run, and the pages under the desk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.models import AuditLog
from recupero.core.permissions import system_actor
from recupero.worklists.desk import assignment_rule_add, team_create
from recupero.worklists.models import AssignmentRule, Team, WorkItem
from recupero.worklists.services import WorkItemSpec, work_items_create
from recupero.worklists.teams import (
    RuleFields,
    assignment_rule_edit,
    assignment_rule_move,
    assignment_rule_set_active,
    team_member_add,
    team_member_remove,
    team_rename,
)
from tests import portfolio as b
from tests.factories import make_user as _make_user

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
_names = iter(f"squadra{n:03d}q" for n in range(1000))


def user(t, role):
    return _make_user(t, role, username=next(_names))


def run(t, cases, tag):
    """One assignment run: new items for `cases`, routed by the rules as they are now."""
    specs = [WorkItemSpec(c.pk, "call", "s1", "", DAY, None, f"{tag}-{c.pk}") for c in cases]
    work_items_create(tenant=t, actor=system_actor(t), specs=specs)
    return {
        i.case_id: (i.assigned_to_id, i.team_id)
        for i in WorkItem.objects.filter(idempotency_key__startswith=f"{tag}-")
    }


def test_a_rule_change_takes_effect_on_the_next_assignment_run():
    t = b.tenant()
    cr1, cr2 = b.creditor(t), b.creditor(t)
    sup = user(t, Role.SUPERVISOR)
    anna, bruno = user(t, Role.COLLECTOR), user(t, Role.COLLECTOR)
    team = team_create(tenant=t, actor=sup, name="Nord", members=[bruno])
    first = assignment_rule_add(tenant=t, actor=sup, position=10, creditor_id=cr1.pk, user=anna)
    second = assignment_rule_add(tenant=t, actor=sup, position=20, amount_min=Decimal("1000"), team=team)
    big = b.case(t, cr1, b.debtor(t), amount="1500.00")
    small2 = b.case(t, cr2, b.debtor(t), amount="200.00")
    assert run(t, [big, small2], "r1") == {big.pk: (anna.pk, None), small2.pk: (None, None)}

    # reordered: the amount band now comes first, so the big case goes to the team
    assert assignment_rule_move(tenant=t, actor=sup, rule=second, up=True) == [second.pk, first.pk]
    assert list(AssignmentRule.objects.order_by("position").values_list("pk", "position")) == [
        (second.pk, 10),
        (first.pk, 20),
    ]
    assert run(t, [big], "r2") == {big.pk: (None, team.pk)}
    # the first run's items stay where they were
    assert WorkItem.objects.get(idempotency_key=f"r1-{big.pk}").assigned_to_id == anna.pk

    # edited: creditor 2's cases to bruno
    assignment_rule_edit(tenant=t, actor=sup, rule=first, fields=RuleFields(creditor_id=cr2.pk, user=bruno))
    assert run(t, [small2], "r3") == {small2.pk: (bruno.pk, None)}

    # disabled: back to the shared queue; enabled again: routed again
    assignment_rule_set_active(tenant=t, actor=sup, rule=first, active=False)
    assert run(t, [small2], "r4") == {small2.pk: (None, None)}
    assignment_rule_set_active(tenant=t, actor=sup, rule=first, active=True)
    assert run(t, [small2], "r5") == {small2.pk: (bruno.pk, None)}
    actions = set(
        AuditLog.objects.filter(action__startswith="assignment_rule.").values_list("action", flat=True)
    )
    assert actions >= {"assignment_rule.move", "assignment_rule.edit", "assignment_rule.disable"}


def test_rule_edit_refuses_what_routing_cannot_use_and_changes_nothing():
    t = b.tenant()
    sup, anna = user(t, Role.SUPERVISOR), user(t, Role.COLLECTOR)
    team = team_create(tenant=t, actor=sup, name="Sud", members=[])
    rule = assignment_rule_add(tenant=t, actor=sup, position=10, province="MI", user=anna)
    bad = (
        (RuleFields(user=anna, team=team), "indichi un operatore oppure una squadra"),
        (RuleFields(), "indichi un operatore oppure una squadra"),
        (
            RuleFields(amount_min=Decimal("500"), amount_max=Decimal("100"), user=anna),
            "l'importo minimo deve essere inferiore al massimo",
        ),
        (RuleFields(kind="fax", user=anna), "tipo di attività sconosciuto «fax»"),
    )
    for fields, words in bad:
        with pytest.raises(DomainError) as err:
            assignment_rule_edit(tenant=t, actor=sup, rule=rule, fields=fields)
        assert err.value.code == "desk.bad_rule" and words in err.value.message
    rule.refresh_from_db()
    assert (rule.province, rule.user_id, rule.team_id) == ("MI", anna.pk, None)
    with pytest.raises(DomainError) as err:
        assignment_rule_set_active(tenant=t, actor=anna, rule=rule, active=False)
    assert err.value.code == "auth.forbidden"


def test_teams_rename_add_and_remove_members():
    t, other = b.tenant(), b.tenant("altra")
    sup, anna, bruno = user(t, Role.SUPERVISOR), user(t, Role.COLLECTOR), user(t, Role.COLLECTOR)
    team = team_create(tenant=t, actor=sup, name="Nord", members=[anna])
    team_create(tenant=t, actor=sup, name="Sud", members=[])
    team_rename(tenant=t, actor=sup, team=team, name="  Nord-Ovest ")
    team_member_add(tenant=t, actor=sup, team=team, member=bruno)
    team_member_remove(tenant=t, actor=sup, team=team, member=anna)
    team.refresh_from_db()
    assert (team.name, [m.pk for m in team.members.all()]) == ("Nord-Ovest", [bruno.pk])
    with pytest.raises(DomainError) as err:
        team_rename(tenant=t, actor=sup, team=team, name="Sud")
    assert (err.value.code, err.value.message) == ("desk.team_name_taken", "Esiste già una squadra «Sud».")
    assert Team.objects.get(pk=team.pk).name == "Nord-Ovest"
    stranger = user(other, Role.COLLECTOR)
    with pytest.raises(DomainError) as err:
        team_member_add(tenant=t, actor=sup, team=team, member=stranger)
    assert err.value.code == "tenant.mismatch"
    with pytest.raises(DomainError) as err:
        team_member_add(tenant=t, actor=sup, team=team, member=user(t, Role.AUDITOR))
    assert err.value.code == "desk.bad_assignee"


def test_pages_edit_teams_and_rules_with_italian_errors_and_hide_foreign_ones():
    t, other = b.tenant(), b.tenant("altra")
    cr = b.creditor(t)
    sup, anna, bruno = user(t, Role.SUPERVISOR), user(t, Role.COLLECTOR), user(t, Role.COLLECTOR)
    team = team_create(tenant=t, actor=sup, name="Nord", members=[anna])
    rule = assignment_rule_add(tenant=t, actor=sup, position=10, user=anna)
    foreign = team_create(tenant=other, actor=system_actor(other), name="Loro", members=[])
    client = Client()
    client.force_login(sup)
    client.get("/")  # the session's tenant
    desk = client.get(reverse("backoffice:desk")).content.decode()
    assert reverse("backoffice:team_edit", args=[team.pk]) in desk
    assert reverse("backoffice:rule_edit", args=[rule.pk]) in desk

    page = reverse("backoffice:team_edit", args=[team.pk])
    client.post(page, {"action": "rename", "name": "Nord-Est"})
    client.post(page, {"action": "add", "member": str(bruno.pk)})
    shown = client.get(page).content.decode()
    assert "Nord-Est" in shown and bruno.username in shown
    assert client.get(reverse("backoffice:team_edit", args=[foreign.pk])).status_code == 404

    edit = reverse("backoffice:rule_edit", args=[rule.pk])
    assert 'name="province"' in client.get(edit).content.decode()
    refused = client.post(
        edit, {"assignee": f"u{anna.pk}", "amount_min": "900", "amount_max": "100"}, follow=True
    )
    assert "Regola di assegnazione non valida: l&#x27;importo minimo deve essere inferiore al massimo." in (
        refused.content.decode()
    )
    client.post(edit, {"assignee": f"t{team.pk}", "creditor": str(cr.pk), "province": "to"})
    rule.refresh_from_db()
    assert (rule.team_id, rule.user_id, rule.creditor_id, rule.province) == (team.pk, None, cr.pk, "TO")
    client.post(reverse("backoffice:rule_toggle", args=[rule.pk]), {"active": "0"})
    assert AssignmentRule.objects.get(pk=rule.pk).active is False
    assert 'data-testid="rule-disabled"' in client.get(reverse("backoffice:desk")).content.decode()

    collector = Client()
    collector.force_login(anna)
    assert collector.post(reverse("backoffice:rule_toggle", args=[rule.pk]), {"active": "1"}).status_code in (
        403,
        404,
    )
    assert AssignmentRule.objects.get(pk=rule.pk).active is False
