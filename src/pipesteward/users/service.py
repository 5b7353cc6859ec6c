"""Console users behind the facade (`Steward.users`): passwords, sign-in with its throttle,
and each engineer's private iCal feed token. Time is an argument; the edges read the clock.
The records and the feed come from what the facade gives it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from pipesteward.errors import NotFound
from pipesteward.spec import Spec
from pipesteward.users import passwords
from pipesteward.users.rules import require
from pipesteward.users.throttle import SIGN_IN


class UserRecords(Protocol):
    """Where console users are kept (`store.users.UsersStore`)."""

    def password_hash(self, engineer: str) -> str | None: ...
    def set_password(self, engineer: str, hashed: str, by: str, at: datetime) -> None: ...
    def failures_since(self, engineer: str, since: datetime) -> list[datetime]: ...
    def record_attempt(self, engineer: str, ok: bool, at: datetime) -> None: ...
    def ical_token(self, engineer: str, at: datetime, *, new: bool = False,
                   by: str | None = None) -> str: ...
    def ical_engineer(self, token: str) -> str | None: ...


# (first day, last day, stamp, engineer) -> the engineer's iCal feed
Feed = Callable[[date, date, datetime, str], bytes]

# What a private feed holds: a month back (recent history) and a year ahead.
FEED_BACK = timedelta(days=31)
FEED_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in: `ok`, or refused; `throttled` when the password was not
    even checked (locked out until `locked_until`)."""

    engineer: str
    ok: bool
    throttled: bool = False
    locked_until: datetime | None = None
    version: str | None = None  # changes when the password does (ends older sessions)


def version_of(hashed: str | None) -> str | None:
    return None if hashed is None else hashlib.sha256(hashed.encode()).hexdigest()[:16]


class Users:
    def __init__(self, spec: Spec, records: Callable[[], UserRecords], feed: Feed):
        self.spec = spec
        self._records, self._feed = records, feed

    @property
    def records(self) -> UserRecords:
        return self._records()

    def known(self, engineer: str) -> None:
        ids = self.spec.engineer_ids()
        if engineer not in ids:
            raise NotFound(f"unknown engineer '{engineer}'; the team is {', '.join(ids)}")

    def _actor(self, by: str | None, engineer: str, what: str) -> str:
        by = by or engineer
        self.known(by)
        require(by, [engineer], self.spec.team.lead, what)
        return by

    # ------------------------------------------------------------------ passwords
    def set_password(self, engineer: str, password: str, at: datetime,
                     by: str | None = None) -> None:
        self.known(engineer)
        actor = self._actor(by, engineer, f"set {engineer}'s password")
        self.records.set_password(engineer, passwords.hash_password(passwords.check_new(password)),
                                  actor, at)

    def has_password(self, engineer: str) -> bool:
        return self.records.password_hash(engineer) is not None

    def sign_in(self, engineer: str, password: str, at: datetime) -> SignIn:
        """Check a password, unless the engineer is locked out; every try is recorded."""
        if engineer not in self.spec.engineer_ids():
            passwords.verify(None, password)  # the same cost as a real check
            return SignIn(engineer, False)
        records = self.records
        until = SIGN_IN.locked_until(records.failures_since(engineer, SIGN_IN.since(at)), at)
        if until is not None:
            return SignIn(engineer, False, throttled=True, locked_until=until)
        hashed = records.password_hash(engineer)
        ok = passwords.verify(hashed, password)
        records.record_attempt(engineer, ok, at)
        if not ok:
            until = SIGN_IN.locked_until(records.failures_since(engineer, SIGN_IN.since(at)), at)
            return SignIn(engineer, False, locked_until=until)
        return SignIn(engineer, True, version=version_of(hashed))

    def version(self, engineer: str) -> str | None:
        """The current password's fingerprint: a session made with another one is over."""
        return version_of(self.records.password_hash(engineer))

    # ------------------------------------------------------------------ private iCal feeds
    def ical_token(self, engineer: str, at: datetime, *, new: bool = False,
                   by: str | None = None) -> str:
        self.known(engineer)
        actor = self._actor(by, engineer, f"see or renew {engineer}'s calendar feed")
        return self.records.ical_token(engineer, at, new=new, by=actor)

    def ical_feed(self, token: str, at: datetime) -> tuple[str, bytes]:
        """The engineer whose token this is and their feed, or NotFound (revoked, unknown)."""
        engineer = self.records.ical_engineer(token)
        if engineer is None or engineer not in self.spec.engineer_ids():
            raise NotFound("no such calendar feed")
        today = at.astimezone(self.spec.team.tz).date()
        return engineer, self._feed(today - FEED_BACK, today + FEED_AHEAD, at, engineer)
