"""The audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

# Alembic's header (script.py.mako), alike in every migration by nature.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# Frozen history: Alembic's header above and each table spelled out column by column as it
# was applied. Alike in shape to the other migrations by nature; never edited, never factored.
def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False, index=True),
        sa.Column("subject", sa.String(256)),
        sa.Column("detail", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
