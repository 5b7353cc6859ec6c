"""`steward data generate` (a generated lake of sources for demos, tests and benchmarks),
`steward data check` (the source checks over a range) and `steward data accept`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipesteward.cli.actor import ByOpt, actor
from pipesteward.cli.common import (  # the shared options and helpers: alike in every module
    AtOpt,
    JsonOpt,
    SpecOpt,
    emit_json,
    handle_errors,
    instant,
    load,
    now,
    out,
    table,
)
from pipesteward.days import parse_date
from pipesteward.errors import UserError

data_app = typer.Typer(help="Source data in the lake.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
    data_app.command("generate")(generate)
    data_app.command("accept")(accept)
    data_app.command("check")(check)


@handle_errors
def generate(
    start: Annotated[str, typer.Option("--start", help="The first day, YYYY-MM-DD.")],
    days: Annotated[int, typer.Option("--days", help="How many days of data.")],
    users: Annotated[int, typer.Option("--users", help="How many users sign up (in total).")],
    seed: Annotated[int, typer.Option("--seed", help="The random seed (same seed, same lake).")]
    = 0,
    inject: Annotated[
        list[str] | None,
        typer.Option(
            "--inject",
            help="A failure mode to inject, KIND or KIND:YYYY-MM-DD (repeatable): late_orders, "
            "missing_day, duplicates, delayed_partition, schema_drift, null_revenue, "
            "upper_status, empty_orders, redelivered_orders, null_user_id, null_ordered_at, "
            "null_status, null_order_id, null_is_test.",
        ),
    ] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Delete the lake's sources first (without it, a lake that has "
        "sources is refused).")] = False,
    spec: SpecOpt = Path("steward.yaml"),
    as_json: JsonOpt = False,
) -> None:
    """Generate the four sources (users, orders, events, experiment_assignments) in the lake."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    steward = load(spec)
    first = parse_date(start, "--start")
    steward.check_generate(first, days, users, inject or [], replace)  # before the progress bar
    t0 = time.perf_counter()
    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=out, disable=as_json, transient=False,
    ) as progress:
        task = progress.add_task("generating days", total=days + 1)
        result = steward.generate_data(
            first, days, users, seed, inject or [],
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            replace=replace,
        )
    seconds = time.perf_counter() - t0
    per_minute = result.total_rows / seconds * 60 if seconds else 0.0
    if as_json:
        emit_json({
            "lake": str(steward.paths.lake), "start": result.start, "days": result.days,
            "users": result.users, "seed": result.seed, "rows": result.rows,
            "partitions": result.partitions, "seconds": round(seconds, 3),
            "rows_per_minute": round(per_minute),
            "injected": {k: v.isoformat() for k, v in result.injected.items()},
        })
        return
    out.print(f"generated {result.days} days into {steward.paths.lake}", soft_wrap=True)
    out.print(table(None, ["source", "rows"], [(t, f"{n:,}") for t, n in result.rows.items()]))
    for kind, day in result.injected.items():
        out.print(f"injected {kind} on {day}")
    out.print(f"{result.total_rows:,} rows in {seconds:.1f}s "
              f"({per_minute / 1e6:.1f} M rows/minute)")


@handle_errors
def accept(
    source: Annotated[str, typer.Argument(help="The source: users, orders, events or "
                                          "experiment_assignments.")],
    day: Annotated[str, typer.Argument(help="The partition's day, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the partition is right as it "
                                        "is (kept in the audit log).")],
    by: ByOpt = None,
    spec: SpecOpt = Path("steward.yaml"),
    as_json: JsonOpt = False,
) -> None:
    """Release a quarantined source partition knowingly: the models read it again."""
    steward = load(spec)
    who = actor(steward, by, action="accept it")
    done = steward.accept_source(source, parse_date(day, "DAY"), reason=reason, by=who,
                                 at=now())
    if as_json:
        emit_json(done)
        return
    was = f" ({done['was']})" if done["was"] else " (it was not quarantined)"
    out.print(f"accepted sources/{source}/date={done['date']}{was} by {who}: {done['reason']}; "
              f"run `steward run --date {done['date']}` to compute the days it held back")


@handle_errors
def check(
    start: Annotated[str, typer.Option("--start", help="The first day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="The last day, YYYY-MM-DD.")],
    at: AtOpt = None,
    spec: SpecOpt = Path("steward.yaml"),
    as_json: JsonOpt = False,
) -> None:
    """Check every source partition of the range against its contract and its history
    (source.contract, source.volume); exit 1 when one fails as ERROR."""
    from pipesteward.checks.service import summary

    steward = load(spec)
    first, last = parse_date(start, "--start"), parse_date(end, "--end")
    if last < first:
        raise UserError(f"--end {last} is before --start {first}; give --start <= --end")
    results, profiled = steward.check_sources(first, last, as_of=instant(steward, at))
    if as_json:
        emit_json(dict(summary(last, results), start=first.isoformat(), profiled=profiled))
    else:
        from pipesteward.cli.checks import print_results

        print_results(results)
        out.print(f"{profiled['partitions']} source partitions profiled or read from the cache "
                  f"in {profiled['seconds']:.2f} s")
    if any(r.failed_error for r in results):
        raise typer.Exit(1)
