"""The table of exports: each export of a period to a target, and how it ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pipesteward.store.base import Base


class ExportRecord(Base):
    """One export of one period (a day or a month) to one target, and how it ended."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    export_date: Mapped[str] = mapped_column(String(10), index=True)  # the day exported
    target: Mapped[str] = mapped_column(String(512))  # "files:/path" or "sql:table"
    kind: Mapped[str] = mapped_column(String(16))
    grain: Mapped[str] = mapped_column(String(8))  # "day" | "month"
    period: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(16))  # "verified" | "failed"
    rows: Mapped[int | None] = mapped_column(Integer)
    checksum: Mapped[str | None] = mapped_column(String(64))
    files: Mapped[dict] = mapped_column(JSON, default=dict)  # name -> sha256
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    error: Mapped[str | None] = mapped_column(Text)
