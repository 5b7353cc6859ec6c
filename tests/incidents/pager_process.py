"""A separate process that pages, as a second `steward` would: waits at a file barrier with
the others started beside it, then records a failure or escalates at the given instant.

    python -m tests.incidents.pager_process SPEC ACTION AT BARRIER PARTIES

ACTION is `fail` (record the failing check, paging its new incident), `escalate`, or
`die-sending` (record it, and die the moment the first page would go out). The environment
carries the notify URLs and STEWARD_DATABASE_URL. Prints what it did as JSON."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from tests.incidents.team import fail

from pipesteward.app import Steward
from pipesteward.incidents.paging import Sender


class DiesSending:
    def send(self, url: str, title: str, body: str) -> str | None:
        os._exit(9)


def wait_for(barrier: Path, parties: int) -> None:
    barrier.mkdir(parents=True, exist_ok=True)
    (barrier / str(os.getpid())).touch()
    for _ in range(6000):  # 60 s at the most
        if len(list(barrier.iterdir())) >= parties:
            return
        time.sleep(0.01)
    raise SystemExit("the other processes never reached the barrier")


def main(spec: str, action: str, at: str, barrier: str, parties: str) -> None:
    steward = Steward.from_path(spec)
    steward.store  # noqa: B018 - open and migrate the store before the barrier
    if action == "die-sending":
        steward.pager = Sender(DiesSending(), lambda s: None)  # type: ignore[misc]
    wait_for(Path(barrier), int(parties))
    instant = datetime.fromisoformat(at)
    if action == "escalate":
        done = steward.escalate_incidents(instant)
    else:
        done = fail(steward, instant)
    print(json.dumps({"action": action, "incidents": done}))


if __name__ == "__main__":
    main(*sys.argv[1:])
