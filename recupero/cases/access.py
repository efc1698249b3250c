"""The debtor's personal link: issue, revoke, unlock (the agency's services) and the check at the door.

`access_verify` is the debtor's authentication itself — the token and the second factor are the credentials —
so it takes no actor: it *returns* one, the debtor principal of `core.permissions.debtor_actor`, scoped to that
debtor's cases with that creditor. Every opening, failure, lock and access is audited and on the case timeline.
The one-time code is drawn here (`access_code_issue`) and sent by `channels.access_codes` (channels sit above
cases).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from recupero.cases.domain.access import (
    AccessPolicy,
    LinkState,
    Verdict,
    answer_matches,
    attempt_verdict,
    link_state,
    new_nonce,
    otp_digest,
    otp_new,
    tax_code_tail,
    token_link_id,
    token_make,
    token_valid,
)
from recupero.cases.models import AccessAttempt, AccessLink, Case
from recupero.cases.services import timeline_append
from recupero.core.clock import now
from recupero.core.domain.roles import MANAGE_ACCESS_LINKS, SEND_COMMUNICATIONS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import (
    actor_capability,
    debtor_actor,
    require_case,
    service,
    system_actor,
)
from recupero.core.services import audit_record

# A link printed on a letter is renewed when it would expire within this many days (the letter must work).
RENEW_BEFORE_DAYS = 30


def access_policy() -> AccessPolicy:
    """The policy with the settings' overrides (`DEBTOR_ACCESS = {"max_link_failures": 5, …}`)."""
    return dataclasses.replace(AccessPolicy(), **getattr(settings, "DEBTOR_ACCESS", {}))


def _key() -> bytes:
    return settings.SECRET_KEY.encode()


def access_token(link: AccessLink) -> str:
    return token_make(link.pk, link.nonce, _key())


def access_link_state(link: AccessLink, at: dt.datetime | None = None) -> LinkState:
    return link_state(
        now=at or now(), expires_at=link.expires_at, revoked_at=link.revoked_at, locked_at=link.locked_at
    )


def access_link_by_token(token: str) -> AccessLink | None:
    """The link a token opens, or None (malformed, unknown, forged or superseded by a reissue). No actor: the
    token is the key; what it opens is checked by `access_verify`."""
    link_id = token_link_id(token)
    if link_id is None:
        return None
    link = (
        AccessLink.objects.select_related("case", "case__debtor", "case__creditor").filter(pk=link_id).first()
    )
    if link is None or not token_valid(token, link.pk, link.nonce, _key()):
        return None
    return link


def _new_link(tenant_id: int, case_id: int, at: dt.datetime, policy: AccessPolicy) -> AccessLink:
    return AccessLink(
        tenant_id=tenant_id,
        case_id=case_id,
        nonce=new_nonce(),
        issued_at=at,
        expires_at=at + dt.timedelta(days=policy.link_days),
    )


@service(MANAGE_ACCESS_LINKS, SEND_COMMUNICATIONS)
@transaction.atomic
def access_link_issue(*, tenant: Tenant, actor: User, case: Case) -> tuple[AccessLink, str]:
    """A new personal link for the case (reissue): every earlier link of the case is revoked. Returns the link
    and its token (shown once to the operator, who reads it to the debtor or sends it)."""
    require_case(actor, actor_capability(actor, (MANAGE_ACCESS_LINKS, SEND_COMMUNICATIONS)), case)
    at = now()
    AccessLink.objects.filter(tenant=tenant, case=case, revoked_at__isnull=True).update(revoked_at=at)
    link = _new_link(tenant.pk, case.pk, at, access_policy())
    link.save(force_insert=True)
    summary = f"Collegamento personale emesso, valido fino al {link.expires_at:%d/%m/%Y}"
    timeline_append(tenant=tenant, actor=actor, case=case, kind="access.issued", summary=summary)
    audit_record(tenant=tenant, actor=actor, action="access.issue", obj=link, case_ids=[case.pk])
    return link, access_token(link)


@service(SEND_COMMUNICATIONS)
def access_links_ensure(*, tenant: Tenant, actor: User, case_ids: Iterable[int]) -> dict[int, str]:
    """The token of each case's current link, issuing one where none is active for at least
    `RENEW_BEFORE_DAYS` more: what the letters, e-mails and SMS of a batch print (one query, one insert)."""
    wanted = sorted(set(case_ids))
    cases = Case.objects.filter(tenant=tenant, pk__in=wanted).values_list(
        "pk", "creditor_id", "status", "debtor_id"
    )
    for pk, creditor_id, status, debtor_id in cases:
        require_case(actor, SEND_COMMUNICATIONS, _CaseRef(tenant.pk, pk, creditor_id, status, debtor_id))
    at = now()
    current: dict[int, AccessLink] = {}
    for link in AccessLink.objects.filter(
        tenant=tenant,
        case_id__in=wanted,
        revoked_at__isnull=True,
        locked_at__isnull=True,
        expires_at__gt=at + dt.timedelta(days=RENEW_BEFORE_DAYS),
    ).order_by("issued_at"):
        current[link.case_id] = link
    missing = [pk for pk, *_ in cases if pk not in current]
    if missing:
        with transaction.atomic():
            policy = access_policy()
            created = AccessLink.objects.bulk_create([_new_link(tenant.pk, pk, at, policy) for pk in missing])
            if created and created[0].pk is None:  # a backend that does not return ids
                created = list(AccessLink.objects.filter(tenant=tenant, case_id__in=missing, issued_at=at))
            current.update({link.case_id: link for link in created})
            audit_record(
                tenant=tenant,
                actor=actor,
                action="access.issue_many",
                object_type="cases.accesslink",
                details={"count": len(missing)},
                case_ids=missing,
            )
    return {case_id: access_token(link) for case_id, link in current.items()}


@dataclasses.dataclass(frozen=True)
class _CaseRef:
    """What `require_case` reads of a case, without loading the row."""

    tenant_id: int
    pk: int
    creditor_id: int
    status: str
    debtor_id: int


@service(MANAGE_ACCESS_LINKS)
@transaction.atomic
def access_link_revoke(*, tenant: Tenant, actor: User, link: AccessLink, reason: str = "") -> AccessLink:
    require_case(actor, MANAGE_ACCESS_LINKS, link.case)
    if link.revoked_at is None:
        link.revoked_at = now()
        link.save(update_fields=["revoked_at"])
        summary = "Collegamento personale revocato" + (f": {reason[:200]}" if reason else "")
        timeline_append(tenant=tenant, actor=actor, case=link.case, kind="access.revoked", summary=summary)
        audit_record(tenant=tenant, actor=actor, action="access.revoke", obj=link, details={"reason": reason})
    return link


@service(MANAGE_ACCESS_LINKS)
@transaction.atomic
def access_link_unlock(*, tenant: Tenant, actor: User, link: AccessLink) -> AccessLink:
    """The way back through the agency: the debtor called, the operator checked who they are, the link opens
    again with its attempts counted from zero."""
    require_case(actor, MANAGE_ACCESS_LINKS, link.case)
    link = AccessLink.objects.select_for_update().get(pk=link.pk, tenant=tenant)
    failed = link.failed_attempts
    link.failed_attempts, link.locked_at = 0, None
    link.save(update_fields=["failed_attempts", "locked_at"])
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=link.case,
        kind="access.unlocked",
        summary="Collegamento personale sbloccato dall'agenzia",
    )
    audit_record(tenant=tenant, actor=actor, action="access.unlock", obj=link, details={"failed": failed})
    return link


def access_open(*, link: AccessLink, ip: str | None) -> LinkState:
    """The debtor opened the link (before the second factor): audited, and its state returned for the page."""
    state = access_link_state(link)
    audit_record(
        tenant=link.case.tenant,
        actor=_door(link),
        action="access.open",
        obj=link,
        details={"state": state.value, "ip": ip},
        case_ids=[link.case_id],
    )
    return state


def _door(link: AccessLink) -> User:
    """Who acts before the debtor has proved anything: the agency's own page (audited as such)."""
    return system_actor(link.case.tenant, "pagina debitore")


def _address_failures(tenant_id: int, ip: str | None, since: dt.datetime) -> int:
    if not ip:
        return 0
    return AccessAttempt.objects.filter(tenant_id=tenant_id, ip=ip, ok=False, at__gte=since).count()


_VERDICT_TEXT = {
    Verdict.OPEN: ("access.verified", "Il debitore è entrato nella sua pagina personale"),
    Verdict.WRONG: ("access.failed", "Codice errato sul collegamento personale ({n} tentativi falliti)"),
    Verdict.LOCKED: ("access.locked", "Collegamento personale bloccato dopo {n} tentativi falliti"),
    Verdict.THROTTLED: ("access.throttled", "Tentativo rifiutato: troppi errori dallo stesso indirizzo"),
    Verdict.CLOSED: ("access.closed", "Tentativo su un collegamento scaduto o revocato"),
}


@transaction.atomic
def access_verify(
    *, link: AccessLink, ip: str | None, answer: str, factor: str = "tax_code"
) -> tuple[Verdict, User | None]:
    """Check the debtor's second factor on the link: the tail of their codice fiscale / partita IVA, or the
    one-time code last sent. Returns the verdict and, when it opens, the debtor principal."""
    policy, at = access_policy(), now()
    link = AccessLink.objects.select_for_update().select_related("case", "case__debtor").get(pk=link.pk)
    case = link.case
    right = _answer_right(link, answer, factor, at)
    was_locked = link.locked_at is not None
    verdict = attempt_verdict(
        state=access_link_state(link, at),
        right=right,
        link_failures=link.failed_attempts,
        address_failures=_address_failures(link.tenant_id, ip, at - policy.address_window),
        policy=policy,
    )
    _count(link, verdict, at, factor)
    ok = verdict == Verdict.OPEN  # a throttled or closed attempt counts against the address too
    AccessAttempt.objects.create(tenant_id=link.tenant_id, link=link, at=at, ip=ip, factor=factor, ok=ok)
    kind, text = _VERDICT_TEXT[verdict]
    if verdict == Verdict.LOCKED and was_locked:  # the lock happened before: this is one more refused try
        kind, text = "access.refused", "Tentativo su un collegamento personale già bloccato"
    tenant = Tenant.objects.get(pk=link.tenant_id)
    door = _door(link)
    summary = text.format(n=link.failed_attempts)
    timeline_append(tenant=tenant, actor=door, case=case, kind=kind, summary=summary, data={"factor": factor})
    audit_record(
        tenant=tenant,
        actor=door,
        action=kind,
        obj=link,
        details={"factor": factor, "ip": ip, "failed": link.failed_attempts},
        case_ids=[case.pk],
    )
    if verdict != Verdict.OPEN:
        return verdict, None
    principal = debtor_actor(
        tenant_id=link.tenant_id,
        creditor_id=case.creditor_id,
        debtor_id=case.debtor_id,
        link_id=link.pk,
        case_code=case.code,
    )
    return verdict, principal


def _answer_right(link: AccessLink, answer: str, factor: str, at: dt.datetime) -> bool:
    if factor == "otp":
        if not link.otp_digest or link.otp_expires_at is None or at >= link.otp_expires_at:
            return False
        return hmac.compare_digest(otp_digest(answer, link.pk, _key()), link.otp_digest)
    debtor = link.case.debtor
    return answer_matches(answer, tax_code_tail(debtor.tax_code, debtor.vat_number))


def _count(link: AccessLink, verdict: Verdict, at: dt.datetime, factor: str) -> None:
    fields = []
    if verdict == Verdict.OPEN:
        link.failed_attempts, link.last_access_at = 0, at
        fields = ["failed_attempts", "last_access_at"]
        if factor == "otp":  # a one-time code opens once
            link.otp_digest, link.otp_expires_at = "", None
            fields += ["otp_digest", "otp_expires_at"]
    elif verdict in (Verdict.WRONG, Verdict.LOCKED) and link.locked_at is None:
        link.failed_attempts += 1
        fields = ["failed_attempts"]
        if verdict == Verdict.LOCKED:
            link.locked_at = at
            fields.append("locked_at")
    if fields:
        link.save(update_fields=fields)


def access_code_issue(*, link: AccessLink) -> str:
    """Draw a one-time code for the link (valid `otp_minutes`) and keep only its digest; the caller sends it to
    a verified contact of the debtor (`channels.access_codes.access_code_send`). Refused on a closed link."""
    state = access_link_state(link)
    if state != LinkState.ACTIVE:
        raise DomainError("access.closed" if state != LinkState.LOCKED else "access.locked")
    code = otp_new()
    link.otp_digest = otp_digest(code, link.pk, _key())
    link.otp_expires_at = now() + dt.timedelta(minutes=access_policy().otp_minutes)
    link.save(update_fields=["otp_digest", "otp_expires_at"])
    return code


def access_principal(link_id: int, tenant_id: int) -> tuple[User, AccessLink] | None:
    """The debtor principal of a session (its link re-read: a link revoked or locked since ends the session)."""
    link = (
        AccessLink.objects.select_related("tenant", "case", "case__creditor", "case__debtor")
        .filter(pk=link_id, tenant_id=tenant_id)
        .first()
    )
    if link is None or access_link_state(link) != LinkState.ACTIVE:
        return None
    case = link.case
    principal = debtor_actor(
        tenant_id=tenant_id,
        creditor_id=case.creditor_id,
        debtor_id=case.debtor_id,
        link_id=link.pk,
        case_code=case.code,
    )
    principal.tenant = link.tenant  # read with the link: the audit row and the views need no second query
    return principal, link


def access_link_current(*, case: Case) -> AccessLink | None:
    """The case's latest link not revoked (active, locked or expired), for the back-office case page. The case
    comes from a scoped look-up (`case_get`)."""
    return (
        AccessLink.objects.filter(tenant_id=case.tenant_id, case=case, revoked_at__isnull=True)
        .order_by("-issued_at", "-pk")
        .first()
    )
