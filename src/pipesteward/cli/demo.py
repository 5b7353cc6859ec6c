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
    """The main job on the example team: generate a lake, run the pipelines and their checks,
    export the investor metrics, and show who is on call."""
    from datetime import UTC, datetime

    from pipesteward.app import Steward, init_project
    from pipesteward.cli.checks import check_and_export
    from pipesteward.cli.oncall import who
    from pipesteward.cli.run import demo_pipelines, investor_metrics
    from pipesteward.cli.team import pipelines

    spec_path = directory / "steward.yaml"
    if not spec_path.exists():
        init_project(directory)
    steward = Steward.from_path(spec_path)
    pipelines(spec_path, False)

    # The only clock read: the demo's lake ends with the last day landed by now (yesterday, or
    # the day before between 00:00 and 01:00 UTC: a file cannot land in the future), and "now"
    # is when it asks who is on call.
    now = datetime.now(UTC)
    last = demo_pipelines(steward, now)
    # The runbook checks of the last day, then its investor export (verified by reading back);
    # the figures are shown only once their checks passed.
    check_and_export(steward, last, now)
    out.print(investor_metrics(steward, last))
    who(None, None, spec_path, False)
