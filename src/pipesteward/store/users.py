"""Console tables: password hashes, sign-in attempts (for the throttle), private iCal tokens.

Every change is written with its audit entry in one transaction."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from pipesteward.store import Store
from pipesteward.store.base import Base


class PasswordRow(Base):
    __tablename__ = "user_passwords"

    engineer: Mapped[str] = mapped_column(String(64), primary_key=True)
    hash: Mapped[str] = mapped_column(String(256))
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignInAttempt(Base):
    __tablename__ = "signin_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    engineer: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)


class IcalToken(Base):
    __tablename__ = "ical_tokens"

    engineer: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


class UsersStore:
    """The console's records in one ops store."""

    def __init__(self, store: Store):
        self.store = store

    # ------------------------------------------------------------------ passwords
    def password_hash(self, engineer: str) -> str | None:
        with self.store.transaction() as s:
            row = s.get(PasswordRow, engineer)
            return row.hash if row else None

    def set_password(self, engineer: str, hashed: str, by: str, at: datetime) -> None:
        with self.store.transaction() as s:
            row = s.get(PasswordRow, engineer)
            if row is None:
                s.add(PasswordRow(engineer=engineer, hash=hashed, set_by=by, set_at=_utc(at)))
            else:
                row.hash, row.set_by, row.set_at = hashed, by, _utc(at)
            self.store.audit(s, at=at, actor=by, action="user.password_set",
                             subject=f"user:{engineer}")

    # ------------------------------------------------------------------ sign-in attempts
    def failures_since(self, engineer: str, since: datetime) -> list[datetime]:
        """Failed attempts after `since` and after the last successful sign-in, oldest first."""
        with self.store.transaction() as s:
            rows = list(s.execute(
                select(SignInAttempt.at, SignInAttempt.ok)
                .where(SignInAttempt.engineer == engineer, SignInAttempt.at >= _utc(since))
                .order_by(SignInAttempt.at, SignInAttempt.id)))
        out: list[datetime] = []
        for at, ok in rows:
            out = [] if ok else [*out, _utc(at)]
        return out

    def record_attempt(self, engineer: str, ok: bool, at: datetime) -> None:
        with self.store.transaction() as s:
            s.add(SignInAttempt(engineer=engineer, at=_utc(at), ok=ok))
            self.store.audit(s, at=at, actor=engineer,
                             action="user.signed_in" if ok else "user.sign_in_failed",
                             subject=f"user:{engineer}")

    # ------------------------------------------------------------------ iCal tokens
    def ical_token(self, engineer: str, at: datetime, *, new: bool = False,
                   by: str | None = None) -> str:
        """The engineer's feed token, made on first use; `new` replaces it (the old URL stops)."""
        with self.store.transaction() as s:
            row = s.get(IcalToken, engineer)
            if row is not None and not new:
                return row.token
            token = secrets.token_urlsafe(24)
            if row is None:
                s.add(IcalToken(engineer=engineer, token=token, created_by=by or engineer,
                                created_at=_utc(at)))
            else:
                row.token, row.created_by, row.created_at = token, by or engineer, _utc(at)
            self.store.audit(s, at=at, actor=by or engineer,
                             action="user.ical_token_renewed" if row else "user.ical_token_made",
                             subject=f"user:{engineer}")
            return token

    def ical_engineer(self, token: str) -> str | None:
        with self.store.transaction() as s:
            return s.scalars(select(IcalToken.engineer).where(IcalToken.token == token)).first()
