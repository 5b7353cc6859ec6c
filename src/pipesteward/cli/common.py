"""What every command shares: the --spec and --json options, loading, output, exit codes.

Errors become exit codes here and only here: UserError (bad input) exits 2, RunFailed exits 1,
Interrupted (SIGINT, SIGTERM) exits 128 + the signal's number, each with a message and never a
traceback.
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
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from pipesteward.errors import Interrupted, RunFailed, UserError

if TYPE_CHECKING:
    from pipesteward.app import Steward

SpecOpt = Annotated[
    Path,
    typer.Option("--spec", help="The team spec (steward.yaml).", envvar="STEWARD_SPEC"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="As of this instant: local to the team's time zone unless it "
                 "carries an offset (default: now)."),
]

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
        except Interrupted as e:
            _print_error(f"{e}; runs in progress are recorded interrupted, the lake keeps its "
                         "last complete partitions; run the command again to finish")
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            _print_error("stopped by SIGINT")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _print_error(message: str) -> None:
    for line in message.splitlines() or [""]:
        # The message is plain text: brackets in it (`pipesteward[spark]`) are not markup.
        err.print(f"[bold red]error:[/] {escape(line)}", highlight=False, markup=True,
                  soft_wrap=True)


def now() -> datetime:
    """The clock, read only at this edge (tests pin it)."""
    return datetime.now(UTC)


def local_minute(instant: str | datetime | None, tz: Any, *, year: bool = True) -> str:
    """An instant as the team reads it: local wall-clock time to the minute (without the
    year where columns are scarce)."""
    if instant is None:
        return ""
    at = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M}" if year else f"{local:%m-%d %H:%M}"


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


def instant(steward: Steward, at: str | None) -> datetime:
    """The instant of `--at`, else now: the edge reads the clock, nothing below it does."""
    return parse_instant(at, "--at", steward.spec.team.tz) if at else now()


def load(spec: Path) -> Steward:
    """The facade for the spec, running models through Dagster (imported only when one runs,
    so quick commands stay quick)."""
    from pipesteward.app import Steward

    steward = Steward.from_path(spec, executor=through_dagster)
    steward.warn = warn
    steward.on_checked = lambda results: checks_to_dagster(steward, results)
    return steward


def checks_to_dagster(steward: Steward, results: list[Any]) -> None:
    """Checks run by a command show in the Dagster UI too (as runless evaluations)."""
    from pipesteward.orchestration.checks import report

    report(steward, results)


def through_dagster(steward: Steward, start: date, end: date, **kw: Any) -> Any:
    from pipesteward.orchestration.execute import run_range

    return run_range(steward, start, end, **kw)


def warn(message: str) -> None:
    err.print(f"[bold yellow]warning:[/] {message}", highlight=False, soft_wrap=True)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def reply(data: Any, as_json: bool, shown: Any) -> None:
    """A command's answer: `data` as JSON with --json, else `shown` (a line, a rich table)."""
    if as_json:
        emit_json(data)
    else:
        out.print(shown)


def bullets(items: Iterable[str], mark: str = "-") -> None:
    """Items as an indented list; a long item wraps at words under its own first word."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for item in items:
        grid.add_row(f"  {mark}", Text(item))
    out.print(grid)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
          squeeze: Sequence[str] = (), wrap: Sequence[str] = (), caption: str | None = None,
          width: int | None = None, header: bool = True) -> Table:
    """A table that fits the terminal without breaking a word. The columns in `squeeze`
    (free text: names, messages) give up width when the row is too wide, the last named
    first down to a few characters, and end in an ellipsis: one line per row. The columns in
    `wrap` (an explanation that must be read whole) wrap at words instead. The others never
    wrap, so an id, a time, a path or a URL stays whole. Squeezed and wrapped cells are plain
    text (a message's `[d-6, d]` is no markup)."""
    plain = {*squeeze, *wrap}
    cells = [[_cell(v, c in plain, c in squeeze) for c, v in zip(columns, r, strict=True)]
             for r in rows]
    t = Table(title=title, title_justify="left", caption=caption, caption_justify="left",
              box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1, 0, 0),
              show_header=header)
    widths = _fit(columns, cells, squeeze, wrap, out.width if width is None else width)
    for c in columns:
        t.add_column(c, no_wrap=c not in wrap, overflow="ellipsis" if c not in wrap else "fold",
                     width=widths.get(c))
    for row in cells:
        t.add_row(*row)
    return t


# A squeezed or wrapped column keeps at least this many characters (or its whole width).
SQUEEZE_FLOOR = 12


def _fit(columns: Sequence[str], cells: list[list[str | Text]], squeeze: Sequence[str],
         wrap: Sequence[str], available: int) -> dict[str, int]:
    """Widths for the squeezed columns so the row fits `available` (2 characters between
    columns), taking from the last named first; a wrapped column counts at what it may shrink
    to (its longest word), since the table wraps it."""
    natural = {c: max([len(c)] + [Text.from_markup(x).cell_len if isinstance(x, str)
                                   else x.cell_len for x in (row[i] for row in cells)])
               for i, c in enumerate(columns)}
    for i, c in enumerate(columns):
        if c in wrap:
            words = [len(w) for row in cells for w in str(row[i]).split()]
            natural[c] = min(natural[c], max([SQUEEZE_FLOOR, len(c), *words]))
    excess = sum(natural.values()) + 2 * (len(columns) - 1) - available
    widths: dict[str, int] = {}
    for c in reversed(squeeze):
        give = max(0, min(excess, natural[c] - SQUEEZE_FLOOR))
        widths[c] = natural[c] - give
        excess -= give
    return widths


def _cell(value: Any, plain: bool, squeezed: bool) -> str | Text:
    text = "" if value is None else str(value)
    if not plain:
        return text
    if squeezed:  # one line: a traceback's or a message's line breaks become spaces
        return Text(" ".join(text.split()), no_wrap=True, overflow="ellipsis")
    return Text(text)
