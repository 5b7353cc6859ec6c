"""SIGINT and SIGTERM as `Interrupted`, raised in the main thread, and remembered.

`stopping()` makes both signals raise `Interrupted(signum)` while it is entered (Dagster puts
its own handlers in place while it executes a run; a model run puts these back for its
duration). An engine may swallow the exception into its own error ("Query interrupted"), so the
signal is also remembered: `received()` tells whoever handles that error that it was a stop.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from pipesteward.errors import Interrupted

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []


def _raise(signum: int, _frame: FrameType | None) -> None:
    _received.append(signum)
    raise Interrupted(signum)


def received() -> Interrupted | None:
    """The stop a signal asked for since this process started (or since `clear()`)."""
    return Interrupted(_received[0]) if _received else None


def clear() -> None:
    _received.clear()


@contextmanager
def stopping() -> Iterator[None]:
    """Within: SIGINT and SIGTERM raise Interrupted (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before: dict[int, Any] = {s: signal.getsignal(s) for s in SIGNALS}
    for s in SIGNALS:
        signal.signal(s, _raise)
    try:
        if _received:  # asked to stop while the handlers were someone else's
            raise Interrupted(_received[0])
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
