"""Commands about the team itself: init, validate, pipelines, owners, runbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipesteward.cli.common import (  # the shared options and helpers: alike in every module
    JsonOpt,
    SpecOpt,
    emit_json,
    err,
    handle_errors,
    load,
    out,
    table,
)
from pipesteward.errors import UserError


# Each command module registers its commands the same way (cli/__init__.py loads them).
def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("validate")(validate)
    app.command("pipelines")(pipelines)
    app.command("owners")(owners)
    app.command("runbook")(runbook)


@handle_errors
def init(directory: Annotated[Path, typer.Argument(help="A new folder for the project.")]) -> None:
    """Write the example team (spec and runbooks) into a new folder."""
    from pipesteward.app import init_project

    try:
        spec_path = init_project(directory)
    except FileExistsError as e:
        raise UserError(str(e)) from None
    # soft_wrap: a path is never cut into lines (the terminal may fold it; a copy is whole).
    out.print(f"wrote {spec_path} and its runbooks", soft_wrap=True)
    out.print(f"next: steward validate --spec {spec_path}", soft_wrap=True)


@handle_errors
def validate(spec: SpecOpt = Path("steward.yaml"), json: JsonOpt = False) -> None:
    """Check the spec as a whole; list every problem with file, line and key (exit 2).

    Beyond what every command checks, this also checks the runbook files, the models behind
    the pipelines, DuckDB's memory limit, the database URLs, the notify URLs and the holiday
    weights; warnings (exit 0) say what is allowed but probably a mistake."""
    from pipesteward import validate as checks
    from pipesteward.spec import SpecError

    s = load(spec).spec
    problems = checks.problems(s)
    if problems:
        raise SpecError(problems)
    warnings = checks.warnings(s)
    for w in warnings:
        err.print(f"[bold yellow]warning:[/] {w}", highlight=False, soft_wrap=True)
    summary = {
        "spec": str(s.path),
        "valid": True,
        "engineers": len(s.team.engineers),
        "pipelines": len(s.pipelines),
        "warnings": [str(w) for w in warnings],
    }
    if json:
        emit_json(summary)
    else:
        out.print(
            f"{s.path}: valid ({summary['engineers']} engineers, {summary['pipelines']} pipelines)",
            soft_wrap=True,
        )


@handle_errors
def pipelines(spec: SpecOpt = Path("steward.yaml"), json: JsonOpt = False) -> None:
    """List the pipelines with their domain, audience and owners."""
    rows = load(spec).pipelines()
    if json:
        emit_json({"pipelines": rows})
        return
    cols = ["id", "name", "domain", "audience", "primary", "secondary"]
    out.print(table("Pipelines", cols, ([r[c] for c in cols] for r in rows), squeeze=("name",)))


@handle_errors
def owners(
    engineer: Annotated[str | None, typer.Argument(help="Only this engineer.")] = None,
    spec: SpecOpt = Path("steward.yaml"),
    json: JsonOpt = False,
) -> None:
    """Show which pipelines each engineer owns as primary and as secondary."""
    rows = load(spec).owners(engineer)
    if json:
        emit_json({"engineers": rows})
        return
    out.print(
        table(
            "Ownership",
            ["engineer", "primary", "secondary"],
            ([r["id"], ", ".join(r["primary"]), ", ".join(r["secondary"])] for r in rows),
            wrap=("primary", "secondary"),
        )
    )


@handle_errors
def runbook(
    pipeline: Annotated[str, typer.Argument(help="A pipeline id, e.g. aggregate_profit.")],
    spec: SpecOpt = Path("steward.yaml"),
) -> None:
    """Show a pipeline's runbook: each potential issue with its check id and what to do."""
    from rich.markdown import Markdown

    out.print(Markdown(load(spec).runbook(pipeline)))
