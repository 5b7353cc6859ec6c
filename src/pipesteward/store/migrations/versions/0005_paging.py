"""Paging: each incident's escalation chain and level, and every delivery attempt.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

# Alembic's header (script.py.mako), alike in every migration by nature.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("escalation", sa.JSON))
        batch.add_column(sa.Column("level", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("paged_at", sa.DateTime(timezone=True)))
    op.create_table(
        "page_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False,
                  index=True),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("engineer", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(256), nullable=False),
        sa.Column("channel_index", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("page_deliveries")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("paged_at")
        batch.drop_column("level")
        batch.drop_column("escalation")
