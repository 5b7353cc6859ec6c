"""What can go wrong with the ops store, said in one line with what to do.

A URL that does not parse or names a driver that is not installed is a wrong setting
(`StoreSettingError`, exit 2). A store that is down, damaged, read-only or busy is
`StoreUnavailable` (exit 1): a busy SQLite store is waited for (`busy_timeout`) before that.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Engine, make_url

from pipesteward.errors import StoreSettingError, StoreUnavailable, sqlite_unavailable

EXAMPLE_URL = "postgresql+psycopg://user:password@host/db or sqlite:///path/steward.db"
# Drivers the product knows how to install; any other is named as it is.
DRIVERS = {"psycopg": "psycopg[binary]", "psycopg2": "psycopg2-binary", "mysqldb": "mysqlclient",
           "pymysql": "PyMySQL"}


def create(url: str, setting: str, connect_args: dict[str, Any]) -> Engine:
    """The SQLAlchemy engine of `url`, or a StoreSettingError naming `setting`."""
    from sqlalchemy import create_engine

    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        # The value may carry a password: it is not repeated.
        raise StoreSettingError(
            f"{setting} is not a database URL; write it like {EXAMPLE_URL}") from None
    try:
        return create_engine(parsed, connect_args=connect_args)
    except exc.NoSuchModuleError:
        raise StoreSettingError(
            f"{setting}: unknown database '{parsed.drivername}'; use {EXAMPLE_URL}") from None
    except ImportError as e:
        driver = parsed.get_driver_name()
        package = DRIVERS.get(driver, e.name or driver)
        raise StoreSettingError(
            f"{setting}: the driver '{driver}' of {parsed.drivername} is not installed; "
            f"install it (pip install '{package}') or use {EXAMPLE_URL}") from None


def shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def unavailable(error: BaseException, url: str) -> StoreUnavailable | None:
    """The one-line StoreUnavailable for a database error, or None when the error is not the
    store's (a constraint, a bug in a query)."""
    if not isinstance(error, exc.OperationalError | exc.DatabaseError) or isinstance(
            error, exc.IntegrityError | exc.ProgrammingError | exc.DataError):
        return None
    text = str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error) else ""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return sqlite_unavailable(Path(parsed.database or ""), text)
    return StoreUnavailable(
        f"the ops store {shown(url)} cannot be reached ({text}); start the database server, "
        "or fix STEWARD_DATABASE_URL / storage.database_url, then run the command again")
