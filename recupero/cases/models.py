"""Assignments (affido), cases (pratiche), claims (fatture) and the append-only case timeline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from recupero.cases.domain.claims import CLAIM_TYPE_LABELS
from recupero.cases.domain.disputes import REASON_LABELS
from recupero.cases.domain.disputes import STATUS_LABELS as DISPUTE_STATUS_LABELS
from recupero.cases.domain.states import LABELS, TONES, CaseStatus
from recupero.core.models import TenantModel, money_field, tenant_key
from recupero.parties.models import Creditor, Debtor


class Assignment(TenantModel):
    """A batch of positions entrusted by a creditor on a date, to be worked until a return date (affido)."""

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("In lavorazione")
        RETURNED = "returned", gettext_lazy("Restituito")

    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="assignments")
    code = models.CharField(max_length=60)
    received_on = models.DateField()
    return_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = gettext_lazy("affido")
        verbose_name_plural = gettext_lazy("affidi")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "creditor", "code"], name="assignment_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Case(TenantModel):
    """One debtor's debt towards one creditor in one assignment (pratica)."""

    tenant = tenant_key(db_index=False)  # every index below leads with the tenant
    seq = models.PositiveIntegerField()
    code = models.CharField(max_length=12)
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="cases")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="cases")
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="cases")
    creditor_reference = models.CharField(gettext_lazy("riferimento committente"), max_length=60)
    claim_type = models.CharField(max_length=12, choices=[(k.value, v) for k, v in CLAIM_TYPE_LABELS.items()])
    commercial = models.BooleanField(gettext_lazy("transazione commerciale"), default=False)
    contract_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=[(s.value, LABELS[s]) for s in CaseStatus], default="new"
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    # Facts fixed at intake, kept on the row so the list filters stay index-only at a million cases.
    first_due_on = models.DateField(null=True)
    province = models.CharField(max_length=2, blank=True)
    original_amount = money_field()
    # Cache of the ledger's total due, written only by recupero.ledger.services from the entries. In no index:
    # every payment, cost and reversal rewrites it, and an update that changes no indexed column is a HOT
    # update on PostgreSQL (the row rewritten in its page, none of the table's indexes touched; decision 0008).
    balance = money_field(default=Decimal("0.00"))
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # rarely set, never searched by: an index would be upkeep on every intake row
    )
    # Facts the creditor states at intake (None: not stated). The strategies read them: a suspension notice
    # (ARERA) only while the supply is active — on a ceased one it would be an empty threat —, a gentler first
    # step for a customer whose very first invoice is unpaid.
    supply_active = models.BooleanField(gettext_lazy("fornitura attiva"), null=True, blank=True)
    first_invoice_default = models.BooleanField(gettext_lazy("prima fattura insoluta"), null=True, blank=True)
    # Judicial title: date the lawsuit/ricorso was filed and whether the title grants art. 1284 c.4 interest.
    filing_date = models.DateField(null=True, blank=True)
    title_grants_commercial_rate = models.BooleanField(default=False)

    class Meta:
        verbose_name = gettext_lazy("pratica")
        verbose_name_plural = gettext_lazy("pratiche")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="case_code_unique"),
            models.UniqueConstraint(fields=["tenant", "seq"], name="case_seq_unique"),
            models.UniqueConstraint(
                fields=["tenant", "creditor", "creditor_reference"], name="case_creditor_reference_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "id"], name="case_status"),
            models.Index(fields=["tenant", "creditor", "status", "id"], name="case_creditor_status"),
            models.Index(fields=["tenant", "first_due_on"], name="case_due"),
            models.Index(fields=["tenant", "province", "id"], name="case_province"),
            models.Index(fields=["tenant", "assignment", "id"], name="case_assignment"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def status_label(self) -> str:
        return LABELS[CaseStatus(self.status)]

    @property
    def status_tone(self) -> str:
        return TONES[CaseStatus(self.status)]


class Claim(TenantModel):
    """An invoice or other title of debt inside a case (fattura)."""

    tenant = tenant_key(db_index=False)  # claim_invoice leads with the tenant
    # claim_unique (case, number, date) serves every look-up by case
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="claims", db_index=False)
    invoice_number = models.CharField(max_length=40)
    issued_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    amount = money_field("importo (IVA inclusa)")
    description = models.CharField(gettext_lazy("beni o servizi"), max_length=300, blank=True)
    supply_reference = models.CharField(
        gettext_lazy("contratto o fornitura (POD/PDR)"), max_length=60, blank=True
    )
    sdi_delivered_on = models.DateField(gettext_lazy("consegna SdI"), null=True, blank=True)
    # What the creditor's last file said was still owed on this invoice: the next file is compared with it and
    # the difference posted to the books as an adjustment (the ledger is append-only; this column is not it).
    reported_outstanding = money_field("residuo comunicato", null=True, blank=True)
    # The number's first and last digit groups without leading zeros (cases.domain.search.invoice_number_keys),
    # written with the claim: "47985" or "2025" finds "47985/2025" through an index, never a scan.
    number_head = models.CharField(max_length=40, blank=True, default="", db_default="")
    number_tail = models.CharField(max_length=40, blank=True, default="", db_default="")

    class Meta:
        verbose_name = gettext_lazy("fattura")
        verbose_name_plural = gettext_lazy("fatture")
        constraints = [
            models.UniqueConstraint(fields=["case", "invoice_number", "issued_on"], name="claim_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="claim_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["tenant", "invoice_number"], name="claim_invoice"),
            models.Index(fields=["tenant", "number_head"], name="claim_number_head"),
            models.Index(fields=["tenant", "number_tail"], name="claim_number_tail"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_number} del {self.issued_on:%d/%m/%Y}"


class ClaimInstalment(TenantModel):
    """One instalment (rata) of an invoice paid in several: its own due date, so interest and prescription run
    per instalment (several DettaglioPagamento, or rows of one invoice with different due dates). A claim
    without instalment rows is one instalment: its own amount and due date. The claim's amount is their sum,
    its due date the first of theirs."""

    tenant = tenant_key(db_index=False)  # read by claim only
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="instalments", db_index=False)
    number = models.PositiveSmallIntegerField()  # 1, 2, … in due-date order
    due_on = models.DateField()
    amount = money_field("importo della rata")

    class Meta:
        verbose_name = gettext_lazy("rata")
        verbose_name_plural = gettext_lazy("rate")
        constraints = [
            models.UniqueConstraint(fields=["claim", "number"], name="claim_instalment_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="claim_instalment_positive"),
        ]
        ordering = ["claim", "number"]

    def __str__(self) -> str:
        return f"rata {self.number} al {self.due_on:%d/%m/%Y}"


class TimelineEvent(TenantModel):
    """Everything that happens to a case, typed and append-only (the case's history)."""

    # Read only case by case, newest first: timeline_case_at serves every query (no index on tenant, case, at
    # or actor alone — one intake writes a million events).
    tenant = tenant_key(db_index=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline", db_index=False)
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    summary = models.CharField(max_length=300)
    data: models.JSONField[Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = gettext_lazy("evento")
        verbose_name_plural = gettext_lazy("eventi")
        indexes = [
            models.Index(fields=["case", "at"], name="timeline_case_at"),
            # The acts that interrupt prescription, read for every open case by the daily run.
            models.Index(
                fields=["case"],
                name="timeline_prescription_case",
                condition=models.Q(kind="prescription.event"),
            ),
        ]
        ordering = ["-at", "-id"]


class Dispute(TenantModel):
    """A debtor's dispute of the debt (contestazione) and the verification it asks for, with its deadline.

    States by `domain.disputes.TRANSITIONS` only; while one is open the case is `disputed` and the ladder waits."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disputes")
    reason = models.CharField(max_length=16, choices=[(k.value, v) for k, v in REASON_LABELS.items()])
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=[(k.value, v) for k, v in DISPUTE_STATUS_LABELS.items()], default="open"
    )
    opened_on = models.DateField()
    deadline = models.DateField()
    channel = models.CharField(max_length=20, blank=True)  # how it came: phone, visit, pec, letter, portal
    # The status the case had before: where it goes back to when the dispute ends without cancelling it.
    case_status_before = models.CharField(max_length=12, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)  # the reasoned reply (rejected) or why it was upheld
    reduction = money_field("riduzione riconosciuta", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = gettext_lazy("contestazione")
        verbose_name_plural = gettext_lazy("contestazioni")
        constraints = [
            # One open dispute per case: a second complaint is a document on the first.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="open"), name="dispute_one_open_per_case"
            )
        ]
        indexes = [models.Index(fields=["tenant", "status", "deadline"], name="dispute_open_deadline")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.get_status_display()})"


class DisputeDocument(TenantModel):
    """A document the debtor (or the creditor) produced for a dispute: PDF, JPEG or PNG, checked by content,
    stored under MEDIA_ROOT/disputes/ (outside the web root: served only through a scoped view)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="documents")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=4)  # pdf | jpg | png, from the content
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="disputes/", max_length=200)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = gettext_lazy("documento della contestazione")
        verbose_name_plural = gettext_lazy("documenti della contestazione")

    def __str__(self) -> str:
        return self.name


class ClaimDocument(TenantModel):
    """The original document behind a claim, kept as the creditor sent it: today the FatturaPA invoice (the XML
    document as unwrapped from its p7m or zip, and which of its bodies is this invoice), with a readable view
    (supplier, customer, lines, VAT summary, payment terms) that the verification pack prints. Handed over by the
    intake at commit (`cases.documents.claim_documents_attach`); one row per claim and document."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, default="fatturapa")
    name = models.CharField(
        gettext_lazy("documento"), max_length=200
    )  # the file name in the creditor's upload
    body_index = models.PositiveSmallIntegerField(default=1)  # 1-based FatturaElettronicaBody in a lot
    sha256 = models.CharField(max_length=64)
    content = models.FileField(
        upload_to="claims/", max_length=200
    )  # the XML, by its hash: shared by a lot's bodies
    view: models.JSONField[Any] = models.JSONField(default=dict)
    import_batch_id = models.BigIntegerField(null=True, blank=True)  # the intake batch (imports sits above)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("documento originale")
        verbose_name_plural = gettext_lazy("documenti originali")
        constraints = [
            models.UniqueConstraint(fields=["claim", "sha256", "body_index"], name="claim_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.body_index})"


class CaseMessage(TenantModel):
    """One message of the case's thread between the creditor's users and the agency (consultant, supervisor).
    Append-only: a message is never edited; `side` says who wrote it, so each side sees what waits for it."""

    tenant = tenant_key(db_index=False)  # case_message_case leads with the case, which carries the tenant
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages", db_index=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(
        max_length=10,
        choices=[("creditor", gettext_lazy("committente")), ("agency", gettext_lazy("agenzia"))],
    )
    body = models.TextField(max_length=4000)
    at = models.DateTimeField()

    class Meta:
        verbose_name = gettext_lazy("messaggio della pratica")
        verbose_name_plural = gettext_lazy("messaggi della pratica")
        indexes = [
            models.Index(fields=["case", "at"], name="case_message_case"),
            models.Index(fields=["tenant", "at"], name="case_message_tenant_at"),
        ]
        ordering = ["at", "id"]


class AccessLink(TenantModel):
    """The debtor's personal link to their case's page (collegamento personale), printed on every letter, e-mail
    and SMS: `/d/<token>/` (`domain/access.py` signs it). Expires, can be revoked or reissued (a new nonce), and
    locks after repeated wrong answers until the agency unlocks it (`cases.access`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_links", db_index=False)
    nonce = models.CharField(max_length=32)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    last_access_at = models.DateTimeField(null=True, blank=True)
    # A one-time code sent to a verified phone or e-mail: its digest only, until it expires or is used.
    otp_digest = models.CharField(max_length=64, blank=True)
    otp_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("collegamento personale")
        verbose_name_plural = gettext_lazy("collegamenti personali")
        indexes = [models.Index(fields=["case", "-issued_at"], name="access_link_case")]

    def __str__(self) -> str:
        return f"collegamento {self.pk} (pratica {self.case_id})"


class AccessAttempt(TenantModel):
    """One answer to a link's second factor, right or wrong, with the client address: the per-address throttle
    counts the wrong ones of the last hour (`cases.access`)."""

    tenant = tenant_key(db_index=False)
    link = models.ForeignKey(AccessLink, on_delete=models.CASCADE, related_name="attempts", db_index=False)
    at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    factor = models.CharField(max_length=10)  # tax_code | otp
    ok = models.BooleanField()

    class Meta:
        verbose_name = gettext_lazy("tentativo di accesso")
        verbose_name_plural = gettext_lazy("tentativi di accesso")
        indexes = [
            models.Index(
                fields=["tenant", "ip", "at"], name="access_attempt_ip", condition=models.Q(ok=False)
            ),
            models.Index(fields=["link", "at"], name="access_attempt_link"),
        ]
