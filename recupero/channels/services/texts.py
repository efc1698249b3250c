"""The words of messages: template labels for the timeline, the e-mail, SMS and PEC texts and their fields."""

from __future__ import annotations

from recupero.cases.models import Case
from recupero.channels.access_links import access_url
from recupero.channels.domain.states import KIND_LABELS, CommKind
from recupero.channels.models import Communication
from recupero.channels.payee import payee_account
from recupero.law.money import format_eur

TEMPLATE_LABELS = {
    "reminder_1": "prima lettera monitoria",
    "reminder_2": "seconda lettera monitoria",
    "formal_demand": "diffida e messa in mora",
    "bureau_notice": "preavviso di segnalazione SIC",
    "supply_suspension_notice": "preavviso di sospensione",
    "payment_plan_confirmation": "conferma del piano di rientro",
    "reminder_soft": "promemoria",
    "courtesy": "sollecito di cortesia",
    "arrangement_summary": "riepilogo dell'accordo",
    "instalment_reminder": "promemoria di rata",
    "instalment_missed": "avviso di rata non pagata",
    "dispute_reply": "risposta alla contestazione",
}


def _label(comm: Communication) -> str:
    return f"{KIND_LABELS[CommKind(comm.kind)]} «{TEMPLATE_LABELS.get(comm.template, comm.template)}»"


EMAIL_TEXTS = {
    "reminder_soft": (
        "Promemoria di pagamento – pratica {code}",
        "Gentile {name},\n\nle ricordiamo che risulta ancora da saldare l'importo di {amount} € dovuto a "
        "{creditor} (pratica {code}).\nSe ha già provveduto, non tenga conto di questo messaggio.\n\n"
        "Può pagare con bonifico sull'IBAN {iban} indicando come causale {code}.\n{link_line}\nCordiali saluti\n"
        "{agency}",
    ),
    "courtesy": (
        "Sollecito di cortesia – pratica {code}",
        "Gentile {name},\n\nper conto di {creditor} le segnaliamo fatture non pagate per {amount} € "
        "(pratica {code}).\nLa preghiamo di provvedere al pagamento con bonifico sull'IBAN {iban}, causale {code}."
        "\n{link_line}\nPer qualsiasi chiarimento siamo a sua disposizione.\n\nCordiali saluti\n{agency}",
    ),
}
SMS_TEXT = (
    "{creditor}: risultano da pagare {amount} EUR (pratica {code}). IBAN {iban}, causale {code}. Info: {phone}"
    "{link_sms}"
)
PEC_TEXT = (
    "Gentile {name},\n\nin allegato la comunicazione relativa alla pratica {code} per conto di {creditor}.\n"
    "{link_line}\nCordiali saluti\n{agency}"
)


def _fields(comm: Communication) -> dict[str, str]:
    case: Case = comm.case
    debtor = case.debtor
    return {
        "code": case.code,
        "amount": format_eur(case.balance),
        "creditor": case.creditor.name,
        "name": debtor.display_name
        if debtor.company_name
        else f"{debtor.first_name} {debtor.last_name}".strip(),
        "iban": payee_account(case, comm.tenant)[0],
        "agency": comm.tenant.name,
        "phone": comm.tenant.phone or case.creditor.contact_phone,
        **_link_fields(access_url(comm)),
    }


def _link_fields(url: str) -> dict[str, str]:
    """The personal link in the texts: a paragraph of the e-mail and PEC, the tail of the SMS ("" without)."""
    if not url:
        return {"link": "", "link_line": "", "link_sms": ""}
    return {
        "link": url,
        "link_line": (
            f"\nVeda la pratica, il calcolo dell'importo e come pagare nella sua pagina personale:\n{url}\n"
            "(le chiederemo le ultime 5 cifre del suo codice fiscale o partita IVA)\n"
        ),
        "link_sms": f" Pratica e pagamento: {url}",
    }
