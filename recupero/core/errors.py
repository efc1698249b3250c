"""Errors with stable codes, their HTTP status and their Italian message: the one place that maps them.

`RecuperoError` is the one base class of every app's errors (`DomainError` for services, `ChannelError`,
`StrategyDataError`, `FormError` in the domain packages, which may import this module: it imports no Django).
Services raise `DomainError("case.bad_amount", value=...)`; views and the API call `error_payload(exc)`.
`recupero.law.errors.LawError` has the same shape (code, message, params) and is mapped here too: `law` sits
below everything and imports nothing of the platform, so it cannot derive from this base.

`CATALOGUE` is code → (HTTP status, Italian message); the Italian text is the source and the msgid of the
gettext catalogue (`make messages` extracts every message of this table: `recupero messages`). `message_for`
gives it in the active language, so an error raised while serving an English user reads in English; its code
stays the same. A message with no translation stays Italian.
"""

from __future__ import annotations

from typing import Any

from recupero.core.domain.i18n import LazyText, translate
from recupero.law.errors import LawError

# code -> (HTTP status, Italian message template). Params fill the template with str.format.
CATALOGUE: dict[str, tuple[int, str]] = {
    "auth.forbidden": (403, "Operazione non consentita per il suo ruolo."),
    "auth.not_found": (404, "Elemento non trovato."),
    "tenant.mismatch": (403, "L'elemento appartiene a un'altra agenzia."),
    "request.too_large": (
        413,
        "La richiesta supera la dimensione massima consentita ({limit_mb} MB): caricare file più piccoli o "
        "dividerli in più lotti.",
    ),
    "auth.otp_required": (401, "Completi l'accesso con il codice della sua app di autenticazione."),
    "user.weak_password": (422, "Password non accettata. {reasons}"),
    "user.otp_bad_code": (422, "Codice non valido o scaduto: inserisca le 6 cifre mostrate ora dall'app."),
    "user.otp_throttled": (
        429,
        "Troppi codici errati: attenda qualche secondo e riprovi con il codice nuovo.",
    ),
    "user.otp_required": (
        409,
        "Per il suo ruolo la verifica in due passaggi è obbligatoria: non può disattivarla.",
    ),
    "user.bad_current_password": (422, "La password attuale non è corretta."),
    "user.bad_language": (422, "Lingua non disponibile: «{value}»."),
    "party.bad_tax_code": (422, "Codice fiscale non valido: «{value}»."),
    "party.bad_vat_number": (422, "Partita IVA non valida: «{value}»."),
    "party.missing_identity": (422, "Indicare codice fiscale o partita IVA del debitore."),
    "party.unknown_province": (422, "Provincia sconosciuta: «{value}»."),
    "party.bad_cap": (422, "CAP non valido: «{value}»."),
    "party.cap_province_mismatch": (422, "Il CAP «{cap}» non appartiene alla provincia {province}."),
    "party.bad_contact": (422, "Recapito non valido ({kind}): «{value}»."),
    "party.bad_percentage": (422, "Percentuale non valida: «{value}»."),
    "party.bad_dates": (422, "La data di fine precede la data di inizio."),
    "case.bad_amount": (
        422,
        "Importo non valido: «{value}». Deve essere positivo e con al massimo due decimali.",
    ),
    "case.negative_amount": (422, "L'importo non può essere negativo: «{value}»."),
    "case.due_before_issue": (422, "La scadenza ({due}) precede la data della fattura ({issued})."),
    "case.assignment_creditor_mismatch": (
        422,
        "Il lotto {assignment} appartiene a un altro committente: la pratica non può esservi collegata.",
    ),
    "case.duplicate_code": (409, "Esiste già una pratica con codice {value}."),
    "case.bad_transition": (409, "Passaggio di stato non consentito: da «{source}» a «{target}»."),
    "case.duplicate_claim": (409, "La fattura {value} è già presente nella pratica."),
    "case.bad_event": (422, "Evento di prescrizione non valido: «{value}»."),
    "ledger.unbalanced": (422, "Registrazione contabile non bilanciata."),
    "ledger.bad_account": (422, "Conto contabile sconosciuto: «{value}»."),
    "ledger.already_reversed": (409, "La registrazione è già stata stornata."),
    "worklist.closed": (409, "L'attività è già stata chiusa."),
    "worklist.bad_outcome": (422, "Esito non previsto: «{value}»."),
    "worklist.bad_date": (422, "Data non valida: «{value}». Scriva ad esempio 31/12/2026."),
    "worklist.bad_time": (422, "Ora non valida: «{value}». Scriva ad esempio 10:30."),
    "worklist.bad_amount": (
        422,
        "Importo non valido: «{value}». Scriva ad esempio 1.234,56 (al massimo due decimali).",
    ),
    "worklist.promise_above_due": (422, "La promessa di {amount} € supera il dovuto a oggi ({due} €)."),
    "worklist.promise_in_past": (
        422,
        "La data della promessa è già passata: indichi oggi o un giorno futuro.",
    ),
    "worklist.promise_beyond_horizon": (
        422,
        "La promessa va oltre il limite del mandato: al massimo {days} giorni, entro il {limit}.",
    ),
    "worklist.callback_in_past": (422, "Il richiamo del {date} alle {time} è già passato."),
    "worklist.callback_outside_window": (
        422,
        "Il richiamo del {date} alle {time} è fuori dalla fascia di contatto del mandato ({window}).",
    ),
    # Published rates (the messages come from recupero.law.rates, which knows the period)
    "law.bad_rate": (422, "Tasso non valido: «{value}»."),
    "law.rate_bad_kind": (422, "Tipo di tasso sconosciuto: «{kind}» (ecb oppure legal)."),
    "law.rate_bad_start": (422, "Data di decorrenza del tasso non valida."),
    "law.rate_no_source": (422, "Indicare la fonte del tasso (comunicato in Gazzetta Ufficiale)."),
    "law.rate_duplicate": (409, "Il tasso di questo periodo è già presente."),
    "law.rate_not_next": (409, "Il tasso si aggiunge per il periodo successivo all'ultimo presente."),
    "request.invalid": (422, "Richiesta non valida: {detail}."),
    "audit.bad_period": (422, "Periodo non valido: la data di fine precede la data di inizio."),
    "audit.register_too_long": (
        422,
        "Il periodo scelto supera {limit} operazioni: restringa le date per stampare il registro.",
    ),
    # intake: the batch's services (the per-row and per-file messages are still in imports/domain/errors.py)
    "import.bad_status": (422, "Operazione non possibile: il lotto è nello stato «{status}»."),
    "import.no_files": (422, "Nessun file caricato."),
    "import.nothing_to_write": (
        422,
        "Il lotto non contiene nulla da importare ({rejected} righe scartate, le altre già in archivio): "
        "correggere il file o la mappatura delle colonne e caricarlo di nuovo.",
    ),
    "import.profile_not_found": (422, "Profilo di importazione «{name}» non trovato per questo committente."),
    "import.bad_profile": (422, "Profilo di importazione non valido: {detail}"),
    "import.commit_failed": (
        422,
        "Importazione non riuscita: nessun dato è stato scritto. Dettaglio: {detail}",
    ),
    # the parser died (batch failed): nothing was written, the batch can be read again or discarded
    "import.parse.crashed": (
        422,
        "La lettura del file si è interrotta ({reason}). Nessun dato è stato importato: il lotto può essere "
        "riletto o annullato.",
    ),
    "import.parse.timeout": (
        422,
        "La lettura del file ha superato il tempo massimo di {seconds} secondi ed è stata interrotta. Nessun "
        "dato è stato importato: il lotto può essere riletto o annullato.",
    ),
    "import.parse.stalled": (
        422,
        "La lettura del lotto si è interrotta: il processo che la eseguiva non dà segni di vita da oltre "
        "{minutes} minuti. Nessun dato è stato importato: il lotto può essere riletto o annullato.",
    ),
    # Payments and bank statements (recupero/payments)
    "payments.bad_amount": (
        422,
        "Importo non valido: «{value}». Deve essere positivo, al massimo due decimali.",
    ),
    "payments.bad_method": (422, "Metodo di pagamento sconosciuto: «{value}»."),
    "payments.bad_date": (422, "Data di valuta non valida: «{value}» (non può essere futura)."),
    "payments.receipt_required": (422, "Per un pagamento in contanti indicare il numero della ricevuta."),
    "payments.unknown_claim": (422, "La fattura indicata dal debitore non appartiene alla pratica."),
    "payments.already_reversed": (409, "Il pagamento è già stato stornato."),
    "payments.entry_resolved": (409, "Il movimento è già stato trattato ({status})."),
    "payments.split_mismatch": (
        422,
        "La ripartizione ({total} €) non corrisponde all'importo del movimento ({amount} €).",
    ),
    "payments.split_other_debtor": (
        422,
        "Si può ripartire un movimento solo tra pratiche dello stesso debitore.",
    ),
    "payments.bad_iban": (422, "IBAN non valido: «{value}»."),
    "payments.statement_unreadable": (422, "Estratto conto non leggibile: {detail}."),
    "payments.statement_empty": (
        422,
        "Il file non contiene alcun estratto conto o avviso (camt.053 Stmt, camt.054 Ntfctn): rifiutato.",
    ),
    "payments.statement_unknown": (
        422,
        "Formato non riconosciuto ({detail}): sono accettati camt.053 (001.02-001.08), camt.054 e CBI XML.",
    ),
    "remittance.no_mandate": (
        422,
        "Il committente non ha alcun mandato: impossibile calcolare le provvigioni.",
    ),
    "remittance.no_rate": (422, "Il piano provvigionale non ha una percentuale per la fase {phase}."),
    "remittance.no_payout": (
        422,
        "Manca il conto di riversamento del committente (IBAN e dati di fatturazione): lo inserisca prima di emettere.",
    ),
    "remittance.no_agency_account": (422, "Mancano l'IBAN e i dati di fatturazione dell'agenzia."),
    "remittance.bad_iban": (422, "IBAN non valido: «{value}»."),
    "remittance.bad_plan": (422, "Piano provvigionale non valido: {detail}."),
    "remittance.bad_date": (422, "Data non valida: «{value}». Scriva ad esempio 31/12/2026."),
    "remittance.future_date": (422, "Non si rendiconta oltre oggi: la data {value} è futura."),
    "arrangement.already_active": (
        409,
        "La pratica ha già un accordo in corso ({kind}): per sostituirlo indichi esplicitamente la sostituzione.",
    ),
    "arrangement.bad_kind": (422, "Tipo di accordo non valido: «{value}» (promise, plan o settlement)."),
    "arrangement.bad_total": (422, "Importo non valido: «{value}». Deve essere positivo."),
    "arrangement.bad_down_payment": (
        422,
        "L'acconto di {value} € deve essere inferiore al totale ({total} €).",
    ),
    "arrangement.bad_instalments": (422, "Numero di rate non valido: «{value}»."),
    "arrangement.bad_discount": (422, "Sconto non valido: «{value}» (da 0 a meno di 100)."),
    "arrangement.bad_frequency": (422, "Periodicità non valida: «{value}» (mensile o settimanale)."),
    "arrangement.bad_date": (422, "Data non valida: «{value}». Scriva ad esempio 2026-12-31."),
    "arrangement.first_due_in_past": (422, "La prima rata ({value}) non può precedere la data dell'accordo."),
    "arrangement.date_in_past": (422, "La data indicata è già passata: indichi oggi o un giorno futuro."),
    "arrangement.promise_above_due": (422, "La promessa di {amount} € supera il dovuto a oggi ({due} €)."),
    "arrangement.promise_beyond_horizon": (
        422,
        "La promessa va oltre il limite del mandato: al massimo {days} giorni, entro il {limit}.",
    ),
    "arrangement.nothing_due": (409, "La pratica non ha importi dovuti: non c'è nulla da concordare."),
    "arrangement.case_closed": (409, "La pratica è chiusa ({status}): non si possono prendere accordi."),
    "arrangement.bad_transition": (
        409,
        "Passaggio di stato dell'accordo non consentito: da «{source}» a «{target}».",
    ),
    "arrangement.reason_required": (422, "Indichi la motivazione della decisione."),
    "arrangement.offer_expired": (410, "Il termine per accettare questo riepilogo è scaduto il {deadline}."),
    "arrangement.offer_used": (409, "Questo riepilogo è già stato accettato il {at}."),
    "arrangement.offer_not_active": (409, "L'accordo di questo riepilogo non è più in corso ({status})."),
    "arrangement.limit.no_band": (422, "Nessuna fascia del mandato copre l'importo di {amount} €."),
    "arrangement.limit.max_instalments": (422, "Rate {value}: il mandato ne consente al massimo {limit}."),
    "arrangement.limit.max_months": (
        422,
        "Durata {value} mesi: il mandato consente al massimo {limit} mesi.",
    ),
    "arrangement.limit.min_instalment": (422, "Rata di {value} €: il mandato richiede almeno {limit} €."),
    "arrangement.limit.min_down_payment": (
        422,
        "Acconto di {value} €: il mandato richiede almeno {limit} €.",
    ),
    "arrangement.limit.max_discount": (
        422,
        "Sconto del {value}%: il mandato consente al massimo il {limit}%.",
    ),
    "arrangement.limit.settlement_instalments": (
        422,
        "Stralcio in {value} rate: il mandato ne consente al massimo {limit}.",
    ),
    # The debtor's own page: what they do there (issue 15, part 2)
    "arrangement.self_service.kind": (
        422,
        "Dalla pagina personale si può proporre un piano di rientro o una data di pagamento.",
    ),
    "arrangement.self_service.beyond": (
        422,
        "La proposta va oltre quanto si può concordare online ({details}). Può chiedere di essere richiamato: "
        "un operatore valuterà con lei un piano diverso.",
    ),
    "arrangement.self_service.promise_open": (
        409,
        "C'è già un impegno in corso per questa pratica ({kind}): per cambiarlo chieda di essere richiamato.",
    ),
    "debtor.bad_channel": (422, "Canale non previsto: «{value}»."),
    "debtor.channel_required": (
        422,
        "Il canale «{channel}» serve alle comunicazioni previste dalla legge e non si può rifiutare.",
    ),
    "debtor.bad_window": (
        422,
        "Fascia oraria non valida: indichi un giorno e un orario tra {start} e {end} in cui si può chiamare.",
    ),
    "debtor.callback_open": (
        409,
        "Una richiesta di essere richiamato è già in attesa per il {date}: la chiameremo nella fascia scelta.",
    ),
    "debtor.text_too_long": (422, "Il testo supera i {limit} caratteri."),
    # Disputes, the verification pack and the collector's desk (issue 12)
    "dispute.already_open": (409, "La pratica {case} ha già una contestazione aperta."),
    "dispute.closed": (409, "La contestazione è già chiusa."),
    "dispute.not_decided": (409, "La contestazione non è ancora decisa: non c'è una risposta da inviare."),
    "dispute.bad_transition": (
        409,
        "Passaggio non consentito per la contestazione: da «{source}» a «{target}».",
    ),
    "dispute.bad_reason": (422, "Motivo di contestazione non previsto: «{value}»."),
    "dispute.deadline_past": (422, "La scadenza per la risposta ({date}) è già passata."),
    "dispute.document_empty": (422, "Il documento «{name}» è vuoto."),
    "dispute.document_too_large": (422, "Il documento «{name}» supera {limit} MB."),
    "dispute.document_bad_type": (
        422,
        "Il documento «{name}» non è un PDF, un JPEG o un PNG: si accettano solo questi formati.",
    ),
    "dispute.too_many_documents": (422, "Una contestazione accoglie al massimo {limit} documenti."),
    "dispute.reason_required": (422, "Scriva la motivazione della decisione: è la risposta al debitore."),
    "dispute.bad_reduction": (
        422,
        "Riduzione non valida: «{value}». Indichi un importo positivo fino al capitale dovuto ({max} €).",
    ),
    "desk.locked": (
        409,
        "L'attività è aperta da {user} fino alle {until}: la lavori un operatore alla volta.",
    ),
    "desk.team_name_taken": (409, "Esiste già una squadra «{name}»."),
    "desk.bad_rule": (422, "Regola di assegnazione non valida: {detail}."),
    "desk.bad_assignee": (422, "Assegnatario non valido: scelga un operatore o una squadra dell'agenzia."),
    "desk.nothing_selected": (422, "Nessuna attività aperta corrisponde ai filtri scelti."),
    "desk.guard": (409, "Comunicazione non inviata: {reason}."),
    "desk.channel_refused": (409, "Il debitore ha chiesto di non essere contattato per «{channel}»."),
    "desk.no_address": (422, "Il debitore non ha un recapito valido per il canale «{channel}»."),
    "desk.bad_template": (422, "Modello non previsto per il canale scelto: «{value}»."),
    "access.invalid": (404, "Collegamento non valido: controlli di averlo copiato per intero dalla lettera."),
    "access.closed": (
        410,
        "Questo collegamento è scaduto o è stato sostituito: usi quello dell'ultima comunicazione ricevuta o "
        "contatti l'agenzia.",
    ),
    "access.locked": (
        423,
        "Collegamento bloccato dopo troppi tentativi errati: contatti l'agenzia per riaprirlo.",
    ),
    "access.wrong": (422, "Codice errato: le restano {left} tentativi."),
    "access.throttled": (
        429,
        "Troppi tentativi errati da questo indirizzo: riprovi più tardi o contatti l'agenzia.",
    ),
    "access.no_contact": (
        422,
        "Nessun telefono o e-mail verificato a cui inviare il codice: usi il codice fiscale o contatti l'agenzia.",
    ),
    "access.code_recent": (
        429,
        "Un codice è appena stato inviato: attenda {seconds} secondi prima di chiederne un altro.",
    ),
    "access.code_not_sent": (
        424,
        "Non siamo riusciti a inviare il codice: riprovi tra poco o usi il codice fiscale.",
    ),
    "payments.epc_invalid": (422, "Il codice QR di pagamento non può contenere questo bonifico: {reason}."),
    "payments.nothing_due": (409, "Non risulta nulla da pagare su questa pratica."),
    "payments.card_unavailable": (
        424,
        "Il pagamento con carta non è disponibile in questo momento: riprovi più tardi o paghi con bonifico.",
    ),
    "access.session_expired": (401, "La sessione è scaduta per inattività: riapra il collegamento."),
    "reporting.token_needs_creditor": (403, "Solo un utente del committente può creare token API."),
    "reporting.token_name": (422, "Dia un nome al token (al massimo 80 caratteri)."),
    "reporting.webhook_url": (422, "Indirizzo del webhook non valido: serve un URL http(s) completo."),
    "reporting.webhook_events": (422, "Scelga almeno un evento tra: {kinds}."),
    "case.message_body": (422, "Scriva il messaggio (al massimo {limit} caratteri)."),
    "reporting.report_day": (422, "Giorno del mese non valido: scelga un giorno da 1 a 28."),
    "reporting.report_recipients": (
        422,
        "Scelga almeno un destinatario tra gli utenti del committente con un indirizzo e-mail.",
    ),
    "reporting.report_needs_creditor": (403, "Solo un utente del committente può programmare il report."),
    "reporting.push_needs_creditor": (
        403,
        "Solo un utente del committente può inviare dati dal suo sistema.",
    ),
    "reporting.report_failed": (422, "Il report mensile non è stato composto: {detail}."),
    "reporting.push_case": (404, "Pratica «{case}» non trovata tra quelle del committente."),
}

_STATUS_BY_PREFIX = {"auth": 403, "tenant": 403}


def message_for(code: str, **params: Any) -> str:
    """The message of `code` in the active language (Italian when not translated); unknown params stay as
    placeholders."""
    template = translate(CATALOGUE[code][1]) if code in CATALOGUE else code
    return _format(template, params)


class RecuperoError(Exception):
    """The base of every error with a stable code. `message` is the catalogue's in the active language, or given:
    a message marked with `core.domain.i18n.gettext_lazy("… {param} …")` is translated and filled with the
    params; any other given text is kept as it is (it may hold user input: never used as a template)."""

    def __init__(self, code: str, message: str | None = None, **params: Any) -> None:
        self.code = code
        self.params = params
        if isinstance(message, LazyText):  # marked (gettext_lazy): translated, then filled with the params
            message = _format(translate(message), params)
        self.message = message or message_for(code, **params)
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **{k: str(v) for k, v in self.params.items()}}


class DomainError(RecuperoError):
    """A business rule refused the request; nothing was changed."""


def _format(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def http_status(exc: Exception) -> int:
    code = getattr(exc, "code", "")
    if code in CATALOGUE:
        return CATALOGUE[code][0]
    return _STATUS_BY_PREFIX.get(code.split(".")[0], 422)


def error_payload(exc: DomainError | LawError) -> dict[str, Any]:
    return {"code": exc.code, "message": exc.message, "params": {k: str(v) for k, v in exc.params.items()}}


def from_law(exc: LawError, code: str | None = None) -> DomainError:
    """Re-raise a law error under a platform code (e.g. codes.bad_tax_code -> party.bad_tax_code)."""
    return DomainError(code or exc.code, None if code else exc.message, **exc.params)
