"""The world the permission tests walk: one agency with two creditors (and a case handed to legal), a second
agency, one user per role, and for every case the rows a page or an API can show — claims, contacts, work items
of each kind, a letter with its PDF, an import batch per creditor.

Every debtor has a last name and a tax code of its own and every case a code of its own across both agencies, so
that any of them found in a response names exactly one case: the markers of what an actor must not see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from recupero.cases.domain.codes import case_code
from recupero.cases.domain.states import CaseStatus
from recupero.cases.models import Case
from recupero.cases.services import case_transition
from recupero.channels.models import Communication
from recupero.channels.services import CommunicationSpec, communications_queue, communications_send
from recupero.core.domain.roles import Role
from recupero.core.models import Tenant, User
from recupero.core.permissions import in_case_scope, system_actor
from recupero.core.services import user_create
from recupero.imports.models import ImportBatch
from recupero.imports.services import batch_upload
from recupero.parties.models import ContactPoint, Creditor
from recupero.worklists.domain.items import ItemKind
from recupero.worklists.models import WorkItem
from recupero.worklists.services import WorkItemSpec, work_items_create
from tests import portfolio as b

PASSWORD = "prova-permessi-2026"
DAY = dt.date(2026, 3, 2)
ROLES = [r for r in Role if r not in (Role.SYSTEM, Role.DEBTOR)]  # never stored users


@dataclass
class Place:
    """One case and the rows hanging from it."""

    case: Case
    items: dict[str, WorkItem] = field(default_factory=dict)
    letter: Communication | None = None

    @property
    def markers(self) -> list[str]:
        debtor = self.case.debtor
        return [self.case.code, debtor.tax_code, debtor.last_name]


@dataclass
class PermissionWorld:
    tenant: Tenant
    other: Tenant
    creditors: dict[str, Creditor]
    places: dict[str, Place]
    batches: dict[str, ImportBatch]
    users: dict[str, User]
    remittances: dict[str, Any] = field(default_factory=dict)  # remittance.models.Remittance per creditor

    def reachable(self, actor: User | None, place: Place) -> bool:
        case = place.case
        if actor is None or case.tenant_id != actor.tenant_id:
            return False
        return in_case_scope(actor, creditor_id=case.creditor_id, status=case.status)

    def foreign_places(self, actor: User | None) -> list[Place]:
        return [p for p in self.places.values() if not self.reachable(actor, p)]

    def foreign_ids(self, actor: User | None, model: type[Any]) -> list[int]:
        """Ids of rows of `model` the actor must not reach (another creditor's, another agency's)."""
        places = self.foreign_places(actor)
        if model is Case:
            return [p.case.pk for p in places]
        if model is WorkItem:
            return [i.pk for p in places for i in p.items.values()]
        if model is Communication:
            return [p.letter.pk for p in places if p.letter]
        if model is ImportBatch:
            return [
                bt.pk
                for key, bt in self.batches.items()
                if actor is None
                or bt.tenant_id != actor.tenant_id
                or not self._creditor_reachable(actor, key)
            ]
        if model is Creditor:
            return [
                c.pk
                for key, c in self.creditors.items()
                if actor is None or c.tenant_id != actor.tenant_id or not self._creditor_reachable(actor, key)
            ]
        if model.__name__ == "Remittance":
            return [
                r.pk
                for key, r in self.remittances.items()
                if actor is None or r.tenant_id != actor.tenant_id or not self._creditor_reachable(actor, key)
            ]
        return []

    def _creditor_reachable(self, actor: User, key: str) -> bool:
        from recupero.core.permissions import creditor_q

        creditor = self.creditors[key]
        return Creditor.objects.filter(pk=creditor.pk).filter(creditor_q(actor)).exists()


def _place(t: Tenant, creditor: Creditor, last_name: str, *, seq: int | None = None) -> Place:
    debtor = b.debtor(t, mobile=True, last_name=last_name)
    case = b.case(t, creditor, debtor, amount="345.67")
    if seq is not None:  # a code of its own across both agencies
        Case.objects.filter(pk=case.pk).update(seq=seq, code=case_code(seq))
        case.refresh_from_db()
    return Place(case)


def _items(t: Tenant, place: Place, assignee: User | None) -> None:
    specs = [
        WorkItemSpec(
            place.case.pk, kind.value, f"{kind.value}_1", "", DAY, None, f"perm-{place.case.pk}-{kind}"
        )
        for kind in (ItemKind.CALL, ItemKind.VISIT, ItemKind.SKIP_TRACE)
    ]
    work_items_create(tenant=t, actor=system_actor(t), specs=specs)
    for item in WorkItem.objects.filter(case=place.case):
        place.items[item.kind] = item
    if assignee is not None:  # a visit of somebody else's round
        WorkItem.objects.filter(pk=place.items["visit"].pk).update(assigned_to=assignee)


def _letter(t: Tenant, place: Place) -> None:
    point = ContactPoint.objects.get(debtor_id=place.case.debtor_id, kind="address")
    spec = CommunicationSpec(
        place.case.pk,
        "letter",
        "reminder_1",
        "r1",
        "letter",
        point.pk,
        point.value,
        DAY,
        f"perm-l-{place.case.pk}",
    )
    communications_queue(tenant=t, actor=system_actor(t), specs=[spec])
    comm = Communication.objects.get(case=place.case)
    communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[comm.pk], on=DAY)
    comm.refresh_from_db()
    place.letter = comm


def _batch(t: Tenant, creditor: Creditor, code: str) -> ImportBatch:
    body = (
        f"riferimento pratica;codice fiscale;cognome;importo\nR-{code};{b.tax_code(900)};Intake{code};10,00\n"
    )
    return batch_upload(
        tenant=t,
        actor=system_actor(t),
        creditor=creditor,
        files=[(f"affido-{code}.csv", body.encode())],
        assignment_code=f"AFF-{code}",
        enqueue=False,
    )


def _user(t: Tenant, role: Role, name: str, creditor: Creditor | None = None) -> User:
    return user_create(
        tenant=t,
        actor=system_actor(t),
        username=name,
        password=PASSWORD,
        role=role,
        creditor_id=creditor.pk if creditor else None,
    )


def _payment(t: Tenant, place: Place) -> None:
    from recupero.payments.services import payment_record

    case = place.case
    payment_record(tenant=t, actor=system_actor(t), case=case, amount="1.00", value_date=case.opened_on,
                   method="bank_transfer", reference=f"PAY-{case.code}")  # fmt: skip


def build() -> PermissionWorld:
    t, other = b.tenant("acme"), b.tenant("other")
    x, y = b.creditor(t, code="ENE"), b.creditor(t, sector="telco", code="TEL")
    z = b.creditor(other, code="ALT")
    users = {
        "admin": _user(t, Role.ADMIN, "p-admin"),
        "supervisor": _user(t, Role.SUPERVISOR, "p-super"),
        "consultant": _user(t, Role.CONSULTANT, "p-consu"),
        "collector": _user(t, Role.COLLECTOR, "p-opera"),
        "field_agent": _user(t, Role.FIELD_AGENT, "p-esatt"),
        "lawyer": _user(t, Role.LAWYER, "p-legale"),
        "auditor": _user(t, Role.AUDITOR, "p-revis"),
        "creditor_user": _user(t, Role.CREDITOR_USER, "p-cliente", creditor=x),
    }
    x.consultants.add(users["consultant"])
    colleague = _user(t, Role.FIELD_AGENT, "p-collega")
    places = {
        "x": _place(t, x, "Alfieri"),
        "y": _place(t, y, "Bonfanti"),
        "y_legal": _place(t, y, "Carducci"),
        "z": _place(other, z, "Dossena", seq=900001),
    }
    case_transition(tenant=t, actor=system_actor(t), case=places["y_legal"].case, target=CaseStatus.LEGAL)
    for key, place in places.items():
        tenant = other if key == "z" else t
        _items(tenant, place, colleague if key == "x" else None)
        _letter(tenant, place)
        _payment(tenant, place)
        place.case.refresh_from_db()
    batches = {"x": _batch(t, x, "X"), "y": _batch(t, y, "Y"), "z": _batch(other, z, "Z")}
    world = PermissionWorld(t, other, {"x": x, "y": y, "z": z}, places, batches, users)
    world.remittances = _remittances(world)
    _desk_setup(other, z)
    return world


def _desk_setup(other: Tenant, creditor: Creditor) -> None:
    """The other agency's team and assignment rule: their edit pages are walked with these foreign ids."""
    from recupero.worklists.desk import assignment_rule_add, team_create

    actor = system_actor(other)
    team = team_create(tenant=other, actor=actor, name="Squadra Z", members=[])
    assignment_rule_add(tenant=other, actor=actor, position=10, creditor_id=creditor.pk, team=team)


def _remittances(world: PermissionWorld) -> dict[str, Any]:
    """One issued remittance per creditor, from one payment on each of its cases."""
    from recupero.remittance.services import remittance_issue
    from recupero.remittance.tests.world import pay, ready

    out = {}
    for key, creditor in world.creditors.items():
        ready(creditor.tenant, creditor)
        for place in world.places.values():
            if place.case.creditor_id == creditor.pk:
                pay(place.case, DAY, "10.00")
        actor = system_actor(creditor.tenant)
        out[key] = remittance_issue(tenant=creditor.tenant, actor=actor, creditor=creditor, until=DAY)
    return out
