"""Back-office pages of the collector's desk: my queue, the item page with the call-prep card, the supervisor's
desk (queues per collector and team, rules, teams), bulk assignment from the case list's filters, and the field
agent's day on a phone. Thin: parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recupero.cases.domain.disputes import REASON_LABELS
from recupero.cases.selectors import CaseFilters, assignments_of
from recupero.core.clock import ROME, now
from recupero.core.domain.i18n import gettext_lazy, translate
from recupero.core.domain.roles import ASSIGN_ITEMS, can
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.parties.selectors import creditors_visible
from recupero.web.backoffice.desk_forms import outcome_choices
from recupero.web.backoffice.disputes import TEMPLATE_LABELS
from recupero.web.backoffice.filters import parse_filters
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.worklists.desk import (
    assignment_rule_add,
    team_create,
    work_item_release,
    work_item_take,
    work_items_bulk_assign,
)
from recupero.worklists.domain.items import ItemKind
from recupero.worklists.domain.rules import LANGUAGE_LABELS
from recupero.worklists.models import Team
from recupero.worklists.selectors import (
    assignment_rules,
    call_prep,
    collectors,
    desk_overview,
    item_get,
    my_queue,
    queue_of,
    teams_list,
    visit_day,
)
from recupero.worklists.teams import RuleFields

KINDS = {"call": ItemKind.CALL, "visit": ItemKind.VISIT, "skip_trace": ItemKind.SKIP_TRACE}
KIND_TITLES = {
    "call": gettext_lazy("Telefonate"),
    "visit": gettext_lazy("Visite"),
    "skip_trace": gettext_lazy("Rintracci"),
}


def _moment() -> tuple[dt.date, dt.time]:
    local = timezone.localtime(now(), ROME)
    return local.date(), local.time().replace(microsecond=0)


@backoffice_view
def my_queue_view(request: AuthedRequest) -> HttpResponse:
    kind = KINDS.get(request.GET.get("tipo", "call"), ItemKind.CALL)
    day, at = _moment()
    items = my_queue(tenant=tenant_of(request), actor=request.user, kind=kind, today=day, at=at)
    return render(
        request,
        "web/worklists/my_queue.html",
        {"items": items, "kind": kind.value, "kinds": KIND_TITLES, "title": gettext("La mia coda")},
    )


@backoffice_view
@require_POST
def item_take(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = item_get(tenant=tenant_of(request), actor=request.user, item_id=item_id)
    try:
        work_item_take(tenant=tenant_of(request), actor=request.user, item=item)
    except DomainError as exc:
        if exc.code == "auth.not_found":
            raise
        messages.error(request, exc.message)
        return redirect("backoffice:my_queue")
    return redirect("backoffice:work_item", item_id=item.pk)


@backoffice_view
@require_POST
def item_release(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = item_get(tenant=tenant_of(request), actor=request.user, item_id=item_id)
    work_item_release(tenant=tenant_of(request), actor=request.user, item=item)
    return redirect("backoffice:my_queue")


@backoffice_view
def item_page(request: AuthedRequest, item_id: int) -> HttpResponse:
    day, _at = _moment()
    prep = call_prep(tenant=tenant_of(request), actor=request.user, item_id=item_id, today=day)
    item = prep.item
    mine = item.locked_by_id == request.user.pk and item.locked_until and item.locked_until > now()
    return render(
        request,
        "web/worklists/item.html",
        {
            "prep": prep,
            "item": item,
            "case": prep.case,
            "outcomes": outcome_choices(ItemKind(item.kind)),
            "reasons": list(REASON_LABELS.items()),
            "holding": bool(mine),
            "templates": TEMPLATE_LABELS,
        },
    )


# ---------------------------------------------------------------- the supervisor's desk


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@backoffice_view
def queue_of_view(request: AuthedRequest) -> HttpResponse:
    """One collector's or one team's queue (or the shared one), as the supervisor's desk links it."""
    kind = KINDS.get(request.GET.get("tipo", "call"), ItemKind.CALL)
    day, _at = _moment()
    user_id, team_id = _int(request.GET.get("utente")), _int(request.GET.get("squadra"))
    items = queue_of(
        tenant=tenant_of(request), actor=request.user, kind=kind, today=day, user_id=user_id, team_id=team_id
    )
    return render(
        request,
        "web/worklists/my_queue.html",
        {"items": items, "kind": kind.value, "kinds": KIND_TITLES, "title": gettext("Coda"), "other": True},
    )


@backoffice_view
def desk_view(request: AuthedRequest) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    day, _at = _moment()
    overview = desk_overview(tenant=tenant, actor=user, today=day)
    manager = can(user.role, ASSIGN_ITEMS)
    return render(
        request,
        "web/worklists/desk.html",
        {
            "overview": overview,
            "teams": teams_list(tenant=tenant, actor=user),
            "rules": assignment_rules(tenant=tenant, actor=user),
            "people": collectors(tenant=tenant, actor=user) if manager else [],
            "creditors": list(creditors_visible(tenant=tenant, actor=user).only("id", "name"))
            if manager
            else [],
            "languages": sorted(LANGUAGE_LABELS.items(), key=lambda kv: kv[1]),
            "consultants": [u for u in collectors(tenant=tenant, actor=user) if u.role == "consultant"]
            if manager
            else [],
            "kinds": KIND_TITLES,
            "manager": manager,
        },
    )


def _assignee(tenant: Tenant, actor: User, value: str) -> tuple[User | None, Team | None]:
    """ "u<id>" a person, "t<id>" a team, "" the shared queue; anything else (another agency's) is refused."""
    if not value:
        return None, None
    try:
        pk = int(value[1:])
    except ValueError:
        raise DomainError("desk.bad_assignee") from None
    if value[0] == "u":
        found = next((u for u in collectors(tenant=tenant, actor=actor) if u.pk == pk), None)
        if found is None:
            raise DomainError("desk.bad_assignee")
        return found, None
    if value[0] == "t":
        team = Team.objects.filter(tenant=tenant, pk=pk).first()
        if team is None:
            raise DomainError("desk.bad_assignee")
        return None, team
    raise DomainError("desk.bad_assignee")


def _filters(tenant: Tenant, actor: User, data: QueryDict) -> CaseFilters:
    """The case list's filters as the list itself reads them (same parser, same choices)."""
    creditors = list(creditors_visible(tenant=tenant, actor=actor).only("id", "name"))
    chosen = data.get("creditor") or ""
    assignments = []
    if chosen.isdigit() and int(chosen) in {c.pk for c in creditors}:
        assignments = list(assignments_of(tenant=tenant, actor=actor, creditor_id=int(chosen)))
    day, _at = _moment()
    parsed = parse_filters(
        data,
        creditor_choices=[(c.pk, c.name) for c in creditors],
        assignment_choices=[(a.pk, a.code) for a in assignments],
        today=day,
    )
    return parsed.filters


@dataclass(frozen=True)
class AssignChoices:
    """The case list's "assign the work of these cases" form: for those who may assign."""

    query: str
    people: list[User]
    teams: list[Team]
    kinds: dict[str, str]


def assign_choices(*, tenant: Tenant, actor: User, query: QueryDict) -> AssignChoices | None:
    if not can(actor.role, ASSIGN_ITEMS):
        return None
    kept = query.copy()
    kept.pop("page", None)
    return AssignChoices(
        kept.urlencode(),
        collectors(tenant=tenant, actor=actor),
        teams_list(tenant=tenant, actor=actor),
        KIND_TITLES,
    )


@backoffice_view
@require_POST
def bulk_assign(request: AuthedRequest) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    back = reverse("backoffice:case_list") + "?" + request.POST.get("query", "")[:500]
    try:
        kind = KINDS.get(request.POST.get("kind", ""))
        if kind is None:
            raise DomainError("desk.bad_assignee")
        person, team = _assignee(tenant, user, request.POST.get("assignee", ""))
        filters = _filters(tenant, user, QueryDict(request.POST.get("query", "")[:500]))
        count = work_items_bulk_assign(
            tenant=tenant, actor=user, filters=filters, kind=kind, user=person, team=team
        )
    except DomainError as exc:
        if exc.code in ("auth.not_found", "auth.forbidden"):
            raise
        messages.error(request, exc.message)
        return redirect(back)
    who = (
        person.get_full_name() or person.username
        if person
        else (team.name if team else gettext("coda comune"))
    )
    messages.success(
        request,
        gettext("%(count)s attività (%(kind)s) assegnate a %(who)s.")
        % {"count": count, "kind": translate(KIND_TITLES[kind.value]).lower(), "who": who},
    )
    return redirect(back)


def _money(text: str) -> Decimal | None:
    text = (text or "").strip().replace(".", "").replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise DomainError(
            "desk.bad_rule", detail=gettext("importo non valido «%(value)s»") % {"value": text}
        ) from None


def rule_form(tenant: Tenant, actor: User, post: QueryDict) -> tuple[int, RuleFields]:
    """The rule form (add and edit): the order, the conditions and the assignee, checked against what the actor
    may choose (the agency's people and teams, the creditors and consultants in reach)."""
    person, team = _assignee(tenant, actor, post.get("assignee", ""))
    creditor = post.get("creditor", "")
    visible = {c.pk for c in creditors_visible(tenant=tenant, actor=actor)}
    if creditor and (not creditor.isdigit() or int(creditor) not in visible):
        raise DomainError("desk.bad_rule", detail=_("committente non valido"))
    consultant = post.get("consultant", "")
    consultants = {u.pk for u in collectors(tenant=tenant, actor=actor) if u.role == "consultant"}
    if consultant and (not consultant.isdigit() or int(consultant) not in consultants):
        raise DomainError("desk.bad_rule", detail=_("consulente non valido"))
    position = post.get("position") or "100"
    fields = RuleFields(
        kind=post.get("kind", "")[:14],
        creditor_id=int(creditor) if creditor else None,
        consultant_id=int(consultant) if consultant else None,
        province=post.get("province", "")[:2],
        amount_min=_money(post.get("amount_min", "")),
        amount_max=_money(post.get("amount_max", "")),
        language=post.get("language", "")[:2],
        user=person,
        team=team,
    )
    return (int(position) if position.isdigit() else 100), fields


@backoffice_view
@require_POST
def rule_add(request: AuthedRequest) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    try:
        position, f = rule_form(tenant, user, request.POST)
        assignment_rule_add(
            tenant=tenant,
            actor=user,
            position=position,
            kind=f.kind,
            creditor_id=f.creditor_id,
            consultant_id=f.consultant_id,
            province=f.province,
            amount_min=f.amount_min,
            amount_max=f.amount_max,
            language=f.language,
            user=f.user,
            team=f.team,
        )
    except DomainError as exc:
        if exc.code in ("auth.not_found", "auth.forbidden"):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Regola di assegnazione aggiunta."))
    return redirect("backoffice:desk")


@backoffice_view
@require_POST
def team_add(request: AuthedRequest) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    try:
        wanted = {int(v) for v in request.POST.getlist("members") if v.isdigit()}
        members = [u for u in collectors(tenant=tenant, actor=user) if u.pk in wanted]
        team_create(tenant=tenant, actor=user, name=request.POST.get("name", "")[:80], members=members)
    except DomainError as exc:
        if exc.code in ("auth.not_found", "auth.forbidden"):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Squadra creata."))
    return redirect("backoffice:desk")


# ---------------------------------------------------------------- field visits


@backoffice_view
def visit_day_view(request: AuthedRequest) -> HttpResponse:
    day, _at = _moment()
    groups = visit_day(tenant=tenant_of(request), actor=request.user, today=day)
    return render(
        request,
        "web/worklists/visit_day.html",
        {
            "groups": groups,
            "day": day,
            "outcomes": outcome_choices(ItemKind.VISIT),
            "reasons": list(REASON_LABELS.items()),
        },
    )
