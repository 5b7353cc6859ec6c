"""Tables of oncall: run-time swaps, unavailability, overrides, the holiday ledger.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

# Alembic's header (script.py.mako), alike in every migration by nature.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oncall_swaps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("engineer", sa.String(64), nullable=False),
        sa.Column("week", sa.Date, nullable=False),
        sa.Column("with_engineer", sa.String(64), nullable=False),
        sa.Column("their_week", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_by", sa.String(64)),
        sa.Column("accepted_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "oncall_unavailable",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("engineer", sa.String(64), nullable=False),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("to_date", sa.Date, nullable=False),
        sa.Column("reason", sa.String(256)),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "oncall_overrides",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("engineer", sa.String(64), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(256)),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "oncall_holiday_ledger",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("engineer", sa.String(64), primary_key=True),
        sa.Column("burden", sa.Integer, nullable=False),
        sa.Column("closed_by", sa.String(64), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("oncall_holiday_ledger")
    op.drop_table("oncall_overrides")
    op.drop_table("oncall_unavailable")
    op.drop_table("oncall_swaps")
