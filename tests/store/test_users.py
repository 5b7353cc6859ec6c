"""The console's tables (passwords, sign-in attempts, iCal tokens, incident notes) on SQLite
and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.incidents.team import fail

from pipesteward.app import Steward

AT = datetime(2026, 12, 10, 15, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def steward(request: pytest.FixtureRequest, project: Path) -> Steward:
    env: dict[str, str] = {}
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        from pipesteward.store import Store

        store = Store(url)
        with store.engine.begin() as conn:  # a clean schema each run
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        store.dispose()
        env = {"STEWARD_DATABASE_URL": url}
    return Steward.from_path(project, env=env)


def test_passwords_sign_in_and_the_throttle(steward: Steward) -> None:
    users = steward.users
    assert not users.sign_in("A", "anything at all", AT).ok  # no password yet
    users.set_password("A", "a good password", AT)
    first = users.sign_in("A", "a good password", AT)
    assert first.ok and first.version == users.version("A")
    for i in range(5):
        assert not users.sign_in("A", "wrong", AT + timedelta(minutes=i)).throttled
    locked = users.sign_in("A", "a good password", AT + timedelta(minutes=5))
    assert locked.throttled and locked.locked_until == AT + timedelta(minutes=19)
    assert users.sign_in("A", "a good password", AT + timedelta(minutes=19)).ok
    users.set_password("A", "another password", AT)
    assert users.version("A") != first.version


def test_ical_tokens_are_made_once_and_renewed(steward: Steward) -> None:
    users = steward.users
    token = users.ical_token("B", AT)
    assert users.ical_token("B", AT) == token
    engineer, feed = users.ical_feed(token, AT)
    assert engineer == "B" and b"BEGIN:VCALENDAR" in feed
    renewed = users.ical_token("B", AT, new=True)
    assert renewed != token and users.ical_feed(renewed, AT)[0] == "B"
    with pytest.raises(LookupError):
        users.ical_feed(token, AT)


def test_incident_notes_are_kept_in_order(steward: Steward) -> None:
    (incident_id,) = fail(steward, AT)
    steward.note_incident(incident_id, "first", by="C", at=AT)
    steward.note_incident(incident_id, "second", by="A", at=AT + timedelta(minutes=1))
    notes = steward.incident(incident_id)["notes"]
    assert [(n["by"], n["text"]) for n in notes] == [("C", "first"), ("A", "second")]
    assert notes[0]["at"] == AT.isoformat()
