"""Presentation of typed things: timeline event kinds as icon, tone and Italian label."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

# Event kind prefix -> (icon, tone, label). The longest matching prefix wins; unknown kinds get a neutral look.
EVENT_STYLES: dict[str, tuple[str, str, str]] = {
    "case.opened": ("open", "info", "Apertura"),
    "case.status": ("status", "primary", "Cambio di stato"),
    "case": ("folder", "primary", "Pratica"),
    "ledger.payment": ("payment", "success", "Pagamento"),
    "ledger.write_off": ("ledger", "warning", "Stralcio"),
    "ledger.credit": ("ledger", "warning", "Nota di credito"),
    "ledger.reversal": ("ledger", "danger", "Storno"),
    "ledger": ("ledger", "muted", "Contabilità"),
    "payment": ("payment", "success", "Pagamento"),
    "channel": ("mail", "info", "Comunicazione"),
    "communication": ("mail", "info", "Comunicazione"),
    "prescription": ("alert", "warning", "Prescrizione"),
    "letter": ("mail", "info", "Lettera"),
    "pec": ("mail", "info", "PEC"),
    "sms": ("phone", "info", "SMS"),
    "call": ("phone", "primary", "Telefonata"),
    "visit": ("user", "primary", "Visita"),
    "promise": ("handshake", "warning", "Promessa"),
    "plan": ("handshake", "warning", "Piano di rientro"),
    "settlement": ("handshake", "warning", "Stralcio"),
    "dispute": ("alert", "danger", "Contestazione"),
    "legal": ("alert", "danger", "Legale"),
    "arrangement": ("handshake", "warning", "Accordo"),
    "arrangement.broken": ("alert", "danger", "Accordo non rispettato"),
    "arrangement.kept": ("handshake", "success", "Accordo rispettato"),
    "arrangement.accepted": ("handshake", "success", "Riepilogo accettato"),
}
_DEFAULT = ("dot", "muted", "Evento")


def event_style(kind: str) -> tuple[str, str, str]:
    best = ""
    for prefix in EVENT_STYLES:
        if (kind == prefix or kind.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return EVENT_STYLES.get(best, _DEFAULT)


@register.filter
def event_icon(kind: str) -> str:
    return event_style(kind)[0]


@register.filter
def event_tone(kind: str) -> str:
    return event_style(kind)[1]


@register.filter
def event_label(kind: str) -> str:
    return event_style(kind)[2]


@register.filter
def event_document_url(event: Any) -> str:
    """The back-office link to a communication's PDF, built where the timeline is shown: channels records only
    that the communication has a document (older events stored the link itself as `document_url`)."""
    data = getattr(event, "data", None) or {}
    comm = data.get("communication")
    if not comm or not (data.get("document") or data.get("document_url")):
        return ""
    try:
        return reverse("backoffice:communication_document", args=[comm])
    except NoReverseMatch:
        return ""


CHANNEL_LABELS = {
    "letter": "Lettera",
    "registered_letter": "Raccomandata A/R",
    "email": "E-mail",
    "pec": "PEC",
    "sms": "SMS",
    "phone": "Telefono",
    "call": "Telefonata",
    "visit": "Visita domiciliare",
    "whatsapp": "WhatsApp",
}


@register.filter
def channel_label(code: str) -> str:
    return CHANNEL_LABELS.get(code, code)


@register.filter
def source_short(source: str) -> str:
    """'BCE 2.15% + 8 punti (D.Lgs. 231/2002) — Comunicato MEF …' -> the part before the dash (full text in title)."""
    return source.split(" — ")[0]
