"""What every command shares: the --spec and --json options, loading, output, exit codes.

Errors become exit codes here and only here: UserError (bad input) exits 2, RunFailed exits 1,
both with a message and never a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from pipesteward.errors import RunFailed, UserError

if TYPE_CHECKING:
    from pipesteward.app import Steward

SpecOpt = Annotated[
    Path,
    typer.Option("--spec", help="The team spec (steward.yaml).", envvar="STEWARD_SPEC"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]

out = Console(soft_wrap=False)
err = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(fn: F) -> F:
    """Turn the product's errors into a message and an exit code, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UserError as e:
            _print_error(str(e))
            raise typer.Exit(2) from None
        except RunFailed as e:
            _print_error(str(e))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _print_error(message: str) -> None:
    for line in message.splitlines() or [""]:
        err.print(f"[bold red]error:[/] {line}", highlight=False, markup=True, soft_wrap=True)


def now() -> datetime:
    """The clock, read only at this edge (tests pin it)."""
    return datetime.now(UTC)


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} '{value}' is not a date YYYY-MM-DD") from None


def parse_instant(value: str, option: str, tz: Any) -> datetime:
    """A local time in the team's zone ("2026-12-25 12:00"), or with an offset; a date alone
    means 12:00 local that day (the instant a holiday is attributed by)."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(12), tzinfo=tz).astimezone(UTC)
        at = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} '{value}' is not a time like 2026-12-25T12:00 (local to the "
                        "team's time zone) or 2026-12-25T17:00+00:00") from None
    return (at if at.tzinfo else at.replace(tzinfo=tz)).astimezone(UTC)


def load(spec: Path) -> Steward:
    """The facade for the spec, running models through Dagster (imported only when one runs,
    so quick commands stay quick)."""
    from pipesteward.app import Steward

    steward = Steward.from_path(spec, executor=through_dagster)
    steward.warn = warn
    return steward


def through_dagster(steward: Steward, start: date, end: date, **kw: Any) -> Any:
    from pipesteward.orchestration.execute import run_range

    return run_range(steward, start, end, **kw)


def warn(message: str) -> None:
    err.print(f"[bold yellow]warning:[/] {message}", highlight=False, soft_wrap=True)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*("" if v is None else str(v) for v in r))
    return t
