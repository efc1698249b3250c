"""Back-office pages that edit the desk's set-up: a team (rename, add and remove collectors) and an assignment
rule (edit, move up or down, disable or enable). Thin: parse, call one service, redirect with an Italian message;
the services check `worklists.assign`, the selectors find only the agency's own team or rule (else 404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recupero.core.errors import DomainError
from recupero.parties.selectors import creditors_visible
from recupero.web.backoffice.desk import KIND_TITLES, rule_form
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.worklists.domain.rules import LANGUAGE_LABELS
from recupero.worklists.models import AssignmentRule
from recupero.worklists.selectors import collectors, rule_get, team_get, teams_list
from recupero.worklists.teams import (
    assignment_rule_edit,
    assignment_rule_move,
    assignment_rule_set_active,
    team_member_add,
    team_member_remove,
    team_rename,
)


def _refused(request: AuthedRequest, exc: DomainError) -> None:
    if exc.code in ("auth.not_found", "auth.forbidden"):
        raise exc
    messages.error(request, exc.message)


@backoffice_view
def team_edit(request: AuthedRequest, team_id: int) -> HttpResponse:
    """GET the team's page; POST `action` = rename (name) | add (member) | remove (member)."""
    tenant, user = tenant_of(request), request.user
    team = team_get(tenant=tenant, actor=user, team_id=team_id)
    people = collectors(tenant=tenant, actor=user)
    if request.method == "POST":
        action, by_id = request.POST.get("action", ""), {u.pk: u for u in people}
        member_id = request.POST.get("member", "")
        member = by_id.get(int(member_id)) if member_id.isdigit() else None
        try:
            if action == "rename":
                team_rename(tenant=tenant, actor=user, team=team, name=request.POST.get("name", "")[:80])
                messages.success(request, _("Squadra rinominata."))
            elif action in ("add", "remove") and member is not None:
                service = team_member_add if action == "add" else team_member_remove
                service(tenant=tenant, actor=user, team=team, member=member)
                messages.success(request, _("Membri della squadra aggiornati."))
            else:
                raise DomainError("desk.bad_assignee")
        except DomainError as exc:
            _refused(request, exc)
        return redirect("backoffice:team_edit", team_id=team.pk)
    members = list(team.members.all())
    others = [u for u in people if u not in members]
    context = {"team": team, "members": members, "others": others}
    return render(request, "web/worklists/team_edit.html", context)


def _values(rule: AssignmentRule) -> dict[str, str]:
    """The rule as its form shows it (the same strings a POST carries)."""
    amount = lambda v: "" if v is None else f"{v}".replace(".", ",")  # noqa: E731
    return {
        "kind": rule.kind,
        "creditor": str(rule.creditor_id or ""),
        "consultant": str(rule.consultant_id or ""),
        "province": rule.province,
        "amount_min": amount(rule.amount_min),
        "amount_max": amount(rule.amount_max),
        "language": rule.language,
        "assignee": f"u{rule.user_id}" if rule.user_id else f"t{rule.team_id}",
    }


@backoffice_view
def rule_edit(request: AuthedRequest, rule_id: int) -> HttpResponse:
    """GET the rule's form, filled in; POST saves it (its place in the order stays). Refused input is shown
    again as typed, with the reason."""
    tenant, user = tenant_of(request), request.user
    rule = rule_get(tenant=tenant, actor=user, rule_id=rule_id)
    values = _values(rule)
    if request.method == "POST":
        try:
            _position, fields = rule_form(tenant, user, request.POST)
            assignment_rule_edit(tenant=tenant, actor=user, rule=rule, fields=fields)
        except DomainError as exc:
            _refused(request, exc)
            values = {key: str(request.POST.get(key, ""))[:20] for key in values}
        else:
            messages.success(
                request, _("Regola di assegnazione modificata: vale dalla prossima assegnazione.")
            )
            return redirect("backoffice:desk")
    people = collectors(tenant=tenant, actor=user)
    assignees = [(f"u{u.pk}", u.get_full_name() or u.username) for u in people] + [
        (f"t{t.pk}", _("squadra %(name)s") % {"name": t.name}) for t in teams_list(tenant=tenant, actor=user)
    ]
    context = {
        "rule": rule,
        "v": values,
        "assignees": assignees,
        "creditors": list(creditors_visible(tenant=tenant, actor=user).only("id", "name")),
        "consultants": [u for u in people if u.role == "consultant"],
        "languages": sorted(LANGUAGE_LABELS.items(), key=lambda kv: kv[1]),
        "kinds": KIND_TITLES,
    }
    return render(request, "web/worklists/rule_edit.html", context)


@backoffice_view
@require_POST
def rule_move(request: AuthedRequest, rule_id: int) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    rule = rule_get(tenant=tenant, actor=user, rule_id=rule_id)
    assignment_rule_move(tenant=tenant, actor=user, rule=rule, up=request.POST.get("direction") == "up")
    messages.success(request, _("Ordine delle regole aggiornato."))
    return redirect("backoffice:desk")


@backoffice_view
@require_POST
def rule_toggle(request: AuthedRequest, rule_id: int) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    rule = rule_get(tenant=tenant, actor=user, rule_id=rule_id)
    active = request.POST.get("active") == "1"
    assignment_rule_set_active(tenant=tenant, actor=user, rule=rule, active=active)
    messages.success(request, _("Regola riattivata.") if active else _("Regola disattivata."))
    return redirect("backoffice:desk")
