"""The texts of an agreement's messages, built by the sending tasks: the written summary (riepilogo dell'accordo)
with the debtor's personal link (template `arrangement_summary`, queued by `channels.summaries.summary_send`), and
the instalment reminder and missed-instalment notice (`instalment_reminder`, `instalment_missed`, queued by
`strategies.reminders.instalment_notices_send`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from recupero.arrangements.domain.states import KIND_LABELS, Kind
from recupero.arrangements.models import Acceptance, Instalment
from recupero.arrangements.selectors import summary_token
from recupero.arrangements.summary import summary_terms
from recupero.channels.access_links import access_url
from recupero.channels.documents.data import AgreementOffer, Installment, PaymentPlan
from recupero.channels.models import Communication
from recupero.channels.providers.base import Message
from recupero.law.money import format_eur

TEMPLATE = "arrangement_summary"
INSTALMENT_TEMPLATES = ("instalment_reminder", "instalment_missed")
_INSTALMENT_TEXTS = {
    "instalment_reminder": (
        "Promemoria: rata {number} del suo piano – pratica {code}",
        "Gentile {name},\n\nle ricordiamo che la rata {number} del piano concordato, di {amount} €, scade il "
        "{due}.\nPuò pagarla con bonifico a {creditor} indicando la causale «{code} rata {number}».\n"
        "{online}Se ha già provveduto, non tenga conto di questo messaggio.\n\nCordiali saluti",
        "Promemoria: la rata {number} di {amount} EUR del suo piano (pratica {code}) scade il {due}.{sms_link}",
    ),
    "instalment_missed": (
        "Rata {number} non pagata – pratica {code}",
        "Gentile {name},\n\nnon risulta pagata la rata {number} del piano concordato, di {amount} €, scaduta il "
        "{due}.\nLa preghiamo di provvedere o di contattarci: se la rata resta non pagata, il piano decade "
        "secondo le condizioni del mandato.\n{online}\nCordiali saluti",
        "Non risulta pagata la rata {number} di {amount} EUR scaduta il {due} (pratica {code}). Ci contatti."
        "{sms_link}",
    ),
}


def summary_path(acceptance: Acceptance) -> str:
    return reverse("arrangement_accept", args=[summary_token(acceptance)])


def summary_link(acceptance: Acceptance, base_url: str | None = None) -> str:
    """The personal link as an absolute address on the site the debtor reaches (RECUPERO_PUBLIC_URL)."""
    if base_url is None:
        base_url = settings.RECUPERO_PUBLIC_URL.rstrip("/")
    return f"{base_url}{summary_path(acceptance)}"


def _acceptance_of(comm: Communication) -> Acceptance:
    return Acceptance.objects.select_related("arrangement").get(
        pk=int(comm.action.split(":", 1)[1]), tenant_id=comm.tenant_id
    )


def summary_letter_parts(comm: Communication) -> dict[str, Any]:
    """The summary by post (letter kind `agreement_summary`): the agreed schedule and the offer — its terms, the
    personal link and the deadline — for `LetterData`; the debtor accepts by the link or by signing and
    returning the letter."""
    acceptance = _acceptance_of(comm)
    arrangement = acceptance.arrangement
    instalments = list(arrangement.instalments.order_by("number"))
    plan = PaymentPlan(
        installments=tuple(Installment(i.number, i.due_on, i.amount) for i in instalments),
        agreed_on=arrangement.started_on,
    )
    offer = AgreementOffer(
        kind_label=str(KIND_LABELS[Kind(arrangement.kind)]),
        amount_due=arrangement.amount_due,
        total=arrangement.total,
        terms=tuple(summary_terms(arrangement)),
        link=summary_link(acceptance),
        deadline=timezone.localtime(acceptance.deadline).date(),
        text_sha256=acceptance.text_sha256,
    )
    return {"plan": plan, "agreement": offer}


def summary_message(comm: Communication, base_url: str | None = None) -> Message:
    """The message of a queued summary: the agreed terms and the personal link to accept them (an absolute
    address on the site the debtor reaches: RECUPERO_PUBLIC_URL)."""
    acceptance = _acceptance_of(comm)
    link = summary_link(acceptance, base_url)
    deadline = f"{acceptance.deadline:%d/%m/%Y}"
    if acceptance.accepted_at is not None:  # accepted on the debtor's page: the schedule, to keep
        return _accepted_message(comm, acceptance, link)
    if comm.kind == "sms":
        body = f"Riepilogo del suo accordo (pratica {comm.case.code}): lo legga e accetti entro il {deadline}: {link}"
        return Message("sms", comm.address, body, reference=comm.idempotency_key)
    body = (
        f"{acceptance.text}\n\n"
        f"Per accettare l'accordo apra entro il {deadline} questo indirizzo personale:\n{link}\n"
    )
    return Message(
        comm.kind,
        comm.address,
        body,
        f"Riepilogo dell'accordo – pratica {comm.case.code}",
        comm.idempotency_key,
    )


def _accepted_message(comm: Communication, acceptance: Acceptance, link: str) -> Message:
    assert acceptance.accepted_at is not None
    when = f"{acceptance.accepted_at:%d/%m/%Y}"
    if comm.kind == "sms":
        body = f"Accordo accettato il {when} (pratica {comm.case.code}): scadenze e riepilogo a {link}"
        return Message("sms", comm.address, body, reference=comm.idempotency_key)
    body = (
        f"{acceptance.text}\n\n"
        f"Ha accettato questo accordo il {when} dalla sua pagina personale: conservi questo messaggio con le "
        f"scadenze. Il riepilogo resta consultabile a questo indirizzo:\n{link}\n"
    )
    subject = f"Il suo accordo di pagamento – pratica {comm.case.code}"
    return Message(comm.kind, comm.address, body, subject, comm.idempotency_key)


def _online(link: str) -> dict[str, str]:
    """The debtor's personal page (`channels.access_links`, attached to every message of a sending chunk): the
    plan's schedule, what is still due and how to pay, or to ask for help."""
    if not link:
        return {"online": "", "sms_link": ""}
    return {
        "online": f"Sulla sua pagina personale trova le scadenze del piano e come pagare:\n{link}\n",
        "sms_link": f" {link}",
    }


def instalment_message(comm: Communication) -> Message:
    """A reminder before an instalment falls due, or the notice of a missed one (the instalment named by the
    communication's action, `instalment:<id>`)."""
    instalment = Instalment.objects.select_related("arrangement").get(
        pk=int(comm.action.split(":", 1)[1]), tenant_id=comm.tenant_id
    )
    subject, body, sms = _INSTALMENT_TEXTS[comm.template]
    case = comm.case
    fields = {
        "number": instalment.number,
        "amount": format_eur(instalment.amount).removesuffix(" €"),
        "due": f"{instalment.due_on:%d/%m/%Y}",
        "code": case.code,
        "name": case.debtor.display_name,
        "creditor": case.creditor.name,
        **_online(access_url(comm)),
    }
    if comm.kind == "sms":
        return Message("sms", comm.address, sms.format(**fields), reference=comm.idempotency_key)
    return Message(
        comm.kind, comm.address, body.format(**fields), subject.format(**fields), comm.idempotency_key
    )
