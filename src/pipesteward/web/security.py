"""Signing in and staying safe: the session cookie's secret, who is signed in, CSRF tokens.

Sessions are Starlette's signed cookies (itsdangerous; HttpOnly, SameSite=Lax). A session holds
the engineer, a CSRF token and the fingerprint of the password it was made with, so setting a
new password ends every older session.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from fastapi import Request

from pipesteward.errors import NotAllowed

SECRET_ENV = "STEWARD_CONSOLE_SECRET"
SECRET_FILE = "console-secret"


class SignInNeeded(Exception):
    """No valid session: the browser is sent to /login."""


class BadCsrf(NotAllowed):
    """A form without this session's CSRF token."""


def load_secret(root: Path, env: dict[str, str]) -> str:
    """STEWARD_CONSOLE_SECRET, else a random secret kept (0600) under the storage root, so
    sessions outlive a restart."""
    if env.get(SECRET_ENV):
        return env[SECRET_ENV]
    path = root / SECRET_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    root.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secret)
    try:
        os.link(tmp, path)  # first writer wins when two consoles start at once
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text(encoding="ascii").strip()


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use, before sign-in too)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return str(token)


async def require_csrf(request: Request) -> None:
    """Every POST carries the session's token, in the form (`csrf`) or the X-CSRF-Token header."""
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise BadCsrf("this form has expired or did not come from the console; reload the "
                      "page and try again")


def signed_in(request: Request) -> str:
    """The engineer of this session, or SignInNeeded (also when the password changed since)."""
    steward = request.app.state.steward
    engineer = request.session.get("engineer")
    if not engineer or engineer not in steward.spec.engineer_ids():
        raise SignInNeeded()
    if request.session.get("version") != steward.users.version(engineer):
        request.session.pop("engineer", None)
        raise SignInNeeded()
    return str(engineer)


def start_session(request: Request, engineer: str, version: str | None) -> None:
    request.session.clear()  # a fresh CSRF token too: no fixation across sign-in
    request.session.update(engineer=engineer, version=version,
                           csrf=secrets.token_urlsafe(24))
