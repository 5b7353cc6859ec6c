"""Tables of checks, exports and incidents.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

# Alembic's header (script.py.mako), alike in every migration by nature.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# Frozen history: Alembic's header above and each table spelled out column by column as it
# was applied. Alike in shape to the other migrations by nature; never edited, never factored.
def upgrade() -> None:
    op.create_table(
        "check_results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("day", sa.String(10), nullable=False, index=True),
        sa.Column("check_id", sa.String(64), nullable=False),
        sa.Column("pipeline", sa.String(64), nullable=False),
        sa.Column("partition", sa.String(16), nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("blocking", sa.Boolean, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("figures", sa.JSON, nullable=False),
    )
    op.create_table(
        "exports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("export_date", sa.String(10), nullable=False, index=True),
        sa.Column("target", sa.String(512), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("grain", sa.String(8), nullable=False),
        sa.Column("period", sa.String(10), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rows", sa.Integer),
        sa.Column("checksum", sa.String(64)),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(256), nullable=False, index=True),
        sa.Column("check_id", sa.String(64), nullable=False),
        sa.Column("pipeline", sa.String(64), nullable=False, index=True),
        sa.Column("partition", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("responder", sa.String(64)),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
        sa.Column("acknowledged_by", sa.String(64)),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.Column("occurrences", sa.Integer, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("figures", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("incidents")
    op.drop_table("exports")
    op.drop_table("check_results")
