"""The console's CLI side: passwords from stdin, and the undo commands (all audited)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipesteward.app import Steward
from pipesteward.cli import app

NOW = datetime(2026, 11, 25, 20, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipesteward.cli.oncall.now", lambda: NOW)
    monkeypatch.setattr("pipesteward.cli.users.now", lambda: NOW)
    monkeypatch.delenv("STEWARD_DATABASE_URL", raising=False)


def run(project: Path, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [*args, "--spec", str(project)], input=stdin)


def ok(project: Path, *args: str) -> dict:
    done = run(project, *args, "--json")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def refused(project: Path, *args: str) -> str:
    done = run(project, *args)
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output
    return done.stderr


def audit(project: Path) -> list[tuple[str, str]]:
    store = Steward.from_path(project, env={}).store
    return [(e.actor, e.action) for e in reversed(store.audit_log())]


def test_set_password_reads_stdin_and_stores_an_argon2_hash(project: Path) -> None:
    done = run(project, "users", "set-password", "A", stdin="correct horse\n")
    assert done.exit_code == 0, done.output
    steward = Steward.from_path(project, env={})
    stored = steward.users.records.password_hash("A")
    assert stored and stored.startswith("$argon2id$") and "correct horse" not in stored
    assert steward.users.sign_in("A", "correct horse", NOW).ok
    assert not steward.users.sign_in("A", "correct horse\n", NOW).ok
    assert ("A", "user.password_set") in audit(project)


def test_set_password_refuses_bad_input(project: Path) -> None:
    assert "at least 8 characters" in run(project, "users", "set-password", "A",
                                          stdin="short\n").stderr
    assert "no password on stdin" in run(project, "users", "set-password", "A", stdin="").stderr
    assert "unknown engineer 'Z'" in refused(project, "users", "set-password", "Z")


def request(project: Path, their_week: str = "2027-01-25") -> int:
    return ok(project, "oncall", "swap", "request", "--engineer", "A", "--week", "2026-12-21",
              "--with", "B", "--their-week", their_week)["id"]


def test_swap_decline_and_cancel(project: Path) -> None:
    first, second = request(project), request(project, "2027-02-22")
    assert "only B or the team lead can decline" in refused(
        project, "oncall", "swap", "decline", str(first), "--by", "A")
    assert ok(project, "oncall", "swap", "decline", str(first))["status"] == "declined"
    assert "only A or the team lead can cancel" in refused(
        project, "oncall", "swap", "cancel", str(second), "--by", "B")
    assert ok(project, "oncall", "swap", "cancel", str(second))["status"] == "cancelled"
    assert "already cancelled" in refused(project, "oncall", "swap", "accept", str(second))
    assert ok(project, "oncall", "swap", "list")["swaps"] == []
    assert ("B", "oncall.swap_declined") in audit(project)
    assert ("A", "oncall.swap_cancelled") in audit(project)


def test_unavailable_and_override_remove(project: Path) -> None:
    a = ok(project, "oncall", "unavailable", "add", "--engineer", "A", "--from", "2026-12-24",
           "--to", "2026-12-27")
    o = ok(project, "oncall", "override", "add", "--engineer", "C", "--from", "2026-12-25T00:00",
           "--to", "2026-12-26T00:00")
    assert "B cannot act for A" in refused(project, "oncall", "unavailable", "remove",
                                           str(a["id"]), "--by", "B")
    assert ok(project, "oncall", "unavailable", "remove", str(a["id"]))["engineer"] == "A"
    assert ok(project, "oncall", "override", "remove", str(o["id"]))["engineer"] == "C"
    assert "no recorded override" in refused(project, "oncall", "override", "remove",
                                             str(o["id"]))
    assert ok(project, "oncall", "unavailable", "list")["unavailable"] == []
    assert ok(project, "oncall", "who", "--at", "2026-12-25T12:00")["on_call"] == "A"
    assert ("A", "oncall.unavailable_removed") in audit(project)
    assert ("C", "oncall.override_removed") in audit(project)
