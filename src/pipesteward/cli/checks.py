"""Commands about the runbook checks and the investor exports (incidents: `cli/incidents.py`)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.padding import Padding

from pipesteward.cli.common import (  # the shared options and helpers: alike in every module
    AtOpt,
    JsonOpt,
    SpecOpt,
    bullets,
    emit_json,
    handle_errors,
    instant,
    load,
    out,
    table,
)
from pipesteward.days import parse_date
from pipesteward.errors import RunFailed

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pipesteward.app import Steward
    from pipesteward.checks.result import CheckResult
    from pipesteward.exports.delivery import Delivery

DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="The day, YYYY-MM-DD (default: yesterday in reporting.timezone)."),
]


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("export")(export)


def _steward_day(spec: Path, value: str | None, at: str | None,
         *needs: str) -> tuple[Steward, date, datetime]:
    """The facade (its spec having the parts in `needs`), the day asked for and the instant."""
    from pipesteward.validate import require

    steward = load(spec)
    require(steward.spec, *needs)
    at_ = instant(steward, at)
    return steward, parse_date(value, "--date") if value else steward.reporting_yesterday(at_), at_


def print_results(results: list[CheckResult], *, failures: bool = True) -> None:
    rows = [
        (r.id, r.pipeline, r.partition,
         "[green]pass[/]" if r.passed else f"[red]FAIL[/]{' (blocking)' if r.blocking else ''}",
         r.severity.value, r.message)
        for r in sorted(results, key=lambda r: r.passed)  # failures first
    ]
    # One line per check; the whole message is in `--json` (and in the incident it opens).
    out.print(table(None, ["check", "pipeline", "partition", "result", "severity", "message"],
                    rows, squeeze=("check", "pipeline", "message")))
    failed = [r for r in results if not r.passed]
    out.print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failures:  # what to do next, in full: the table cuts messages at the line's end
        bullets(f"{r.id} on {r.pipeline} {r.partition}: {r.message}" for r in failed)


@handle_errors
def check(
    date_: DateOpt = None, at: AtOpt = None, spec: SpecOpt = Path("steward.yaml"),
    json: JsonOpt = False,
) -> None:
    """Run the runbook checks for a day and its month; exit 1 when an ERROR check fails."""
    from pipesteward.checks.service import summary

    steward, day, at_ = _steward_day(spec, date_, at, "models")
    results = steward.check(day, as_of=at_)
    if json:
        emit_json(summary(day, results))
    else:
        print_results(results)
    if any(r.failed_error for r in results):
        raise typer.Exit(1)


@handle_errors
def export(
    date_: DateOpt = None, at: AtOpt = None, spec: SpecOpt = Path("steward.yaml"),
    json: JsonOpt = False,
) -> None:
    """Export the day's investor metrics to every reporting target, verified by reading back."""
    steward, day, at_ = _steward_day(spec, date_, at, "models", "database_urls")
    report = steward.export(day, at=at_)
    if json:
        emit_json(report.to_json())
        return
    print_deliveries(day, report.deliveries)


def print_deliveries(day: date, deliveries: Sequence[Delivery]) -> None:
    """Each target on a line of its own, whole (a path or a database URL is never cut or
    broken), then one line per period exported there."""
    out.print(f"exported {day}")
    for target in dict.fromkeys(d.target for d in deliveries):
        out.print(target, soft_wrap=True, markup=False, highlight=False)
        out.print(Padding(table(None, ["grain", "period", "rows", "checksum", "status"],
                                [(d.grain, d.period, f"{d.rows} rows", d.checksum[:12],
                                  d.status) for d in deliveries if d.target == target],
                                header=False), (0, 0, 0, 2)))


def check_and_export(steward: Steward, day: date, at: datetime, quiet: bool = False) -> None:
    """After a day's run: its checks, then its investor export (refused, exit 1, when a
    blocking check fails). Used by `steward run` and `steward demo`."""
    from pipesteward.exports.service import ExportRefused

    try:
        report = steward.export(day, at=at)
    except ExportRefused as refused:
        if not quiet:
            print_results(refused.results, failures=False)  # the refusal lists them
        raise
    if quiet:
        return
    failed = [r for r in report.checks if not r.passed]
    out.print(f"checks of {day}: {len(report.checks) - len(failed)} passed, "
              f"{len(failed)} failed" + (f" ({', '.join(sorted({r.id for r in failed}))})"
                                         if failed else ""))
    print_deliveries(day, report.deliveries)
    if any(r.failed_error for r in failed):
        raise RunFailed(f"an ERROR check of {day} failed; see `steward check --date {day}`")
