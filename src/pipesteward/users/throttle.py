"""The sign-in throttle: after `failures` failed sign-ins of one engineer within `window`,
further tries are refused for `lockout` (the console answers 429)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Throttle:
    failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)

    def locked_until(self, failed_at: Sequence[datetime], at: datetime) -> datetime | None:
        """When the lockout in force at `at` ends, or None. `failed_at`: the failed attempts
        since the last successful sign-in, oldest first."""
        n = self.failures
        for i in range(n - 1, len(failed_at)):
            # the i-th failure is the n-th within `window`: a lockout starts there
            if failed_at[i] - failed_at[i - n + 1] <= self.window:
                until = failed_at[i] + self.lockout
                if failed_at[i] <= at < until:
                    return until
        return None

    def since(self, at: datetime) -> datetime:
        """How far back attempts matter."""
        return at - self.window - self.lockout


SIGN_IN = Throttle()
