"""A small SMTP server for tests (the standard library lost `smtpd`): real sockets, real protocol.

It speaks enough of RFC 5321 for `smtplib` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps
each message's envelope and raw bytes, so a test reads exactly what a mail server would get.
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Mailbox:
    messages: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)


class _Session(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        mailbox: Mailbox = self.server.mailbox  # type: ignore[attr-defined]
        sender, recipients = "", []
        self._say("220 localhost test SMTP")
        for raw in self.rfile:
            line = raw.decode("ascii", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self._say("250-localhost")
                self._say("250 8BITMIME")
            elif verb == "HELO":
                self._say("250 localhost")
            elif verb == "MAIL":
                sender, recipients = line.split(":", 1)[1].strip().strip("<>").split(">")[0], []
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 end with <CRLF>.<CRLF>")
                lines = []
                for body_line in self.rfile:
                    if body_line in (b".\r\n", b".\n"):
                        break
                    lines.append(body_line[1:] if body_line.startswith(b"..") else body_line)
                mailbox.messages.append(Received(sender, recipients, b"".join(lines)))
                mailbox.arrived.set()
                self._say("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.mailbox = Mailbox()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def __enter__(self) -> SmtpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
