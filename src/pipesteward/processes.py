"""Who holds something: a process named `host:pid` (claims) or `pid@host` (temp files, lock
holders, run records), and whether it is still running.

A claim made on another host cannot be checked from here: it counts as running (its holder's
lease decides, where there is one); a pid means nothing on another machine."""

from __future__ import annotations

import os
import socket
from functools import cache


def alive(pid: int) -> bool:
    if pid <= 0:
        return False
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


@cache
def host() -> str:
    """This host's name as a tag carries it (`@` and `.` separate a temp name's parts)."""
    return socket.gethostname().replace("@", "_").replace(".", "_") or "localhost"


def tag() -> str:
    """This process: `pid@host`."""
    return f"{os.getpid()}@{host()}"


def ended(pid: int | None, on_host: str | None) -> bool:
    """Whether the process `pid@on_host` has certainly ended: it ran on this host and no
    process has its pid. Unknown or remote processes are not known to have ended."""
    return pid is not None and on_host == host() and not alive(pid)


def parse(text: str) -> tuple[int, str] | None:
    """`1234@host` as (1234, "host"); None when it is not a tag."""
    pid, at, name = text.partition("@")
    if not at or not pid.isdigit() or not name:
        return None
    return int(pid), name
