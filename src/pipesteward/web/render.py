"""Server-rendered pages: one Jinja2 environment (autoescaped), the layout's shared context."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from pipesteward.web.security import csrf_token

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)  # autoescape on for .html

NAV = (("/", "Now"), ("/calendar", "Calendar"), ("/pipelines", "Pipelines"),
       ("/incidents", "Incidents"), ("/oncall", "Swaps & availability"), ("/review", "Review"))


def local(value: str | datetime | None, tz: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An instant in the team's time zone."""
    if value is None:
        return ""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.astimezone(tz).strftime(fmt)


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    steward = request.app.state.steward
    tz = steward.spec.team.tz
    flash = request.session.pop("flash", None)
    return templates.TemplateResponse(request, name, {
        "me": None,  # the pages of signed-in engineers pass `me`
        "lead": steward.spec.team.lead,
        "csrf": csrf_token(request),
        "nav": NAV,
        "path": request.url.path,
        "dagster_url": request.app.state.dagster_url,
        "tz": tz,
        "local": lambda v, fmt="%Y-%m-%d %H:%M": local(v, tz, fmt),
        "flash": flash,
        **context,
    }, status_code=status_code)


def flash(request: Request, message: str) -> None:
    """A one-line confirmation shown on the next page."""
    request.session["flash"] = message
