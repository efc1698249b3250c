"""The original documents behind claims (today the FatturaPA invoice), handed over by the intake.

The intake (imports, above) reads the creditor's FatturaPA files; at commit it gives each new claim its original
invoice here — the XML document as unwrapped from its p7m or zip, which body of it is this invoice, and the
readable view it built — so that the verification pack (channels, below imports) can print it from the cases'
own rows. The XML is stored once per content (its SHA-256 names the file): a lot of 300 bodies is one file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from recupero.cases.models import Case, Claim, ClaimDocument
from recupero.cases.services import timeline_append
from recupero.core.domain.roles import COMMIT_IMPORTS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, service
from recupero.core.services import audit_record


@dataclass(frozen=True)
class ClaimDocumentSpec:
    claim_id: int
    name: str
    body_index: int
    content: bytes
    view: dict[str, Any] = field(default_factory=dict)


def _stored(tenant: Tenant, content: bytes, digest: str) -> str:
    path = f"claims/{tenant.pk}/{digest[:2]}/{digest}.xml"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(content))
    return path


@service(COMMIT_IMPORTS)
@transaction.atomic
def claim_documents_attach(
    *, tenant: Tenant, actor: User, documents: list[ClaimDocumentSpec], import_batch_id: int | None = None
) -> int:
    """Keep each claim's original document; a document already kept for that claim is not added twice.
    Returns how many rows were added. Every claim must be one the actor may reach (else nothing is written)."""
    ids = {d.claim_id for d in documents}
    claims = dict(
        Claim.objects.filter(tenant=tenant, pk__in=ids)
        .filter(case_q(actor, "case__"))
        .values_list("pk", "case_id")
    )
    if len(claims) != len(ids):
        raise DomainError("auth.not_found")
    paths: dict[str, str] = {}
    rows = []
    for d in documents:
        digest = hashlib.sha256(d.content).hexdigest()
        if digest not in paths:
            paths[digest] = _stored(tenant, d.content, digest)
        rows.append(
            ClaimDocument(
                tenant=tenant,
                claim_id=d.claim_id,
                name=d.name[:200],
                body_index=d.body_index,
                sha256=digest,
                content=paths[digest],
                view=d.view,
                import_batch_id=import_batch_id,
            )
        )
    before = ClaimDocument.objects.filter(tenant=tenant, claim_id__in=ids).count()
    ClaimDocument.objects.bulk_create(rows, ignore_conflicts=True)
    added = ClaimDocument.objects.filter(tenant=tenant, claim_id__in=ids).count() - before
    if added:
        for case in Case.objects.filter(pk__in=set(claims.values())).order_by("pk"):
            timeline_append(
                tenant=tenant,
                actor=actor,
                case=case,
                kind="claim.document",
                summary="Fattura elettronica originale (FatturaPA) conservata con la pratica",
                data={"import_batch": import_batch_id},
            )
        audit_record(
            tenant=tenant,
            actor=actor,
            action="claim.documents_attach",
            obj=tenant,
            details={"added": added, "import_batch": import_batch_id},
        )
    return added
