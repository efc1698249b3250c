"""Presentation of typed things: timeline event kinds as icon, tone and label (in the user's language)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from recupero.core.domain.i18n import gettext_lazy

register = template.Library()

# Event kind prefix -> (icon, tone, label). The longest matching prefix wins; unknown kinds get a neutral look.
EVENT_STYLES: dict[str, tuple[str, str, str]] = {
    "case.opened": ("open", "info", gettext_lazy("Apertura")),
    "case.status": ("status", "primary", gettext_lazy("Cambio di stato")),
    "case": ("folder", "primary", gettext_lazy("Pratica")),
    "ledger.payment": ("payment", "success", gettext_lazy("Pagamento")),
    "ledger.write_off": ("ledger", "warning", gettext_lazy("Stralcio")),
    "ledger.credit": ("ledger", "warning", gettext_lazy("Nota di credito")),
    "ledger.reversal": ("ledger", "danger", gettext_lazy("Storno")),
    "ledger": ("ledger", "muted", gettext_lazy("Contabilità")),
    "payment": ("payment", "success", gettext_lazy("Pagamento")),
    "channel": ("mail", "info", gettext_lazy("Comunicazione")),
    "communication": ("mail", "info", gettext_lazy("Comunicazione")),
    "prescription": ("alert", "warning", gettext_lazy("Prescrizione")),
    "letter": ("mail", "info", gettext_lazy("Lettera")),
    "pec": ("mail", "info", "PEC"),
    "sms": ("phone", "info", "SMS"),
    "call": ("phone", "primary", gettext_lazy("Telefonata")),
    "visit": ("user", "primary", gettext_lazy("Visita")),
    "promise": ("handshake", "warning", gettext_lazy("Promessa")),
    "plan": ("handshake", "warning", gettext_lazy("Piano di rientro")),
    "settlement": ("handshake", "warning", gettext_lazy("Stralcio")),
    "dispute": ("alert", "danger", gettext_lazy("Contestazione")),
    "legal": ("alert", "danger", gettext_lazy("Legale")),
    "arrangement": ("handshake", "warning", gettext_lazy("Accordo")),
    "arrangement.broken": ("alert", "danger", gettext_lazy("Accordo non rispettato")),
    "arrangement.kept": ("handshake", "success", gettext_lazy("Accordo rispettato")),
    "arrangement.accepted": ("handshake", "success", gettext_lazy("Riepilogo accettato")),
}
_DEFAULT = ("dot", "muted", gettext_lazy("Evento"))


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
    "letter": gettext_lazy("Lettera"),
    "registered_letter": gettext_lazy("Raccomandata A/R"),
    "email": "E-mail",
    "pec": "PEC",
    "sms": "SMS",
    "phone": gettext_lazy("Telefono"),
    "call": gettext_lazy("Telefonata"),
    "visit": gettext_lazy("Visita domiciliare"),
    "whatsapp": gettext_lazy("WhatsApp"),
}


@register.filter
def channel_label(code: str) -> str:
    return CHANNEL_LABELS.get(code, code)


@register.filter
def source_short(source: str) -> str:
    """'BCE 2.15% + 8 punti (D.Lgs. 231/2002) — Comunicato MEF …' -> the part before the dash (full text in title)."""
    return source.split(" — ")[0]
