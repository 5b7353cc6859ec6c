"""Page claims: which process is sending a delivery, and since when (so two never send it).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

# Alembic's header (script.py.mako), alike in every migration by nature.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("page_deliveries") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(128)))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("page_deliveries") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
