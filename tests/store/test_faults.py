"""Ops store faults from the command line: one line saying what is wrong and what to do, exit 2
for a wrong setting and 1 for a store that is down, damaged or busy; never a traceback, never
a retried step."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.metrics.lakes import END, build_models, make_lake


def steward(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "STEWARD_DATABASE_URL"}
    environ.update(STEWARD_SPEC=str(project), **env)
    return subprocess.run([sys.executable, "-m", "pipesteward", *args], env=environ,
                          capture_output=True, text=True, timeout=180)


def assert_one_line(done: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def db(project: Path) -> Path:
    path = project.parent / ".steward" / "steward.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


ADD = ("oncall", "unavailable", "add", "--engineer", "A", "--from", "2026-12-24",
       "--to", "2026-12-27", "--reason", "Christmas")


@pytest.mark.parametrize("command", [ADD, ("oncall", "who"), ("incidents", "list")])
def test_a_file_that_is_not_a_database(project: Path, command: tuple[str, ...]) -> None:
    db(project).write_bytes(b"this is not SQLite\n" * 10)
    assert_one_line(steward(project, *command), 1, "damaged", "backup")


def test_a_truncated_store(project: Path) -> None:
    assert steward(project, *ADD).returncode == 0
    path = db(project)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(path.read_bytes()[:3000])
    assert_one_line(steward(project, "incidents", "list"), 1, "damaged")


@pytest.mark.parametrize("command", [ADD, ("oncall", "who"), ("incidents", "list")])
def test_a_directory_in_place_of_the_store(project: Path, command: tuple[str, ...]) -> None:
    db(project).mkdir()
    assert_one_line(steward(project, *command), 1, "is a directory", "move it away")


def test_a_read_only_store(project: Path) -> None:
    assert steward(project, *ADD).returncode == 0
    # Opened read-only by the URL: file permissions do not stop root, which runs CI.
    url = f"sqlite:///file:{db(project)}?mode=ro&uri=true"
    done = steward(project, *ADD, STEWARD_DATABASE_URL=url)
    assert_one_line(done, 1, "read-only", "write access")


@pytest.mark.parametrize(("url", "words"), [
    ("not a url", ("STEWARD_DATABASE_URL is not a database URL",)),
    ("mysql+mysqldb://u:p@127.0.0.1/db", ("driver 'mysqldb'", "not installed", "mysqlclient")),
    ("nosuch://u:p@127.0.0.1/db", ("unknown database 'nosuch'",)),
])
def test_a_wrong_database_url_is_bad_input(project: Path, url: str,
                                            words: tuple[str, ...]) -> None:
    line = assert_one_line(steward(project, "incidents", "list", STEWARD_DATABASE_URL=url), 2,
                           *words)
    assert ":p@" not in line  # a password is never printed


def test_an_unreachable_postgresql(project: Path) -> None:
    from tests.incidents.receivers import free_port

    url = f"postgresql+psycopg://steward:secret@127.0.0.1:{free_port()}/steward"
    line = assert_one_line(steward(project, *ADD, STEWARD_DATABASE_URL=url), 1,
                           "cannot be reached", "start the database server")
    assert "secret" not in line


@pytest.mark.slow
def test_run_with_a_damaged_store_fails_at_once(project: Path) -> None:
    lake = make_lake(project.parent / ".steward" / "lake", users=300)
    db(project).write_bytes(b"garbage" * 100)
    t0 = time.monotonic()
    done = steward(project, "run", "--date", str(END))
    assert_one_line(done, 1, "damaged")
    assert time.monotonic() - t0 < 60  # not two retries 30 s apart
    assert not (lake / "models").exists()  # nothing ran without its records


def hold_write_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    code = ("import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            f"time.sleep({seconds})\n"
            "c.execute('COMMIT')\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


@pytest.mark.slow
@pytest.mark.parametrize("command", [ADD, ("check", "--date", "2025-03-05")])
def test_a_write_lock_held_for_seconds_is_waited_for(project: Path,
                                                      command: tuple[str, ...]) -> None:
    assert steward(project, "incidents", "list").returncode == 0  # the store exists
    holder = hold_write_lock(db(project), 7)
    try:
        done = steward(project, *command)
    finally:
        holder.wait()
    assert "Traceback" not in done.stderr and "locked" not in done.stderr, done.stderr
    assert done.returncode in (0, 1)  # the check itself may fail: there is no lake
    if command == ADD:
        assert done.returncode == 0
        assert "A" in steward(project, "oncall", "unavailable", "list").stdout


def test_a_write_lock_held_too_long_says_busy(project: Path) -> None:
    assert steward(project, "incidents", "list").returncode == 0
    holder = hold_write_lock(db(project), 6)
    try:
        done = steward(project, *ADD, STEWARD_DATABASE_BUSY_SECONDS="1")
    finally:
        holder.wait()
    assert_one_line(done, 1, "busy", "run the command again")


def test_a_deleted_store_recreated_beside_a_lake_with_history(project: Path) -> None:
    lake = make_lake(project.parent / ".steward" / "lake", users=200)
    build_models(lake, END, END)
    done = steward(project, "incidents", "list")
    assert done.returncode == 0
    assert "warning:" in done.stderr and "created empty" in done.stderr
    again = steward(project, "incidents", "list")  # it exists now: no warning
    assert again.returncode == 0 and "warning" not in again.stderr
