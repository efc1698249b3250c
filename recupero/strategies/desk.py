"""The collector's and the consultant's acts that reach both the books and the channels: deciding a dispute and
sending an ad-hoc message from a case. They live here because strategies is the lowest layer that sees both
channels and ledger (and owns the ladder's guards, which an ad-hoc message must pass like a step of the ladder).

- `dispute_decide`: upheld → the claim reduced (a credit note on principal) or cancelled (principal credited,
  interest, €40 and costs written off) by ledger entries, never a deleted row, and the case back to work or
  closed; rejected → the reasoned reply recorded and, when the debtor has a PEC box, sent there with the
  verification pack. Every other reply (rejected without PEC; upheld, stating the reduction) goes as the
  `dispute_reply` letter: by PEC when there is a box, else by registered letter A/R. The dispute's state
  moves through its transition table (`cases.services.dispute_close`).
- `message_adhoc`: a letter, registered letter, e-mail, SMS or PEC with a template, queued through the channels'
  own services (sent once: one per case, channel, template and day) after the ladder's case guard and the
  debtor's own usable contact point — the same rules as a step of the ladder.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from recupero.cases.domain.disputes import DisputeStatus
from recupero.cases.domain.states import CaseStatus
from recupero.cases.models import Case, Dispute
from recupero.cases.services import dispute_close
from recupero.channels.dispute_replies import dispute_reply_send
from recupero.channels.domain.states import CommKind
from recupero.channels.models import Communication
from recupero.channels.packs import pack_send
from recupero.channels.services import CommunicationSpec, communications_queue_new
from recupero.channels.services.texts import EMAIL_TEXTS
from recupero.channels.tasks import communications_dispatch_ids
from recupero.core.clock import today
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import DECIDE_DISPUTES, SEND_COMMUNICATIONS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service
from recupero.law.errors import LawError
from recupero.law.money import format_eur
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.position import case_position
from recupero.ledger.selectors import case_balances
from recupero.ledger.services import Line, entry_post
from recupero.parties.models import ContactPoint
from recupero.strategies.domain.guards import case_guard, refused, usable
from recupero.strategies.domain.model import Channel
from recupero.strategies.domain.snapshot import CaseSnapshot, Contacts
from recupero.strategies.domain.snapshot import ContactPoint as SnapPoint

ZERO = Decimal("0.00")
# Buckets written off when a dispute cancels the claim: principal by a credit note (the creditor concedes the
# invoice), the accessories by a write-off.
_ACCESSORIES = (Account.LATE_INTEREST, Account.FLAT_COMPENSATION, Account.COLLECTION_COSTS)


def _reduction(value: Decimal | str | None, principal: Decimal) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        amount = Decimal(str(value).replace(",", ".")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        amount = Decimal("-1")
    if (
        not amount.is_finite()
        or amount <= 0
        or amount != amount.quantize(Decimal("0.01"))
        or amount > principal
    ):
        raise DomainError("dispute.bad_reduction", value=str(value), max=format_eur(principal))
    return amount


def _uphold_lines(
    balances: dict[Account, Decimal], reduction: Decimal | None
) -> list[tuple[EntryKind, Line]]:
    if reduction is not None:
        return [
            (EntryKind.CREDIT, Line(Account.CREDITS, Account.PRINCIPAL, reduction, "contestazione accolta"))
        ]
    lines = []
    if balances[Account.PRINCIPAL] > 0:
        lines.append(
            (
                EntryKind.CREDIT,
                Line(Account.CREDITS, Account.PRINCIPAL, balances[Account.PRINCIPAL], "annullata"),
            )
        )
    for bucket in _ACCESSORIES:
        if balances[bucket] > 0:
            lines.append(
                (EntryKind.WRITE_OFF, Line(Account.WRITE_OFFS, bucket, balances[bucket], "annullata"))
            )
    return lines


@service(DECIDE_DISPUTES)
def dispute_decide(
    *,
    tenant: Tenant,
    actor: User,
    dispute: Dispute,
    upheld: bool,
    reason: str,
    reduction: Decimal | str | None = None,
    send_reply: bool = True,
) -> Dispute:
    """Decide an open dispute. Upheld with a `reduction`: that much of the principal is credited; upheld
    without: the whole claim is cancelled and the case closed. Rejected: the reply (`reason`) is recorded and
    sent to the debtor's PEC box with the verification pack when there is one."""
    if dispute.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    case = Case.objects.get(pk=dispute.case_id)
    require_case(actor, DECIDE_DISPUTES, case)
    if not reason.strip():
        raise DomainError("dispute.reason_required")
    if dispute.status != DisputeStatus.OPEN:
        raise DomainError("dispute.closed")
    with transaction.atomic():
        if upheld:
            dispute = _uphold(tenant, actor, dispute, case, reason.strip(), reduction)
        else:
            dispute = dispute_close(
                tenant=tenant,
                actor=actor,
                dispute=dispute,
                target=DisputeStatus.REJECTED,
                reason=reason.strip(),
            )
    if send_reply:
        _reply(tenant, actor, dispute, case, upheld, reason.strip())
    return dispute


def _reply(tenant: Tenant, actor: User, dispute: Dispute, case: Case, upheld: bool, reason: str) -> None:
    """The written reply: by PEC when the debtor has a box (a rejection also carries the verification pack),
    else by registered letter A/R (`channels.dispute_replies`)."""
    case.refresh_from_db()
    has_pec = ContactPoint.objects.filter(
        tenant=tenant, debtor_id=case.debtor_id, kind="pec", status__in=("valid", "unverified")
    ).exists()
    if has_pec and not upheld:
        pack_send(tenant=tenant, actor=actor, case=case, note=f"Esito della sua contestazione: {reason}")
        return
    with transaction.atomic():
        dispute_reply_send(tenant=tenant, actor=actor, dispute=dispute)


def _uphold(
    tenant: Tenant, actor: User, dispute: Dispute, case: Case, reason: str, reduction: Decimal | str | None
) -> Dispute:
    balances = case_balances(case=case)
    amount = _reduction(reduction, balances[Account.PRINCIPAL])
    day = today()
    by_kind: dict[EntryKind, list[Line]] = {}
    for kind, line in _uphold_lines(balances, amount):
        by_kind.setdefault(kind, []).append(line)
    for kind, lines in by_kind.items():
        entry_post(
            tenant=tenant,
            actor=actor,
            case=case,
            kind=kind,
            posted_on=day,
            lines=lines,
            idempotency_key=f"dispute:{dispute.pk}:{kind.value}",
            summary=f"Contestazione accolta: {format_eur(sum((li.amount for li in lines), ZERO))} € ({reason[:120]})",
        )
    cancelled = amount is None
    case.refresh_from_db()
    return dispute_close(
        tenant=tenant,
        actor=actor,
        dispute=dispute,
        target=DisputeStatus.UPHELD,
        reason=reason,
        reduction=amount
        if amount is not None
        else sum((li.amount for _, li in _uphold_lines(balances, None)), ZERO),
        case_target=CaseStatus.CLOSED if cancelled or case.balance <= 0 else CaseStatus.WORKING,
    )


# ---------------------------------------------------------------- ad-hoc messages

# The templates a person may send by hand, per channel (the letters' and e-mails' own catalogues).
ADHOC_TEMPLATES: dict[str, tuple[str, ...]] = {
    CommKind.LETTER.value: ("reminder_1", "reminder_2"),
    CommKind.REGISTERED.value: ("formal_demand", "formal_demand_b2b"),
    CommKind.PEC.value: ("formal_demand", "formal_demand_b2b", "reminder_2"),
    CommKind.EMAIL.value: tuple(EMAIL_TEXTS),
    CommKind.SMS.value: ("reminder_soft",),
}
_CHANNEL = {
    CommKind.LETTER.value: Channel.POST,
    CommKind.REGISTERED.value: Channel.REGISTERED,
    CommKind.PEC.value: Channel.PEC,
    CommKind.EMAIL.value: Channel.EMAIL,
    CommKind.SMS.value: Channel.SMS,
}
_POINT_KIND = {
    CommKind.LETTER.value: ("address",),
    CommKind.REGISTERED.value: ("address",),
    CommKind.PEC.value: ("pec",),
    CommKind.EMAIL.value: ("email",),
    CommKind.SMS.value: ("mobile",),
}
_USABLE = ("valid", "unverified")


def _snapshot(case: Case, points: list[ContactPoint], day: dt.date) -> CaseSnapshot:
    try:
        position = case_position(case=case, today=day)
        prescription = position.earliest_prescription
        deadline = prescription.deadline if prescription else None
    except LawError:
        deadline = None
    refusals = case.debtor.channels_refused  # the debtor's own choice on their page
    contacts = Contacts.from_points((SnapPoint(p.kind, p.status in _USABLE, True) for p in points), refusals)
    first_due = case.first_due_on or case.opened_on
    return CaseSnapshot(
        case.pk,
        case.status,
        "",
        "",
        case.claim_type,
        "",
        case.balance,
        first_due,
        case.opened_on,
        contacts,
        deadline,
    )


@service(SEND_COMMUNICATIONS)
def message_adhoc(*, tenant: Tenant, actor: User, case: Case, kind: str, template: str) -> int:
    """Queue one message from the case, under the ladder's case guard (closed, prescribed, legal, disputed,
    arrangement running) and to the debtor's own usable contact point; sent by the channels' tasks. Returns the
    communication's id; a second request the same day for the same template is the same communication."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, SEND_COMMUNICATIONS, case)
    if template not in ADHOC_TEMPLATES.get(kind, ()):
        raise DomainError("desk.bad_template", value=f"{kind}/{template}")
    day = today()
    points = list(ContactPoint.objects.filter(tenant=tenant, debtor_id=case.debtor_id))
    snapshot = _snapshot(case, points, day)
    stop = case_guard(snapshot, day)
    if stop is not None:
        raise DomainError("desk.guard", reason=GUARD_LABELS.get(stop.reason, stop.reason))
    channel = _CHANNEL[kind]
    if refused(channel, snapshot.contacts):
        raise DomainError("desk.channel_refused", channel=kind)
    if not usable(channel, snapshot.contacts):
        raise DomainError("desk.no_address", channel=kind)
    candidates = [p for p in points if p.kind in _POINT_KIND[kind] and p.status in _USABLE]
    point = sorted(candidates, key=lambda p: (p.status != "valid", p.pk))[0]
    key = f"adhoc:{case.pk}:{kind}:{template}:{day.isoformat()}"
    spec = CommunicationSpec(case.pk, kind, template, "", "adhoc", point.pk, point.value, day, key)
    with transaction.atomic():
        new = communications_queue_new(tenant=tenant, actor=actor, specs=[spec])
        communications_dispatch_ids(tenant=tenant, ids_by_kind=new)
    return Communication.objects.values_list("pk", flat=True).get(idempotency_key=key)


GUARD_LABELS = {
    "case_closed": gettext_lazy("la pratica è chiusa o saldata"),
    "prescribed": gettext_lazy("il credito è prescritto o prossimo alla prescrizione"),
    "legal": gettext_lazy("la pratica è affidata al legale"),
    "dispute_open": gettext_lazy("c'è una contestazione aperta"),
    "arrangement_active": gettext_lazy("c'è un accordo di pagamento in corso"),
}
