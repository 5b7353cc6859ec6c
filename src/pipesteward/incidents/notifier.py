"""The one interface to the outside notification system, and its real implementation (Apprise).

Tests use the same Apprise implementation against real local receivers (an SMTP server, an
HTTP server on loopback); a notifier only needs `send`.
"""

from __future__ import annotations

from typing import Protocol


class Notifier(Protocol):
    def send(self, url: str, title: str, body: str) -> str | None:
        """Deliver one message to one URL: None when delivered, else why not (may contain the
        URL: the caller scrubs it)."""


def understood(url: str) -> bool:
    """Whether some Apprise notifier understands `url` (nothing is sent)."""
    import logging

    import apprise

    # Apprise logs the refused URL in full; it may carry a secret.
    logger = logging.getLogger("apprise")
    level, logger.level = logger.level, logging.CRITICAL + 1
    try:
        return bool(apprise.Apprise().add(url))
    finally:
        logger.setLevel(level)


class AppriseNotifier:
    """One Apprise object per URL, so each channel's success is its own."""

    def send(self, url: str, title: str, body: str) -> str | None:
        import apprise  # lazily: quick commands never load Apprise's plugins

        client = apprise.Apprise()
        if not client.add(url):
            return "not a valid Apprise URL"
        result = client.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT,
                               notify_type=apprise.NotifyType.FAILURE)
        if result:
            return None
        logs = [str(getattr(entry, "message", entry)) for entry in result.logs()]
        return (logs[-1] if logs else f"not delivered ({result.status.name})").strip()
