"""Who holds something: a process named `host:pid`, and whether it is still running.

A claim made on another host cannot be checked from here: it counts as running (its holder's
lease decides, where there is one)."""

from __future__ import annotations

import os
import socket


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


def me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def gone(holder: str) -> bool:
    """Whether `holder` (`host:pid`) ran on this host and runs no more."""
    host, _, pid = holder.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not alive(int(pid))
