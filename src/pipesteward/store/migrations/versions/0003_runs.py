"""Run records: one row per model run (pipelines over a partition or a range).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

# Alembic's header (script.py.mako), alike in every migration by nature.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False, index=True),
        sa.Column("pipeline", sa.String(64), nullable=False, index=True),
        sa.Column("partition", sa.String(32), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False, index=True),
        sa.Column("end_date", sa.Date, nullable=False, index=True),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("logic_version", sa.String(32)),
        sa.Column("rows", sa.Integer),
        sa.Column("partitions", sa.Integer),
        sa.Column("error_kind", sa.String(16)),
        sa.Column("error_message", sa.Text),
        sa.Column("sources", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("runs")
