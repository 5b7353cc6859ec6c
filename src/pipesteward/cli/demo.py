"""`steward demo`: the main job on the example team, in a folder of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipesteward.cli.common import handle_errors, out


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


@handle_errors
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the demo project lives.")
    ] = Path(".steward-demo"),
) -> None:
    """Set up the example team, then show its pipelines and owners."""
    from pipesteward.app import Steward, init_project

    spec_path = directory / "steward.yaml"
    if not spec_path.exists():
        init_project(directory)
    steward = Steward.from_path(spec_path)
    from pipesteward.cli.team import owners, pipelines

    pipelines(spec_path, False)
    owners(None, spec_path, False)
    from pipesteward.cli.oncall import who

    who(None, None, spec_path, False)  # who is on call now, and who responds for each pipeline
    out.print(f"ops store: {steward.store.url} (revision {steward.store.revision()})")
    from datetime import UTC, datetime

    from pipesteward.cli.run import demo_pipelines

    # A few months of generated sources ending yesterday, backfilled through Dagster.
    demo_pipelines(steward, datetime.now(UTC).date())
    from pipesteward.cli.checks import check_and_export

    # The runbook checks of the last day, then its investor export (verified by reading back).
    now = datetime.now(UTC)
    check_and_export(steward, steward.reporting_yesterday(now), now)
