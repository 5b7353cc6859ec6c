"""Notify URLs carry secrets (DESIGN section 3): what of one may be shown, and scrubbing it
out of any text (an error message) before that text is stored or printed."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

HIDDEN = "***"


def _shown_host(url: str) -> str | None:
    """The host, when it looks like one. Many Apprise URLs put a token where the host goes
    (`tgram://TOKEN/CHAT`, `discord://ID/TOKEN`): only a dotted name, an IP or localhost shows."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host or not (host == "localhost" or "." in host or ":" in host):
        return None
    return f"{host}:{port}" if port else host


def mask(url: str) -> str:
    """`json://127.0.0.1:8080/***`, `mailto://smtp.example.com/***`, `tgram://***`."""
    scheme = url.split("://", 1)[0] if "://" in url else "?"
    host = _shown_host(url)
    return f"{scheme}://{host}/{HIDDEN}" if host else f"{scheme}://{HIDDEN}"


def scrub(text: str, url: str) -> str:
    """`text` with the URL, and each of its secret-bearing pieces, replaced by its mask."""
    text = text.replace(url, mask(url))
    rest = url.split("://", 1)[-1]
    pieces = set(re.split(r"[/@:?&=#]", rest))
    host = _shown_host(url) or ""
    for piece in sorted(pieces, key=len, reverse=True):
        # Short pieces ("json", "80") would scrub ordinary words; the host is shown anyway.
        if len(piece) >= 4 and piece not in host:
            text = text.replace(piece, HIDDEN)
    return text
