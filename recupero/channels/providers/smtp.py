"""E-mail and PEC over SMTP (smtplib): the same adapter, two configurations (a PEC provider is an SMTP relay
with a certified mailbox). The Message-ID is ours, so receipts and bounces can be matched back to the message."""

from __future__ import annotations

import smtplib
import ssl
from email.header import Header
from email.message import Message as EmailMsg
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid

from recupero.channels.providers.base import Message, ProviderResult


class SmtpProvider:
    name = "smtp"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 25,
        username: str = "",
        password: str = "",
        use_tls: bool = False,
        use_ssl: bool = False,
        sender: str = "noreply@localhost",
        timeout: float = 30.0,
        **_ignored: object,
    ) -> None:
        self.host, self.port, self.username, self.password = host, int(port), username, password
        self.use_tls, self.use_ssl, self.sender, self.timeout = use_tls, use_ssl, sender, timeout

    def build(self, message: Message) -> EmailMsg:
        """The MIME message. The compat32 classes (MIMEText) are ~4× faster to build than EmailMessage with
        the modern policy, and produce the same wire format for a UTF-8 text body and a PDF attachment."""
        text = MIMEText(message.body, "plain", "utf-8")
        mail: EmailMsg = text
        if message.attachments:
            mail = MIMEMultipart()
            mail.attach(text)
            for a in message.attachments:
                main, _, sub = a.mimetype.partition("/")
                part = (
                    MIMEApplication(a.content, _subtype=sub)
                    if main == "application"
                    else MIMEText(a.content.decode())
                )
                part.add_header("Content-Disposition", "attachment", filename=a.filename)
                mail.attach(part)
        mail["From"] = self.sender
        mail["To"] = message.to
        subject = message.subject
        mail["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or "localhost")
        return mail

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.use_tls:
            client.starttls(context=ssl.create_default_context())
        return client

    def send(self, message: Message) -> ProviderResult:
        return self.send_many([message])[0]

    def send_many(self, messages: list[Message]) -> list[ProviderResult]:
        """One connection for a whole chunk: the SMTP handshake is most of the cost of a short message."""
        out: list[ProviderResult] = []
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password)
                for message in messages:
                    mail = self.build(message)
                    try:
                        client.send_message(mail)
                        out.append(
                            ProviderResult(True, mail["Message-ID"].strip("<>"), "sent", provider=self.name)
                        )
                    except smtplib.SMTPRecipientsRefused as exc:
                        out.append(ProviderResult(False, error=str(exc)[:300], provider=self.name))
        except (OSError, smtplib.SMTPException) as exc:
            out += [ProviderResult(False, error=f"smtp: {exc}"[:300], provider=self.name)] * (
                len(messages) - len(out)
            )
        return out
