"""The sign-in throttle: 5 failures within 15 minutes lock an engineer out for 15 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipesteward.users.throttle import SIGN_IN

T0 = datetime(2026, 12, 10, 15, tzinfo=UTC)


def minutes(*ms: float) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in ms]


def test_the_fifth_failure_within_the_window_starts_a_lockout() -> None:
    failed = minutes(0, 1, 2, 3, 4)
    assert SIGN_IN.locked_until(failed[:4], T0 + timedelta(minutes=5)) is None
    assert SIGN_IN.locked_until(failed, T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=19)
    assert SIGN_IN.locked_until(failed, T0 + timedelta(minutes=19)) is None


def test_failures_spread_wider_than_the_window_never_lock() -> None:
    assert SIGN_IN.locked_until(minutes(0, 4, 8, 12, 16), T0 + timedelta(minutes=16)) is None
