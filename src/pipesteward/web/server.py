"""Running the console: uvicorn on loopback by default; SIGINT and SIGTERM stop it cleanly
(uvicorn finishes the requests in flight, then returns) and the command exits 0."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipesteward.app import Steward


def run(steward: Steward, *, host: str = "127.0.0.1", port: int = 8000,
        dagster_url: str | None = None) -> None:
    import signal

    import uvicorn

    from pipesteward.web.app import create_app

    steward.store  # noqa: B018 - migrate the ops store before the first request
    app = create_app(steward, dagster_url=dagster_url)
    config = uvicorn.Config(app, host=host, port=port, log_level="info", access_log=False,
                            timeout_graceful_shutdown=5)
    # uvicorn raises the stopping signal again once it has shut down; with these handlers in
    # place that is a no-op, so a stop by signal is a clean exit (status 0) for `steward up`.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    uvicorn.Server(config).run()
