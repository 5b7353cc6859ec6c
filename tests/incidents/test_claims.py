"""A page goes out once: real processes that raise the same failure or escalate at the same
moment (started together at a barrier) page each level exactly once, on SQLite and on
PostgreSQL; a page a dead process was sending is sent again, one a running process is sending
is not taken from it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text, update
from tests.incidents.receivers import HttpInbox, http_inbox
from tests.incidents.team import fail, team
from tests.incidents.test_paging import A_AWAY, XMAS, Died, DiesWhileSending

from pipesteward.app import Steward
from pipesteward.incidents.notifier import AppriseNotifier
from pipesteward.incidents.paging import CLAIM_LEASE, Sender
from pipesteward.store import Store
from pipesteward.store.incidents import PageDelivery

SCHEMA = "paging_claims"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The ops store: the project's SQLite file, or a schema of its own on PostgreSQL."""
    if request.param == "sqlite":
        return {}
    pg_url = request.getfixturevalue("pg_url")
    url = f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{SCHEMA}"
    store = Store(url)
    with store.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
    store.dispose()
    return {"STEWARD_DATABASE_URL": url}


def at_once(steward: Steward, project: Path, action: str, minutes: int, tmp_path: Path,
            parties: int = 2) -> list[dict]:  # type: ignore[type-arg]
    """`parties` processes doing `action` at XMAS + `minutes`, released together."""
    barrier = tmp_path / f"barrier-{action}-{minutes}"
    env = {**os.environ, **steward.env, "PYTHONPATH": os.pathsep.join(sys.path)}
    at = (XMAS + timedelta(minutes=minutes)).isoformat()
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.incidents.pager_process", str(project), action, at,
         str(barrier), str(parties)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env) for _ in range(parties)]
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        outs.append((proc.returncode, out, err))
    if action == "die-sending":
        assert [code for code, _, _ in outs] == [9] * parties
        return []
    assert [code for code, _, _ in outs] == [0] * parties, [err for _, _, err in outs]
    return [json.loads(out) for _, out, _ in outs]


def pages(inbox: HttpInbox) -> dict[str, int]:
    return {e: len(inbox.pages(e)) for e in "ABCD" if inbox.pages(e)}


def test_two_processes_at_once_page_each_level_once(
        project: Path, store_env: dict[str, str], tmp_path: Path) -> None:
    with http_inbox() as inbox:
        steward = team(project, {e: [inbox.url(e)] for e in "ABCD"}, A_AWAY, env=store_env)
        opened = at_once(steward, project, "fail", 0, tmp_path)
        (incident,) = steward.incidents()  # one incident, though both raised it
        assert sorted(len(o["incidents"]) for o in opened) == [0, 1]
        assert pages(inbox) == {"B": 1}

        escalated = at_once(steward, project, "escalate", 15, tmp_path)
        assert sorted(o["incidents"] for o in escalated) == [[], [incident["id"]]]
        assert pages(inbox) == {"B": 1, "C": 1}
        at_once(steward, project, "escalate", 30, tmp_path)
        at_once(steward, project, "escalate", 45, tmp_path)  # the last level stays paged
        assert pages(inbox) == {"B": 1, "C": 1, "D": 1}
        (incident,) = steward.incidents()
        assert [(d["level"], d["engineer"], d["status"], d["attempts"])
                for d in incident["deliveries"]] == [
            (1, "B", "sent", 1), (2, "C", "sent", 1), (3, "D", "sent", 1)]


def test_a_page_a_dead_process_was_sending_is_sent_by_the_next(
        project: Path, store_env: dict[str, str], tmp_path: Path) -> None:
    with http_inbox() as inbox:
        steward = team(project, {"B": [inbox.url("B")]}, A_AWAY, env=store_env)
        at_once(steward, project, "die-sending", 0, tmp_path, parties=1)
        (incident,) = steward.incidents()
        assert [d["status"] for d in incident["deliveries"]] == ["pending"]
        assert not inbox.pages("B")
        # the next run (here the escalation tick) sends what the dead process left pending
        steward.escalate_incidents(XMAS + timedelta(minutes=1))
        assert [d["status"] for d in steward.incidents()[0]["deliveries"]] == ["sent"]
        assert pages(inbox) == {"B": 1}


def test_a_page_a_running_process_is_sending_is_left_to_it(project: Path) -> None:
    with http_inbox() as inbox:
        steward = team(project, {"B": [inbox.url("B")]}, A_AWAY, notifier=DiesWhileSending())
        with pytest.raises(Died):
            fail(steward, XMAS)
        steward.pager = Sender(AppriseNotifier(), lambda s: None)  # type: ignore[misc]
        holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        try:
            with steward.store.transaction() as session:  # that process is sending it
                session.execute(update(PageDelivery).values(
                    claimed_by=f"{socket.gethostname()}:{holder.pid}"))
            steward.escalate_incidents(XMAS + timedelta(minutes=1))
            assert not inbox.pages("B")
        finally:
            holder.kill()
            holder.wait(30)
        # a holder that cannot be seen to die (another host's) loses it after the lease
        with steward.store.transaction() as session:
            session.execute(update(PageDelivery).values(claimed_by="elsewhere:1"))
        steward.escalate_incidents(XMAS + CLAIM_LEASE - timedelta(seconds=1))
        assert not inbox.pages("B")
        steward.escalate_incidents(XMAS + CLAIM_LEASE)
        assert pages(inbox) == {"B": 1}
