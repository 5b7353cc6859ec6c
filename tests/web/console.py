"""A console in process: the example team, pinned time, passwords, a signed-in TestClient."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from fastapi.testclient import TestClient

from pipesteward.app import Steward
from pipesteward.store.users import UsersStore
from pipesteward.users.passwords import hash_password
from pipesteward.web.app import create_app

NOW = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # C on call (week of 2026-12-07)
PASSWORDS = {e: f"password-of-{e}" for e in "ABCD"}


class Clock:
    def __init__(self, at: datetime = NOW):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def with_lead(project: Path, lead: str) -> None:
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("  lead: null", f"  lead: {lead}"), encoding="utf-8")


@cache
def hashes() -> dict[str, str]:
    """Argon2 is slow on purpose: hash the team's passwords once per test session."""
    return {e: hash_password(p) for e, p in PASSWORDS.items()}


def console(project: Path, clock: Clock | None = None) -> tuple[Steward, TestClient, Clock]:
    steward = Steward.from_path(project, env={})
    records = UsersStore(steward.store)
    for engineer, hashed in hashes().items():
        records.set_password(engineer, hashed, engineer, NOW - timedelta(days=1))
    clock = clock or Clock()
    app = create_app(steward, clock=clock, secret="test-secret")
    return steward, TestClient(app, follow_redirects=False), clock


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def sign_in(client: TestClient, engineer: str, password: str | None = None) -> None:
    token = csrf_of(client.get("/login").text)
    done = client.post("/login", data={"engineer": engineer, "csrf": token,
                                       "password": password or PASSWORDS[engineer]})
    assert done.status_code == 303, done.text


def post(client: TestClient, path: str, **fields: str):  # type: ignore[no-untyped-def]
    """A form as the page sends it: with the session's CSRF token."""
    token = csrf_of(client.get("/oncall").text)
    return client.post(path, data={"csrf": token, **fields})
