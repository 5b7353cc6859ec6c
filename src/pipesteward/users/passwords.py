"""Password hashing with argon2 (argon2-cffi's defaults, RFC 9106's low-memory profile)."""

from __future__ import annotations

from pipesteward.errors import UserError

MIN_LENGTH = 8


def check_new(password: str) -> str:
    """A new password as typed (one line); refuse what is too short to be one."""
    if len(password) < MIN_LENGTH:
        raise UserError(f"a password needs at least {MIN_LENGTH} characters; type it on stdin, "
                        "e.g. `steward users set-password A < password.txt`")
    return password


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def verify(hashed: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash still costs one hash (no timing hint)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = PasswordHasher()
    if hashed is None:
        hasher.hash(password)
        return False
    try:
        return hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
