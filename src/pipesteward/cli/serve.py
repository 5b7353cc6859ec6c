"""`steward serve`: the ops console (FastAPI, under `pipesteward.web`, imported only here)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipesteward.cli.common import SpecOpt, handle_errors, load


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


@handle_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback unless "
                                      "told otherwise).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    dagster_url: Annotated[str | None, typer.Option(
        "--dagster-url", envvar="STEWARD_DAGSTER_URL",
        help="The Dagster UI to link to (`steward up` passes its own).")] = None,
    spec: SpecOpt = Path("steward.yaml"),
) -> None:
    """The ops console in the browser: on call, calendar, pipelines, incidents, swaps, review.
    Stops cleanly on SIGINT or SIGTERM."""
    from pipesteward.web.server import run

    run(load(spec), host=host, port=port, dagster_url=dagster_url)
