"""Error codes of portfolio intake and their Italian messages, in one place.

Two kinds: `IntakeError` refuses a whole file (hostile, too large, unreadable); `RowError` is one problem in
one field of one row and never stops the rest of the file. Codes are stable: the lead's services and the
creditor's error report rely on them; messages are Italian because the creditor reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"

MESSAGES: dict[str, str] = {
    # whole file
    "import.file_too_large": "Il file supera la dimensione massima consentita ({limit} byte).",
    "import.file_empty": "Il file è vuoto.",
    "import.unknown_format": (
        "Formato del file non riconosciuto: sono accettati CSV, XLSX, XML FatturaPA, P7M e ZIP."
    ),
    "import.row_too_large": "La riga {row} supera la dimensione massima consentita ({limit} caratteri).",
    "import.too_many_rows": "Il file supera il numero massimo di righe ({limit}).",
    "import.csv_malformed": "Il file CSV non è leggibile: {detail}.",
    "import.no_header": "Riga di intestazione non trovata nelle prime {limit} righe.",
    "import.xlsx_malformed": "Il file Excel non è leggibile: {detail}.",
    "import.sheet_not_found": "Foglio «{sheet}» non trovato nel file Excel.",
    "import.xml_hostile": "Il file XML contiene una dichiarazione DOCTYPE o entità: rifiutato per sicurezza.",
    "import.xml_malformed": "Il file XML non è ben formato: {detail}.",
    "import.zip_bomb": "L'archivio ZIP supera i limiti di sicurezza ({detail}): rifiutato.",
    "import.zip_malformed": "L'archivio ZIP non è leggibile: {detail}.",
    "import.p7m_malformed": "Il file firmato P7M non è leggibile: {detail}.",
    "import.file.encoding": (
        "Codifica non supportata ({detail}): salvare il file come CSV UTF-8 (o Excel .xlsx) e caricarlo di nuovo."
    ),
    "import.file.too_many_columns": "Il file ha {count} colonne: il massimo consentito è {limit}.",
    "import.file.too_many_cells": (
        "Il file ha troppe celle ({columns} colonne per oltre {rows} righe): il massimo è {limit} celle."
    ),
    "import.file.xlsx_dimension": (
        "Il file Excel dichiara un'area di {rows} righe per {columns} colonne ({ref}), oltre i limiti di "
        "sicurezza ({limit} celle): rifiutato senza leggerlo."
    ),
    "import.file.sheet_too_large": (
        "Il foglio Excel arriva a {rows} righe per {columns} colonne ({cells} celle): il massimo è {limit} celle."
    ),
    "import.file.sheet_sparse": (
        "Il foglio Excel contiene solo {cells} celle ma si estende fino alla riga {rows} e alla colonna {columns}: "
        "eliminare le righe e le colonne vuote in fondo al foglio e caricarlo di nuovo."
    ),
    "import.file.shared_strings": (
        "Il file Excel contiene troppo testo (tabella delle stringhe oltre {limit} byte): rifiutato per sicurezza."
    ),
    "import.fatturapa.not_invoice": "Il documento XML non è una FatturaPA (elemento radice «{root}»).",
    "import.fatturapa.no_debtor": "Fattura senza cessionario/committente: manca il debitore.",
    "import.fatturapa.no_general_data": "Fattura senza DatiGenerali: mancano numero, data e tipo documento.",
    # warnings about a whole file or invoice
    "import.seller_mismatch": (
        "Il cedente/prestatore (P.IVA {found}) non è il creditore atteso (P.IVA {expected})."
    ),
    "import.csv_ragged": (
        "Alcune righe hanno più campi dell'intestazione: i campi in eccesso sono stati ignorati."
    ),
    "import.fatturapa.incomplete": "Fattura incompleta: {detail}.",
    "import.fatturapa.total_computed": "Importo totale assente: calcolato dal riepilogo IVA.",
    "import.zip_member_skipped": "File «{name}» nell'archivio ignorato: non è una fattura XML o P7M.",
    "import.duplicate_across_files": "{count} righe ripetute in più file del lotto: considerate una sola volta.",
    "import.case_reference_derived": (
        "{count} righe senza riferimento pratica: una pratica per debitore in questo affido, individuata dal "
        "codice fiscale, dalla partita IVA o, in mancanza, da nome, indirizzo e paese."
    ),
    "import.case_closed": "{count} pratiche già chiuse o restituite: le loro righe non modificano nulla.",
    "import.instalments": (
        "{count} fatture in più rate ({parts} rate): una fattura ciascuna, con le sue rate e le loro scadenze "
        "(interessi e prescrizione per rata)."
    ),
    "import.document_zero": "{count} documenti di importo zero: non importati (non c'è nulla da recuperare).",
    "import.credit_note_applied": (
        "{count} note di credito (totale {total} €) riducono le fatture collegate, presenti nel file o già in "
        "archivio: registrate come note di credito sulla pratica, non come crediti."
    ),
    "import.credit_note_unmatched": (
        "{count} note di credito o righe negative senza fattura collegata nel file o in archivio: non importate."
    ),
    # one field of one row
    "import.row.missing_field": "Campo obbligatorio mancante.",
    "import.row.bad_tax_code": "Codice fiscale non valido: importato, identità del debitore da verificare.",
    "import.row.bad_vat_number": "Partita IVA non valida: importata, identità del debitore da verificare.",
    "import.row.unknown_country": "Paese non riconosciuto: usare il codice ISO (IT, DE, FR…) o il nome.",
    "import.row.bad_iban": "IBAN non valido.",
    "import.row.bad_phone": "Numero di telefono non valido.",
    "import.row.bad_email": "Indirizzo e-mail non valido.",
    "import.row.bad_cap": "CAP non valido (servono 5 cifre): indirizzo importato da verificare.",
    "import.row.unknown_province": "Provincia sconosciuta: indirizzo importato da verificare.",
    "import.row.cap_province_mismatch": (
        "Il CAP non appartiene alla provincia indicata (elenco ISTAT): indirizzo importato da verificare."
    ),
    "import.row.province_abolished": "Sigla di provincia soppressa: l'indirizzo è registrato nella provincia attuale.",
    "import.row.address_incomplete": (
        "Indirizzo italiano senza CAP o comune: non sarà registrato come recapito postale."
    ),
    "import.row.missing_identity": (
        "Debitore non identificabile: indicare codice fiscale, partita IVA o almeno nome e indirizzo."
    ),
    "import.row.credit_note": "Nota di credito: non si importa come fattura, va registrata come riduzione.",
    "import.row.debtor_conflict": "La stessa pratica compare con un altro debitore (riga {first}).",
    "import.row.bad_amount": "Importo non valido: usare un numero con al massimo due decimali.",
    "import.row.zero_amount": "L'importo deve essere maggiore di zero.",
    "import.row.negative_amount": "L'importo non può essere negativo.",
    "import.row.outstanding_exceeds_amount": "Il residuo supera l'importo originario.",
    "import.row.bad_date": "Data non valida: usare gg/mm/aaaa o aaaa-mm-gg.",
    "import.row.due_before_issue": "La data di scadenza precede la data del documento: importata, da verificare.",
    "import.row.duplicate": "Riga duplicata: stessa pratica, numero e data documento della riga {first}.",
    "import.row.bad_choice": "Valore non ammesso: {choices}.",
    "import.row.value_too_long": "Valore troppo lungo (massimo {limit} caratteri).",
    "import.row.nul_character": (
        "Il valore contiene un carattere nullo (NUL), non ammesso: ricontrollare la codifica del file."
    ),
}


def message(code: str, **params: Any) -> str:
    """The Italian message of `code`; unknown params stay as placeholders rather than crash a report."""
    template = MESSAGES[code]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


class IntakeError(ValueError):
    """A whole file is refused. `code` is stable (`import.zip_bomb`); `message` is Italian."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        self.message = message(code, **params)
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **{k: str(v) for k, v in self.params.items()}}


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one field of one row: enough for the creditor to find and fix it."""

    row: int
    field: str
    code: str
    message: str
    value: str = ""
    severity: str = ERROR

    @classmethod
    def of(
        cls, row: int, field: str, code: str, value: Any = "", severity: str = ERROR, **params: Any
    ) -> RowError:
        # the value goes to the preview's JSON (PostgreSQL refuses NUL there): NUL shown as its symbol ␀
        text = "" if value is None else str(value).replace("\x00", "\u2400")
        return cls(row, field, code, message(code, **params), text, severity)


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning about a whole file or invoice (seller mismatch, skipped member): reported only."""

    code: str
    message: str
    source: str = ""

    @classmethod
    def of(cls, code: str, source: str = "", **params: Any) -> Notice:
        return cls(code, message(code, **params), source)
