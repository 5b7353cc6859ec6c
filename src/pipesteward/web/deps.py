"""What every endpoint takes: the facade, the clock, the signed-in engineer, the CSRF check."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse

from pipesteward.web.render import flash
from pipesteward.web.security import require_csrf, signed_in

if TYPE_CHECKING:
    from pipesteward.app import Steward

Me = Annotated[str, Depends(signed_in)]
CSRF = [Depends(require_csrf)]


def steward_of(request: Request) -> Steward:
    return request.app.state.steward  # type: ignore[no-any-return]


def now(request: Request) -> datetime:
    """The clock, read only at this edge (tests pin it)."""
    return request.app.state.clock()  # type: ignore[no-any-return]


def done(request: Request, to: str, message: str) -> RedirectResponse:
    """After an action: a confirmation, then the page again (POST, redirect, GET)."""
    flash(request, message)
    return RedirectResponse(to, status_code=303)
