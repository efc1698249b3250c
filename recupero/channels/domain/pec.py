"""PEC receipts (*ricevute PEC*): read a receipt `.eml` into a `PecReceipt`.

Every receipt carries `daticert.xml` (DPR 68/2005, DM 2/11/2005): root `postacert` with `@tipo` and `@errore`,
`intestazione` (mittente, destinatari, oggetto) and `dati` (gestore-emittente, `data@zona` with `giorno`
dd/MM/yyyy and `ora` HH:mm:ss, identificativo, msgid, ricevuta@tipo, consegna, errore-esteso).

Reading order, most reliable first — each step that is skipped leaves a warning on the result:

1. `daticert.xml` parsed strictly (hardened lxml: no entities, no network, no DTD, no DOCTYPE at all);
2. the same bytes with lxml's `recover=True` (some providers emit daticert that is not well-formed);
3. the headers (`X-Ricevuta`, `X-Trasporto`, Subject) and the "Il giorno ... alle ore ..." line of the body.

The delivery date is kept as the Italian wall-clock time in Europe/Rome: the date that interrupts prescription
is the *Italian* calendar day of the receipt (LEGAL.md §3), so it is never taken after a conversion to UTC.
The caller keeps `raw` as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

from lxml import etree

from recupero.core.domain.i18n import gettext_lazy
from recupero.law.clock import ROME

from .errors import PecError

RECEIPT_TYPES = frozenset(
    {
        "accettazione",
        "non-accettazione",
        "presa-in-carico",
        "avvenuta-consegna",
        "posta-certificata",
        "errore-consegna",
        "preavviso-errore-consegna",
        "rilevazione-virus",
    }
)
ERROR_CODES = frozenset({"nessuno", "no-dest", "no-dominio", "virus", "altro"})
# A daticert is a few hundred bytes; anything this large is not one and is not worth parsing.
MAX_DATICERT_BYTES = 256 * 1024

# Subject prefixes fixed by the technical rules (DM 2/11/2005 allegato); longest first, since
# "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO" must win over "AVVISO DI MANCATA CONSEGNA".
_SUBJECT_TYPES: tuple[tuple[str, str], ...] = (
    ("AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO", "preavviso-errore-consegna"),
    ("AVVISO DI MANCATA CONSEGNA PER VIRUS", "errore-consegna"),
    ("AVVISO DI MANCATA CONSEGNA", "errore-consegna"),
    ("AVVISO DI NON ACCETTAZIONE", "non-accettazione"),
    ("PROBLEMA DI SICUREZZA", "rilevazione-virus"),
    ("ACCETTAZIONE", "accettazione"),
    ("PRESA IN CARICO", "presa-in-carico"),
    ("CONSEGNA", "avvenuta-consegna"),
    ("POSTA CERTIFICATA", "posta-certificata"),
)
_ERROR_TYPES = frozenset(
    {"non-accettazione", "errore-consegna", "preavviso-errore-consegna", "rilevazione-virus"}
)
_BODY_DATE = re.compile(r"(\d{2}/\d{2}/\d{4})\s+alle\s+ore\s+(\d{2}:\d{2}:\d{2})\s*\(([+-]\d{4})\)")
_ZONE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


Date = date  # the field `date` below shadows the type inside the class body


@dataclass(frozen=True)
class PecWarning:
    """Something read less reliably than it should be; `code` is stable, `message` Italian."""

    code: str
    message: str


@dataclass(frozen=True)
class PecRecipient:
    """A `destinatari` entry: `kind` is "certificato" (a PEC box) or "esterno" (an ordinary mailbox)."""

    address: str
    kind: str


@dataclass(frozen=True)
class PecReceipt:
    """A PEC receipt as read from its `.eml`.

    `message_id` is the Message-ID of *our* sent PEC that the receipt refers to (daticert `msgid`, else the
    `X-Riferimento-Message-ID` header), without angle brackets: it is the key to match the sent message.
    """

    type: str
    error: str
    date: datetime  # aware, Europe/Rome: the Italian wall-clock time of the event
    message_id: str | None
    riferimento_message_id: str | None
    receipt_message_id: str | None
    identificativo: str | None
    gestore_emittente: str | None
    mittente: str | None
    destinatari: tuple[PecRecipient, ...]
    consegna: str | None
    oggetto: str | None
    errore_esteso: str | None
    ricevuta_tipo: str | None  # completa | breve | sintetica (delivery receipts only)
    x_ricevuta: str | None
    x_trasporto: str | None
    source: str  # "daticert" | "daticert-recovered" | "headers"
    warnings: tuple[PecWarning, ...] = ()
    raw: bytes = field(default=b"", repr=False)

    @property
    def local_date(self) -> Date:
        """The Italian calendar day of the event (the day that counts for prescription)."""
        return self.date.date()

    @property
    def is_proof_of_receipt(self) -> bool:
        """True only for a clean delivery receipt to a certified box, read from daticert.

        An acceptance proves sending, not receipt; a delivery to an ordinary ("esterno") mailbox proves
        nothing (LEGAL.md §3). A receipt rebuilt from headers alone goes to a person for review instead.
        """
        if self.type != "avvenuta-consegna" or self.error != "nessuno" or self.source == "headers":
            return False
        external = (r for r in self.destinatari if r.kind == "esterno")
        return not any(_same_address(r.address, self.consegna) for r in external)


def _warn(warnings: list[PecWarning], code: str, message: str) -> None:
    warnings.append(PecWarning(code, message))


def parse_receipt(raw: bytes) -> PecReceipt:
    """Read a PEC receipt from the bytes of its `.eml`; raise `PecError` if it is not a PEC receipt."""
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise PecError("pec.not_a_receipt", gettext_lazy("Il file è vuoto o non è un messaggio di posta."))
    msg = BytesParser(policy=policy.default).parsebytes(bytes(raw))
    warnings: list[PecWarning] = []
    fields = _fields_from_daticert(msg, warnings)
    if fields is None:
        fields = _fields_from_headers(msg, warnings)
    return _build(msg, bytes(raw), fields, warnings)


# --- finding and reading daticert.xml -------------------------------------------------------------------


def _find_daticert(msg: Message) -> bytes | None:
    """The daticert.xml of the receipt itself, not of a message attached to it (postacert.eml)."""
    stack: list[Message] = [msg]
    while stack:
        part = stack.pop(0)
        if part.get_content_type() == "message/rfc822":
            continue  # the original message travels inside delivery receipts: its parts are not ours
        if part.is_multipart():
            stack.extend(part.get_payload())  # type: ignore[arg-type]
            continue
        if (part.get_filename() or "").lower() == "daticert.xml":
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else None
    return None


def _parse_xml(data: bytes, warnings: list[PecWarning]) -> tuple[etree._Element, str] | None:
    """Strict parse, then lenient; None if neither yields a `postacert` root."""
    if len(data) > MAX_DATICERT_BYTES:
        _warn(warnings, "pec.daticert_too_large", "Il file daticert.xml è troppo grande: ignorato.")
        return None
    if b"<!doctype" in data.lower():
        # A DOCTYPE is never legitimate in daticert and is the door to entity attacks: refuse, don't strip.
        _warn(warnings, "pec.daticert_doctype", "Il file daticert.xml contiene un DOCTYPE: ignorato.")
        return None
    for recover, source in ((False, "daticert"), (True, "daticert-recovered")):
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=recover
        )
        try:
            root = etree.fromstring(data, parser=parser)
        except etree.XMLSyntaxError:
            continue
        if root is not None and etree.QName(root).localname == "postacert":
            if recover:
                _warn(
                    warnings,
                    "pec.daticert_malformed",
                    "Il file daticert.xml non è ben formato: letto in modo tollerante.",
                )
            return root, source
    _warn(warnings, "pec.daticert_unreadable", "Il file daticert.xml non è leggibile.")
    return None


def _text(root: etree._Element, path: str) -> str | None:
    found = root.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _fields_from_daticert(msg: Message, warnings: list[PecWarning]) -> dict | None:
    data = _find_daticert(msg)
    if data is None:
        _warn(warnings, "pec.daticert_missing", "Il file daticert.xml manca nella ricevuta.")
        return None
    parsed = _parse_xml(data, warnings)
    if parsed is None:
        return None
    root, source = parsed
    data_el = root.find("dati/data")
    ricevuta = root.find("dati/ricevuta")
    return {
        "type": (root.get("tipo") or "").strip().lower(),
        "error": (root.get("errore") or "").strip().lower(),
        "giorno": _text(root, "dati/data/giorno"),
        "ora": _text(root, "dati/data/ora"),
        "zona": (data_el.get("zona") if data_el is not None else None),
        "msgid": _text(root, "dati/msgid"),
        "identificativo": _text(root, "dati/identificativo"),
        "gestore_emittente": _text(root, "dati/gestore-emittente"),
        "mittente": _text(root, "intestazione/mittente"),
        "destinatari": tuple(
            PecRecipient(el.text.strip(), (el.get("tipo") or "").strip().lower())
            for el in root.findall("intestazione/destinatari")
            if el.text and el.text.strip()
        ),
        "consegna": _text(root, "dati/consegna"),
        "oggetto": _text(root, "intestazione/oggetto"),
        "errore_esteso": _text(root, "dati/errore-esteso"),
        "ricevuta_tipo": ricevuta.get("tipo") if ricevuta is not None else None,
        "source": source,
    }


# --- falling back to headers ----------------------------------------------------------------------------


def _header(msg: Message, name: str) -> str | None:
    value = msg.get(name)
    return str(value).strip() or None if value is not None else None


def _type_from_headers(msg: Message) -> str | None:
    x_ricevuta = (_header(msg, "X-Ricevuta") or "").lower()
    if x_ricevuta in RECEIPT_TYPES:
        return x_ricevuta
    if (_header(msg, "X-Trasporto") or "").lower() == "posta-certificata":
        return "posta-certificata"
    subject = (_header(msg, "Subject") or "").upper()
    for prefix, kind in _SUBJECT_TYPES:
        if subject.startswith(prefix + ":"):
            return kind
    return None


def _body_date(msg: Message) -> tuple[str, str, str] | None:
    """The "Il giorno 15/11/2024 alle ore 18:21:03 (+0100)" line every provider writes in the text part."""
    body = msg.get_body(preferencelist=("plain",)) if isinstance(msg, EmailMessage) else None
    if body is None:
        return None
    match = _BODY_DATE.search(body.get_content())
    return match.groups() if match else None  # type: ignore[return-value]


def _fields_from_headers(msg: Message, warnings: list[PecWarning]) -> dict:
    kind = _type_from_headers(msg)
    if kind is None:
        raise PecError(
            "pec.not_a_receipt",
            gettext_lazy(
                "Il messaggio non è una ricevuta PEC: mancano il file daticert.xml e le intestazioni della PEC."
            ),
        )
    _warn(
        warnings,
        "pec.inferred_from_headers",
        "Tipo di ricevuta dedotto dalle intestazioni: verificare a mano.",
    )
    giorno, ora, zona = _body_date(msg) or (None, None, None)
    return {
        "type": kind,
        "error": "altro" if kind in _ERROR_TYPES else "nessuno",
        "giorno": giorno,
        "ora": ora,
        "zona": zona,
        "msgid": None,
        "identificativo": None,
        "gestore_emittente": None,
        "mittente": None,
        "destinatari": (),
        "consegna": None,
        "oggetto": None,
        "errore_esteso": None,
        "ricevuta_tipo": None,
        "source": "headers",
    }


# --- dates ----------------------------------------------------------------------------------------------


def _zone_offset(zona: str | None) -> timedelta | None:
    match = _ZONE.match((zona or "").strip())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return -delta if sign == "-" else delta


def italian_datetime(giorno: str, ora: str, zona: str | None, warnings: list[PecWarning]) -> datetime:
    """The wall-clock `giorno`/`ora` as an aware Europe/Rome datetime, checked against `zona`.

    When `zona` agrees with Rome's offset at that wall time (it does on every honest receipt) the wall time is
    kept as it is; `fold` picks the right hour when the clocks go back. A `zona` that disagrees describes
    another instant: convert that instant to Rome and warn. No step goes through UTC dates.
    """
    naive = datetime.strptime(f"{giorno} {ora}", "%d/%m/%Y %H:%M:%S")
    offset = _zone_offset(zona)
    if offset is None:
        _warn(warnings, "pec.zone_missing", "Fuso orario assente: si assume l'ora italiana.")
        return naive.replace(tzinfo=ROME)
    for fold in (0, 1):
        local = naive.replace(tzinfo=ROME, fold=fold)
        if local.utcoffset() == offset:
            return local
    _warn(
        warnings, "pec.zone_mismatch", f"Il fuso {zona} non è quello italiano a quell'ora: data convertita."
    )
    return naive.replace(tzinfo=timezone(offset)).astimezone(ROME)


def _event_datetime(msg: Message, fields: dict, warnings: list[PecWarning]) -> datetime:
    if fields["giorno"] and fields["ora"]:
        try:
            return italian_datetime(fields["giorno"], fields["ora"], fields["zona"], warnings)
        except ValueError:
            _warn(warnings, "pec.date_unreadable", "Data della ricevuta illeggibile nel daticert.")
    date_header = _header(msg, "Date")
    if date_header:
        try:
            parsed = parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            _warn(warnings, "pec.date_from_header", "Data presa dall'intestazione Date del messaggio.")
            return parsed.astimezone(ROME)
    raise PecError("pec.date_missing", gettext_lazy("La ricevuta PEC non riporta una data leggibile."))


# --- assembling -----------------------------------------------------------------------------------------


def _clean_id(value: str | None) -> str | None:
    """Message-IDs compare without angle brackets and surrounding blanks."""
    if not value:
        return None
    cleaned = value.strip().strip("<>").strip()
    return cleaned or None


def _same_address(left: str | None, right: str | None) -> bool:
    return bool(left and right) and left.strip().lower() == right.strip().lower()  # type: ignore[union-attr]


def _check_codes(fields: dict, warnings: list[PecWarning]) -> None:
    if fields["type"] not in RECEIPT_TYPES:
        raise PecError(
            "pec.not_a_receipt",
            gettext_lazy("Tipo di ricevuta PEC sconosciuto: «{tipo}»."),
            tipo=fields["type"],
        )
    if fields["error"] not in ERROR_CODES:
        _warn(warnings, "pec.error_unknown", f"Codice di errore sconosciuto: «{fields['error']}».")
        fields["error"] = "altro"


def _message_ids(msg: Message, fields: dict, warnings: list[PecWarning]) -> tuple[str | None, str | None]:
    from_xml = _clean_id(fields["msgid"])
    from_header = _clean_id(_header(msg, "X-Riferimento-Message-ID"))
    if from_xml and from_header and from_xml != from_header:
        _warn(warnings, "pec.msgid_mismatch", "Il msgid del daticert differisce da X-Riferimento-Message-ID.")
    return from_xml or from_header, from_header


def _build(msg: Message, raw: bytes, fields: dict, warnings: list[PecWarning]) -> PecReceipt:
    _check_codes(fields, warnings)
    when = _event_datetime(msg, fields, warnings)
    message_id, riferimento = _message_ids(msg, fields, warnings)
    return PecReceipt(
        type=fields["type"],
        error=fields["error"],
        date=when,
        message_id=message_id,
        riferimento_message_id=riferimento,
        receipt_message_id=_clean_id(_header(msg, "Message-ID")),
        identificativo=fields["identificativo"],
        gestore_emittente=fields["gestore_emittente"],
        mittente=fields["mittente"],
        destinatari=fields["destinatari"],
        consegna=fields["consegna"],
        oggetto=fields["oggetto"],
        errore_esteso=fields["errore_esteso"],
        ricevuta_tipo=fields["ricevuta_tipo"],
        x_ricevuta=_header(msg, "X-Ricevuta"),
        x_trasporto=_header(msg, "X-Trasporto"),
        source=fields["source"],
        warnings=tuple(warnings),
        raw=raw,
    )
