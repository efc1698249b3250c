"""The debtor contests the debt or asks for its verification from their page (issue 15).

The same dispute the desk records (`services.dispute_record`: the case `disputed`, the ladder waits on its
guard), by the channel `self-service`, with the debtor's text and documents. Every document is checked before
anything is written (PDF, JPEG or PNG by its first bytes, never by its name; the size limit; the count), so a bad
file refuses the whole request and leaves no file behind; then stored as the desk's are (MEDIA_ROOT/disputes/,
named by the case code and the hash, served only by a scoped view).
"""

from __future__ import annotations

from django.db import transaction

from recupero.cases.domain.disputes import MAX_DOCUMENT_BYTES, MAX_DOCUMENTS, DisputeReason, document_kind
from recupero.cases.models import Case, Dispute
from recupero.cases.services import dispute_document_store, dispute_record
from recupero.core.domain.roles import DEBTOR_SELF_SERVICE
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service
from recupero.core.services import audit_record

SELF_SERVICE = "self-service"
MAX_TEXT = 2000


def documents_check(documents: list[tuple[str, bytes]]) -> None:
    """Refuse the request for the first document that is not a PDF, JPEG or PNG, is empty or too large."""
    if len(documents) > MAX_DOCUMENTS:
        raise DomainError("dispute.too_many_documents", limit=MAX_DOCUMENTS)
    for name, content in documents:
        ext, error = document_kind(content[:16], len(content))
        if ext is None:
            raise DomainError(error, name=name[:120], limit=MAX_DOCUMENT_BYTES // (1024 * 1024))


@service(DEBTOR_SELF_SERVICE)
@transaction.atomic
def dispute_self_service(
    *,
    tenant: Tenant,
    actor: User,
    case: Case,
    reason: DisputeReason,
    description: str,
    documents: list[tuple[str, bytes]],
) -> Dispute:
    """Open a dispute or a verification request with the debtor's words and documents: the ladder pauses."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, DEBTOR_SELF_SERVICE, case)
    if len(description) > MAX_TEXT:
        raise DomainError("debtor.text_too_long", limit=MAX_TEXT)
    documents_check(documents)
    dispute = dispute_record(
        tenant=tenant, actor=actor, case=case, reason=reason, description=description, channel=SELF_SERVICE
    )
    for name, content in documents:
        dispute_document_store(tenant=tenant, actor=actor, dispute=dispute, name=name, content=content)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="dispute.self_service",
        obj=dispute,
        details={"reason": reason.value, "documents": len(documents)},
    )
    return dispute
