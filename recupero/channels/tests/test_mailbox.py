"""The PEC mailbox poller end to end over IMAP: a small IMAP4rev1 server on loopback holds the real receipts of
../shared/samples/pec/; `pec_poll` logs in, ingests every unseen message, marks each seen only once ingested
(a crash re-reads the rest), and a delivery receipt interrupts the prescription of its case."""

from __future__ import annotations

import datetime as dt
import re
import socketserver
import threading

import pytest

from recupero.channels import mailbox
from recupero.channels.models import Communication
from recupero.channels.tests.test_services import ARUBA_MSGID, SAMPLES, _pec_case, _queue
from recupero.ledger.position import case_position
from tests import portfolio as b

pytestmark = pytest.mark.django_db
RECEIPTS = [
    "oca_aruba_ricevuta_accettazione_IT03339130126_00009.eml",
    "oca_aruba_ricevuta_avvenuta_consegna_IT03339130126_00009.eml",
    "biagiot_ricevuta_accettazione.eml",
]


class Mailbox:
    def __init__(self, messages: list[bytes]) -> None:
        self.messages = messages
        self.seen: set[int] = set()
        self.logins: list[tuple[str, str]] = []


class IMAPHandler(socketserver.StreamRequestHandler):
    """The IMAP4rev1 commands imaplib sends for the poller: CAPABILITY, LOGIN, SELECT, SEARCH UNSEEN,
    FETCH n (BODY.PEEK[]), STORE n +FLAGS (\\Seen), LOGOUT."""

    box: Mailbox

    def reply(self, *lines: bytes) -> None:
        self.wfile.write(b"".join(line + b"\r\n" for line in lines))

    def handle(self) -> None:
        self.reply(b"* OK IMAP4rev1 test server ready")
        while line := self.rfile.readline():
            tag, command, *rest = line.decode().rstrip("\r\n").split(" ", 2)
            arg = rest[0] if rest else ""
            command = command.upper()
            if command == "CAPABILITY":
                self.reply(b"* CAPABILITY IMAP4rev1", f"{tag} OK CAPABILITY done".encode())
            elif command == "LOGIN":
                user, password = arg.split(" ", 1)
                self.box.logins.append((user.strip('"'), password.strip('"')))
                self.reply(f"{tag} OK LOGIN done".encode())
            elif command == "SELECT":
                self.reply(
                    f"* {len(self.box.messages)} EXISTS".encode(), f"{tag} OK [READ-WRITE] SELECT".encode()
                )
            elif command == "SEARCH":
                unseen = " ".join(
                    str(n) for n in range(1, len(self.box.messages) + 1) if n not in self.box.seen
                )
                self.reply(f"* SEARCH {unseen}".rstrip().encode(), f"{tag} OK SEARCH done".encode())
            elif command == "FETCH":
                num = int(arg.split(" ", 1)[0])
                body = self.box.messages[num - 1]
                self.wfile.write(f"* {num} FETCH (BODY[] {{{len(body)}}}\r\n".encode() + body + b")\r\n")
                self.reply(f"{tag} OK FETCH done".encode())
            elif command == "STORE":
                num = int(arg.split(" ", 1)[0])
                assert re.fullmatch(r"\d+ \+FLAGS \(?\\Seen\)?", arg), arg
                self.box.seen.add(num)
                self.reply(f"* {num} FETCH (FLAGS (\\Seen))".encode(), f"{tag} OK STORE done".encode())
            elif command == "LOGOUT":
                self.reply(b"* BYE", f"{tag} OK LOGOUT done".encode())
                return
            else:
                self.reply(f"{tag} BAD {command}".encode())


@pytest.fixture
def imap(settings):
    box = Mailbox([(SAMPLES / name).read_bytes() for name in RECEIPTS])
    handler = type("Handler", (IMAPHandler,), {"box": box})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.RECUPERO_PEC_IMAP = {
        "host": "127.0.0.1",
        "port": server.server_address[1],
        "username": "recupero@pec.example.it",
        "password": "segreta",
        "ssl": False,
        "mailbox": "INBOX",
    }
    yield box
    server.shutdown()
    server.server_close()


def test_poll_ingests_every_unseen_receipt_once_and_interrupts_prescription(imap):
    t = b.tenant()
    c = _pec_case(t)
    comm = _queue(t, c, "pec", "formal_demand", "pec")
    Communication.objects.filter(pk=comm.pk).update(status="sent", provider_message_id=ARUBA_MSGID)

    results = mailbox.pec_poll(tenant=t)

    assert imap.logins == [("recupero@pec.example.it", "segreta")]
    assert [(r.type, r.case, r.status) for r in results] == [
        ("accettazione", c.code, "accepted"),
        ("avvenuta-consegna", c.code, "delivered"),
        ("accettazione", None, None),  # a receipt for a message that is not ours: kept as evidence only
    ]
    assert results[1].date == "2018-11-13T16:39:27+01:00" and results[1].interrupted_prescription
    assert imap.seen == {1, 2, 3}
    deadline = case_position(case=c, today=dt.date(2019, 1, 1)).earliest_prescription.deadline
    assert deadline == dt.date(2020, 11, 13)
    assert mailbox.pec_poll(tenant=t) == []  # nothing unseen: nothing read again


def test_a_crash_leaves_the_rest_unseen_and_the_next_poll_completes(imap, monkeypatch):
    t = b.tenant()
    real = mailbox.pec_ingest
    calls = []

    def dying(*, tenant, actor, raw):
        calls.append(raw[:20])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(tenant=tenant, actor=actor, raw=raw)

    monkeypatch.setattr(mailbox, "pec_ingest", dying)
    with pytest.raises(RuntimeError):
        mailbox.pec_poll(tenant=t)
    assert imap.seen == {1}  # the second was not marked: it will be read again
    monkeypatch.setattr(mailbox, "pec_ingest", real)
    assert [r.type for r in mailbox.pec_poll(tenant=t)] == ["avvenuta-consegna", "accettazione"]
    assert imap.seen == {1, 2, 3}


def test_no_mailbox_configured_polls_nothing(settings):
    settings.RECUPERO_PEC_IMAP = {"host": ""}
    assert mailbox.pec_poll(tenant=b.tenant()) == []
