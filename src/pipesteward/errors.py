"""Errors that the edges (CLI, web) turn into exit codes or HTTP statuses."""

import os
from pathlib import Path


class UserError(Exception):
    """Bad input (spec, arguments, data the user supplied): exit 2, a clear message."""


class NotFound(UserError, LookupError):
    """A named thing (pipeline, engineer, incident) that the spec or store does not have."""


class NotAllowed(UserError):
    """An engineer acting for someone else without being the team lead (HTTP 403)."""


class RunFailed(Exception):
    """A run, check or export that failed: exit 1, with what to do next."""


class StoreSettingError(UserError):
    """The ops store's URL does not parse or names a driver that is not installed: exit 2."""


class StoreUnavailable(RunFailed):
    """The ops store is down, damaged, read-only or busy: exit 1. Retrying a step cannot fix
    it (a busy store was already waited for), so the orchestration never retries it."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM stopped the command: exit 128 + the signal's number (130, 143).

    A BaseException, like KeyboardInterrupt, so that no `except Exception` (a model's failure
    handling, a step's retry policy) takes it for a failure: the run is recorded `interrupted`
    and never retried."""

    def __init__(self, signum: int, message: str = ""):
        import signal

        self.signum = signum
        try:
            self.signal = signal.Signals(signum).name
        except ValueError:
            self.signal = f"signal {signum}"
        super().__init__(message or f"stopped by {self.signal}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def sqlite_unavailable(path: Path, text: str) -> StoreUnavailable:
    """What is wrong with a SQLite ops store, from its error text and the file (here, not in
    `store/`, so that `steward oncall who` says it without importing SQLAlchemy)."""
    low = text.lower()
    if path.is_dir():
        return StoreUnavailable(
            f"{path} is a directory, not the ops store; move it away (a new store is created "
            "there) or point storage.database_url elsewhere")
    if "locked" in low or "busy" in low:
        return StoreUnavailable(
            f"the ops store {path} is busy: another process has held its write lock "
            "longer than STEWARD_DATABASE_BUSY_SECONDS; run the command again when it finishes")
    if "readonly" in low or "read-only" in low or (path.exists() and not os.access(path, os.W_OK)):
        return StoreUnavailable(
            f"the ops store {path} is read-only ({text}); give this user write access to it "
            "and its folder")
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return StoreUnavailable(
            f"the ops store {path} is damaged ({text}); restore it from a backup, or move it "
            "aside to start an empty one")
    return StoreUnavailable(f"the ops store {path} cannot be used ({text}); check the file "
                            "and its folder (permissions, free space)")
