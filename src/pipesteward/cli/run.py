"""`steward run`, `steward backfill` and `steward runs`: the models through Dagster, in-process."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipesteward import signals
from pipesteward.cli.common import (  # the shared options and helpers: alike in every module
    JsonOpt,
    SpecOpt,
    emit_json,
    handle_errors,
    load,
    local_minute,
    now,
    out,
    table,
)
from pipesteward.days import parse_date
from pipesteward.errors import RunFailed, UserError

if TYPE_CHECKING:
    from pipesteward.app import Steward
    from pipesteward.metrics.service import RangeReport

OnlyOpt = Annotated[
    str | None,
    typer.Option("--only", help="Run only these pipelines, comma-separated (nothing upstream)."),
]
EngineOpt = Annotated[
    str | None,
    typer.Option("--engine", help="duckdb or spark (default: compute.engine in the spec)."),
]


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("backfill")(backfill)
    app.command("runs")(runs)


@handle_errors
def run(
    day: Annotated[
        str | None,
        typer.Option("--date", help="The day, YYYY-MM-DD (default: yesterday in "
                     "reporting.timezone)."),
    ] = None,
    only: OnlyOpt = None,
    engine: EngineOpt = None,
    spec: SpecOpt = Path("steward.yaml"),
    as_json: JsonOpt = False,
) -> None:
    """Run the pipelines for one day (and rebuild its month of aggregate_growth).

    SIGINT or SIGTERM stops it within seconds (exit 130 or 143): runs in progress are recorded
    interrupted and the lake keeps its last complete partitions."""
    with signals.stopping():
        _run(day, only, engine, spec, as_json)


def _run(day: str | None, only: str | None, engine: str | None, spec: Path,
         as_json: bool) -> None:
    steward = load(spec)
    # The edge reads the clock: the default day is yesterday in the reporting time zone.
    d = parse_date(day, "--date") if day else steward.reporting_yesterday(now())
    if not as_json:
        try:
            execute(steward, d, d, only, engine, as_json, command="run")
        except RunFailed:
            if only is None:  # the checks say why (a quarantined source) and page for it
                from pipesteward.cli.checks import print_results

                print_results(steward.check(d, as_of=now()))
            raise
        if only is None:  # a whole day ran: check it and export its investor metrics
            from pipesteward.cli.checks import check_and_export

            check_and_export(steward, d, now())
        return
    report = execute(steward, d, d, only, engine, as_json, fail=False, command="run")
    data = report_json(report)
    failure = "\n".join(str(f) for f in report.failures)
    if report.ok and only is None:
        data["checks"], data["exports"], failure = _check_and_export(steward, d, now())
    elif only is None:
        from pipesteward.checks.service import summary as check_summary

        data["checks"] = check_summary(d, steward.check(d, as_of=now()))["checks"]
    data["ok"] = not failure
    emit_json(data)
    if failure:
        raise RunFailed(failure)


def _check_and_export(steward: Steward, day: date,
                      at: datetime) -> tuple[list[Any], list[Any], str]:
    """The day's check results, export results and what failed ("" when nothing did)."""
    from pipesteward.checks.service import summary
    from pipesteward.exports.service import ExportFailed, ExportRefused

    try:
        report = steward.export(day, at=at)
    except ExportRefused as refused:
        return summary(day, refused.results)["checks"], [], str(refused)
    except ExportFailed as failed:
        done = failed.report
        return (summary(day, done.checks)["checks"] if done else [],
                done.to_json()["exports"] if done else [], str(failed))
    checks = summary(day, report.checks)["checks"]
    failure = (f"an ERROR check of {day} failed; see `steward check --date {day}`"
               if any(r.failed_error for r in report.checks) else "")
    return checks, report.to_json()["exports"], failure


@handle_errors
def backfill(
    start: Annotated[str, typer.Option("--start", help="The first day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="The last day, YYYY-MM-DD.")],
    only: OnlyOpt = None,
    engine: EngineOpt = None,
    spec: SpecOpt = Path("steward.yaml"),
    as_json: JsonOpt = False,
) -> None:
    """Recompute a range of days: one set-based query per pipeline over the whole range.

    SIGINT or SIGTERM stops it within seconds (exit 130 or 143), as for `steward run`."""
    with signals.stopping():
        steward = load(spec)
        execute(steward, parse_date(start, "--start"), parse_date(end, "--end"), only, engine,
                as_json, command="backfill")


def execute(steward: Steward, start: date, end: date, only: str | None, engine: str | None,
            as_json: bool, fail: bool = True, command: str = "run") -> RangeReport:
    """Run the models over [start, end] with a progress display; print the summary (JSON
    unless `fail` is false: the caller adds to it) and raise RunFailed on a failure. The runs
    are tagged `pipesteward/command: <command>`."""
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    from pipesteward.metrics.engines import ENGINES
    from pipesteward.metrics.service import select
    from pipesteward.validate import require

    if engine is not None and engine not in ENGINES:
        raise UserError(f"--engine '{engine}' is not an engine; choose one of "
                        f"{', '.join(ENGINES)}")
    require(steward.spec, "models", "memory_limit")
    names = select(only.split(",") if only else None)
    with Progress(
        SpinnerColumn(), "[progress.description]{task.description}", TimeElapsedColumn(),
        console=out, disable=as_json, transient=True,
    ) as progress:
        overall = progress.add_task(f"{start}..{end}: {len(names)} pipelines", total=len(names))
        current: dict[str, Any] = {}

        def on_start(model: str, s: date, e: date) -> None:
            current[model] = progress.add_task(f"{model} {s}..{e}", total=1)

        def on_result(result: Any) -> None:
            model = getattr(result, "model", "")
            if model in current:
                progress.update(current[model], completed=1)
            progress.advance(overall)

        report = steward.run_models(start, end, only=names, engine=engine,
                                    on_start=on_start, on_result=on_result,
                                    tags={"pipesteward/command": command})
    if not fail:
        return report
    if as_json:
        emit_json(report_json(report))
    else:
        out.print(summary(report))
    if not report.ok:
        raise RunFailed("\n".join(str(f) for f in report.failures))
    return report


def report_json(report: RangeReport) -> dict[str, Any]:
    models = [
        {"pipeline": r.model, "partition": r.partition, "status": r.status, "rows": r.rows,
         "partitions": r.partitions, "logic_version": r.logic_version,
         "seconds": round(r.seconds, 3), "error_kind": None, "error": None}
        for r in report.results
    ] + [
        {"pipeline": f.model, "partition": f.partition, "status": "failed", "rows": 0,
         "partitions": 0, "logic_version": None, "seconds": None, "error_kind": f.kind,
         "error": str(f)}
        for f in report.failures
    ]
    from pipesteward.metrics.models import ORDER

    models.sort(key=lambda m: ORDER.index(m["pipeline"]))
    return {"start": report.start, "end": report.end, "ok": report.ok, "pipelines": models,
            "dagster_runs": report.dagster_runs}


def summary(report: RangeReport) -> Any:
    from rich import box
    from rich.table import Table

    from pipesteward.metrics.models import ORDER

    t = Table(title=f"pipelines {report.start}..{report.end}", title_justify="left",
              box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("pipeline", "partition", "status", "rows", "parts", "time"):
        t.add_column(name, no_wrap=True, justify="right" if name in ("rows", "parts") else "left")
    done = {r.model: r for r in report.results}
    failed = {f.model: f for f in report.failures}
    for name in ORDER:
        if name in done:
            r = done[name]
            t.add_row(r.model, r.partition, "[green]ok[/]", f"{r.rows:,}", str(r.partitions),
                      f"{r.seconds:.1f}s")
        elif name in failed:
            f = failed[name]
            t.add_row(f.model, f.partition, f"[red]{f.kind}[/]", "", "", "")
    return t


@handle_errors
def runs(
    pipeline: Annotated[str | None, typer.Option("--pipeline", help="Only this pipeline.")]
    = None,
    day: Annotated[str | None, typer.Option("--date", help="Only runs covering this day.")]
    = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 20,
    spec: SpecOpt = Path("steward.yaml"),
    as_json: JsonOpt = False,
) -> None:
    """List the recorded model runs, newest first."""
    steward = load(spec)
    records = steward.runs(pipeline=pipeline, day=parse_date(day, "--date") if day else None,
                           limit=limit)
    if as_json:
        emit_json({"runs": [r.as_dict() for r in records]})
        return
    # One line per run: local times to the minute (the year from 100 columns), as incidents.
    tz, year = steward.spec.team.tz, out.width >= 100
    out.print(table("runs", ["id", "pipeline", "partition", "status", "started", "finished",
                             "rows", "error"],
                    [(r.id, r.pipeline, r.partition, r.status,
                      local_minute(r.started_at, tz, year=year),
                      local_minute(r.finished_at, tz)[-5:], r.rows, r.error)
                     for r in records], squeeze=("pipeline", "error"),
                    caption=f"times in {tz}" if records else "no runs recorded"))
