"""Delivering units to targets: write, read back, verify; retry with backoff; report.

Time and sleeping are passed in (`sleep`), so tests do not wait.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipesteward.exports.rows import Unit
from pipesteward.exports.targets import ReadBack, Target

BACKOFF = (0.5, 2.0, 8.0)  # seconds before the 2nd, 3rd, 4th attempt


@dataclass
class Delivery:
    """How delivering one unit to one target ended."""

    target: str
    kind: str
    grain: str
    period: str
    status: str  # "verified" | "failed"
    rows: int
    checksum: str
    files: dict[str, str] = field(default_factory=dict)
    attempts: int = 0
    error: str | None = None


class Mismatch(Exception):
    """The target's read-back differs from what was written."""


def verify(expected_rows: int, expected_checksum: str, got: ReadBack,
           expected_files: dict[str, str] | None = None) -> str:
    """Why a read-back does not match ('' when it does)."""
    if got.problem:
        return got.problem
    if got.rows != expected_rows:
        return f"read back {got.rows} rows, exported {expected_rows}"
    if got.checksum != expected_checksum:
        return f"read back checksum {str(got.checksum)[:12]}, exported {expected_checksum[:12]}"
    for name, digest in (expected_files or {}).items():
        if got.files.get(name) != digest:
            return f"{name} changed since it was exported (sha256 {str(got.files.get(name))[:12]}"\
                   f", exported {digest[:12]})"
    return ""


def _describe(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return f"{type(e).__name__}: {text}" if type(e).__name__ not in text else text


def deliver(
    unit: Unit, target: Target, *, sleep: Callable[[float], None],
    backoff: Sequence[float] = BACKOFF,
) -> Delivery:
    """Write the unit and verify it by reading it back; retry failures with backoff."""
    attempts = len(backoff) + 1
    last = ""
    for attempt in range(1, attempts + 1):
        try:
            files = target.write(unit)
            problem = verify(len(unit.rows), unit.checksum,
                             target.read_back(unit.grain, unit.period), files)
            if problem:
                raise Mismatch(problem)
            return Delivery(target.name, target.kind, unit.grain, unit.period, "verified",
                            len(unit.rows), unit.checksum, files, attempt)
        except Exception as e:  # noqa: BLE001 - every failure is retried, then reported
            last = _describe(e)
            if attempt < attempts:
                sleep(backoff[attempt - 1])
    return Delivery(target.name, target.kind, unit.grain, unit.period, "failed",
                    len(unit.rows), unit.checksum, {}, attempts, last)
