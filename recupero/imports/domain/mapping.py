"""Mapping a creditor's columns onto the fields of a normalized affido row.

Each creditor's software names columns its own way ("Cod. Fiscale", "CF/PIVA", "Importo residuo"): we suggest
a mapping from known names, the consultant corrects it once, and the corrected `MappingProfile` is stored (as
JSON by the lead) and reused for every later file of that creditor.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

CLAIM_TYPES = ("ordinary", "periodic", "electricity", "gas", "water", "telecom")
DEBTOR_TYPES = ("consumer", "business")

# Target fields with the header names creditors use for them, already folded (see `fold`). Order matters: the
# more specific names come first so that "codice fiscale cliente" is a tax code, not a case reference.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "case_reference": (
        "codice cliente",
        "cod cliente",
        "codice pratica",
        "id pratica",
        "rif pratica",
        "riferimento pratica",
        "posizione",
        "codice posizione",
        "numero cliente",
        "id cliente",
        "customer code",
        "customer id",
        "account number",
        "case reference",
        "pratica",
    ),
    "debtor_type": (
        "tipo debitore",
        "tipo cliente",
        "tipologia cliente",
        "persona fisica giuridica",
        "debtor type",
        "customer type",
        "tipo soggetto",
    ),
    "tax_code": (
        "codice fiscale",
        "cod fiscale",
        "cod fisc",
        "cf",
        "c f",
        "codfisc",
        "codicefiscale",
        "tax code",
        "fiscal code",
        "cf piva",
        "cf p iva",
    ),
    "vat_number": (
        "partita iva",
        "p iva",
        "piva",
        "part iva",
        "p i",
        "vat",
        "vat number",
        "vat no",
        "partitaiva",
        "numero partita iva",
    ),
    "company_name": (
        "ragione sociale",
        "denominazione",
        "rag sociale",
        "company",
        "company name",
        "business name",
        "societa",
        "intestatario",
        "nominativo",
    ),
    "surname": ("cognome", "surname", "last name", "family name"),
    "name": ("nome", "first name", "given name", "name"),
    "address": (
        "indirizzo",
        "via",
        "indirizzo residenza",
        "indirizzo fornitura",
        "address",
        "street",
        "indirizzo sede",
        "recapito",
    ),
    "cap": ("cap", "c a p", "codice postale", "zip", "zip code", "postal code", "postcode"),
    "municipality": ("comune", "citta", "localita", "comune residenza", "city", "town", "municipality"),
    "province": ("provincia", "prov", "pr", "sigla provincia", "province", "county"),
    "country": ("nazione", "paese", "stato", "country", "nation"),
    "phone": (
        "telefono",
        "tel",
        "telefono fisso",
        "recapito telefonico",
        "phone",
        "telephone",
        "phone number",
    ),
    "mobile": ("cellulare", "cell", "telefono cellulare", "mobile", "mobile phone", "cellphone", "tel cell"),
    "email": ("email", "e mail", "mail", "indirizzo email", "posta elettronica", "e mail address"),
    "pec": ("pec", "indirizzo pec", "posta elettronica certificata", "email pec", "mail pec"),
    "invoice_number": (
        "numero fattura",
        "nr fattura",
        "n fattura",
        "num fattura",
        "numero documento",
        "nr documento",
        "n documento",
        "num documento",
        "numero doc",
        "nr doc",
        "fattura",
        "documento",
        "invoice number",
        "invoice no",
        "invoice",
        "document number",
        "bolletta",
        "numero bolletta",
    ),
    "invoice_date": (
        "data fattura",
        "data documento",
        "data emissione",
        "data doc",
        "invoice date",
        "document date",
        "issue date",
        "data bolletta",
    ),
    "due_date": (
        "data scadenza",
        "scadenza",
        "data scad",
        "scad",
        "due date",
        "scadenza fattura",
        "data scadenza fattura",
        "maturity",
    ),
    "amount": (
        "importo",
        "importo fattura",
        "importo originario",
        "importo documento",
        "totale",
        "totale fattura",
        "importo totale",
        "amount",
        "total",
        "invoice amount",
        "original amount",
    ),
    "outstanding": (
        "residuo",
        "importo residuo",
        "saldo",
        "insoluto",
        "importo insoluto",
        "scoperto",
        "da pagare",
        "outstanding",
        "balance",
        "open amount",
        "amount due",
        "residual",
    ),
    "claim_type": ("tipo credito", "tipologia credito", "tipo fornitura", "servizio", "claim type", "tipo"),
    "supply_point": (
        "pod",
        "pdr",
        "pod pdr",
        "punto di prelievo",
        "punto di riconsegna",
        "codice pod",
        "codice pdr",
        "supply point",
        "utenza",
    ),
    "contract_reference": (
        "contratto",
        "numero contratto",
        "codice contratto",
        "rif contratto",
        "contract",
        "contract number",
        "ordine",
        "rif ordine",
    ),
    "description": ("descrizione", "causale", "oggetto", "description", "details"),
    "supply_active": (
        "fornitura attiva",
        "stato fornitura",
        "stato utenza",
        "utenza attiva",
        "contratto attivo",
        "stato contratto",
        "supply active",
        "supply status",
    ),
    "first_invoice_default": (
        "prima fattura insoluta",
        "prima fattura",
        "insoluto prima fattura",
        "first invoice default",
        "first invoice",
    ),
    "iban": ("iban", "codice iban", "iban debitore", "conto"),
    "notes": ("note", "annotazioni", "commenti", "notes", "comments", "remarks"),
    # the invoice a credit note (a negative row) reduces; without it, the row's own invoice number
    "linked_invoice": (
        "fattura collegata",
        "fattura di riferimento",
        "rif fattura",
        "riferimento fattura",
        "fattura stornata",
        "fattura origine",
        "linked invoice",
        "related invoice",
    ),
}

FIELDS: tuple[str, ...] = tuple(SYNONYMS)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Accent-, case- and punctuation-insensitive form of a header: 'P.IVA' -> 'p iva', 'Città' -> 'citta'."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_WORD.sub(" ", ascii_text).strip()


_EXACT: dict[str, str] = {}
for _field, _names in SYNONYMS.items():
    for _name in _names:
        _EXACT.setdefault(_name, _field)
_EXACT.update({"e mail": "email", "p iva": "vat_number"})


def match_header(header: str) -> str | None:
    """The field a header names, by exact folded name, then by a known name contained in it (word-wise)."""
    folded = fold(header)
    if folded in _EXACT:
        return _EXACT[folded]
    words = f" {folded} "
    best: tuple[int, str] | None = None
    for name, target in _EXACT.items():
        if len(name) >= 5 and f" {name} " in words and (best is None or len(name) > best[0]):
            best = (len(name), target)
    return best[1] if best else None


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """field -> header for every header we recognise; the first header wins when two name the same field."""
    result: dict[str, str] = {}
    for header in headers:
        target = match_header(header)
        if target and target not in result:
            result[target] = header
    return result


def header_score(cells: list[object]) -> float:
    """How much a row looks like a header: share of non-empty text cells naming a known field."""
    texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    if len(texts) < 2:
        return 0.0
    known = sum(1 for t in texts if not _looks_numeric(t) and match_header(t))
    return known / max(len(texts), 3)


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[\d.,/\-\s€]+", text))


@dataclass(slots=True)
class MappingProfile:
    """How to read one creditor's files. `columns` maps a header of the file to a target field."""

    columns: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None  # strftime pattern, e.g. "%d/%m/%Y"; None = detect
    decimal_separator: str | None = None  # "," or "."; None = detect per column
    default_claim_type: str = "ordinary"
    default_debtor_type: str | None = None  # "consumer" | "business"; None = from the codes
    default_country: str = "IT"
    required: tuple[str, ...] = ("amount",)

    @classmethod
    def suggest(cls, headers: list[str], **options: Any) -> MappingProfile:
        return cls(columns={h: f for f, h in suggest_mapping(headers).items()}, **options)

    def field_to_header(self) -> dict[str, str]:
        return {target: header for header, target in self.columns.items() if target in SYNONYMS}

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["required"] = list(self.required)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MappingProfile:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "required" in known:
            known["required"] = tuple(known["required"])
        profile = cls(**known)
        profile.check()
        return profile

    def check(self) -> None:
        unknown = sorted(set(self.columns.values()) - set(FIELDS))
        if unknown:
            raise ValueError(f"Campi di destinazione sconosciuti: {', '.join(unknown)}")
        if self.decimal_separator not in (None, ",", "."):
            raise ValueError("Separatore decimale non valido: usare ',' o '.'")
        if self.default_claim_type not in CLAIM_TYPES:
            raise ValueError(f"Tipo di credito sconosciuto: {self.default_claim_type}")
        if self.default_debtor_type not in (None, *DEBTOR_TYPES):
            raise ValueError(f"Tipo di debitore sconosciuto: {self.default_debtor_type}")


@dataclass(frozen=True, slots=True)
class Requirement:
    """What the intake needs of a row, which fields give it, and what stands in when none is mapped."""

    label: str
    fields: tuple[str, ...]  # any one of them gives it
    required: bool  # True: a row without it is refused
    stand_in: str  # what is used instead (or why the row is refused)


# Shown on the mapping page (issue 10: a newcomer must see what is required before anything is written). The
# rules themselves live in validate.py (COMMIT_REQUIRED, missing_identity) and planning.prepare.
REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("Importo", ("amount",), True, "nessun sostituto: la riga viene scartata"),
    Requirement("Numero fattura", ("invoice_number",), True, "nessun sostituto: la riga viene scartata"),
    Requirement("Data fattura", ("invoice_date",), True, "nessun sostituto: la riga viene scartata"),
    Requirement(
        "Debitore (cognome e nome o ragione sociale)",
        ("surname", "name", "company_name"),
        True,
        "nessun sostituto: la riga viene scartata",
    ),
    Requirement(
        "Codice fiscale o partita IVA",
        ("tax_code", "vat_number"),
        False,
        "nome, indirizzo e paese identificano il debitore presso questo committente (senza indirizzo la riga "
        "viene scartata)",
    ),
    Requirement(
        "Riferimento pratica",
        ("case_reference",),
        False,
        "una pratica per debitore in questo affido («codice affido/codice fiscale»)",
    ),
    Requirement("Residuo", ("outstanding",), False, "l'importo della fattura"),
    Requirement(
        "Scadenza", ("due_date",), False, "30 giorni dalla data della fattura (art. 4 D.Lgs. 231/2002)"
    ),
    Requirement("Nazione", ("country",), False, "Italia (paese predefinito del profilo)"),
    Requirement(
        "Fattura collegata",
        ("linked_invoice",),
        False,
        "una riga negativa riduce la fattura con il suo stesso numero",
    ),
)


def requirements(profile: MappingProfile) -> list[dict[str, Any]]:
    """Each requirement with the file's columns that give it under `profile` (none: its stand-in applies)."""
    by_field = profile.field_to_header()
    return [
        {
            "label": r.label,
            "required": r.required,
            "columns": [by_field[f] for f in r.fields if f in by_field],
            "stand_in": r.stand_in,
        }
        for r in REQUIREMENTS
    ]
