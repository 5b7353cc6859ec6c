"""/login and /logout: a password form (fields `engineer`, `password`), throttled."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from pipesteward.web.deps import CSRF, now, steward_of
from pipesteward.web.render import page
from pipesteward.web.security import start_session

router = APIRouter()


def _next(value: str | None) -> str:
    # Only a path of this site: never an open redirect.
    return value if value and value.startswith("/") and not value.startswith("//") else "/"


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html", next=_next(next), engineers=steward_of(request)
                .spec.engineer_ids())


@router.post("/login", dependencies=CSRF)
def login(request: Request, engineer: Annotated[str, Form()],
          password: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    steward = steward_of(request)
    result = steward.users.sign_in(engineer, password, now(request))
    ids = steward.spec.engineer_ids()
    if result.throttled:
        until = result.locked_until
        return page(request, "login.html", status_code=429, engineers=ids, next=_next(next),
                    error=f"Too many failed sign-ins for {engineer}; try again after "
                    f"{until:%H:%M} UTC." if until else "Too many failed sign-ins.")
    if not result.ok:
        return page(request, "login.html", status_code=401, engineers=ids, next=_next(next),
                    error="Wrong engineer or password.")
    start_session(request, engineer, result.version)
    return RedirectResponse(_next(next), status_code=303)


@router.post("/logout", dependencies=CSRF)
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
