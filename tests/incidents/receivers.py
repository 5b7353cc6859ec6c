"""Real local receivers of pages, on loopback only: an SMTP server (aiosmtpd) and an HTTP
server for Apprise's `json://`. Each runs for one test and is stopped at its end."""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    """A loopback port nobody listens on (also what a dead channel points at)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HttpInbox:
    port: int
    posts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def pages(self, path: str) -> list[dict[str, Any]]:
        return self.posts.get(f"/{path}", [])


@contextmanager
def http_inbox() -> Iterator[HttpInbox]:
    inbox = HttpInbox(0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            inbox.posts.setdefault(self.path, []).append(json.loads(body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    inbox.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield inbox
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class SmtpInbox:
    port: int
    messages: list[Message] = field(default_factory=list)

    def url(self, to: str) -> str:
        # `mailto://` (not `mailtos://`) is Apprise's plain SMTP, no TLS: right for loopback.
        return f"mailto://127.0.0.1:{self.port}?from=steward@example.com&to={to}"

    def texts(self) -> list[str]:
        out = []
        for m in self.messages:
            part = next(p for p in m.walk() if p.get_content_type() == "text/plain")
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            out.append(payload.decode("utf-8"))
        return out


@contextmanager
def smtp_inbox() -> Iterator[SmtpInbox]:
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox(free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            inbox.messages.append(email.message_from_bytes(envelope.content))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
