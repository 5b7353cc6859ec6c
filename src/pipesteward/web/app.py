"""The console application: middleware, static files, error pages and the page routers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from pipesteward.errors import NotAllowed, NotFound, RunFailed, UserError
from pipesteward.web.render import page
from pipesteward.web.security import SignInNeeded, load_secret

if TYPE_CHECKING:
    from pipesteward.app import Steward

STATIC = Path(__file__).parent / "static"
SESSION_HOURS = 12


def plotly_js() -> Path:
    """Plotly's bundled JS, served from the `plotly` package as installed."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def create_app(steward: Steward, *, clock: Callable[[], datetime] | None = None,
               secret: str | None = None, dagster_url: str | None = None) -> FastAPI:
    from pipesteward.web.routes import ROUTERS

    app = FastAPI(title="pipesteward console", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.steward = steward
    app.state.clock = clock or (lambda: datetime.now(UTC))
    app.state.dagster_url = dagster_url
    app.add_middleware(
        SessionMiddleware, secret_key=secret or load_secret(steward.paths.root, steward.env),
        session_cookie="steward_session", max_age=SESSION_HOURS * 3600, same_site="lax",
        https_only=False)  # loopback by default; behind TLS the proxy sets Secure
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/static-lib/plotly.min.js", include_in_schema=False)
    def plotly() -> Response:
        from fastapi.responses import FileResponse

        return FileResponse(plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    for router in ROUTERS:
        app.include_router(router)
    _error_pages(app)
    return app


def _error_pages(app: FastAPI) -> None:
    def error(request: Request, status: int, message: str) -> Response:
        return page(request, "error.html", status_code=status, message=message, code=status)

    @app.exception_handler(SignInNeeded)
    def sign_in(request: Request, _: SignInNeeded) -> Response:
        target = "/login"
        if request.method == "GET" and request.url.path != "/":
            from urllib.parse import quote

            target += "?next=" + quote(request.url.path + ("?" + request.url.query
                                                           if request.url.query else ""))
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    def answer(status: int) -> Callable[[Request, Exception], Response]:
        def handler(request: Request, e: Exception) -> Response:
            return error(request, status, str(e))
        return handler

    # The domain's errors as HTTP statuses, the error's one line on the page.
    for kind, status in ((NotAllowed, 403), (NotFound, 404), (UserError, 400), (RunFailed, 409)):
        app.add_exception_handler(kind, answer(status))

    from starlette.exceptions import HTTPException

    @app.exception_handler(HTTPException)
    def http_error(request: Request, e: HTTPException) -> Response:
        return error(request, e.status_code, str(e.detail))

    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, e: RequestValidationError) -> Response:
        fields = ", ".join(str(err["loc"][-1]) for err in e.errors())
        return error(request, 400, f"missing or malformed form fields: {fields}")
