"""The console: sign-in passwords and attempts, private iCal feed tokens, incident notes.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

# Alembic's header (script.py.mako), alike in every migration by nature.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_passwords",
        sa.Column("engineer", sa.String(64), primary_key=True),
        sa.Column("hash", sa.String(256), nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "signin_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("engineer", sa.String(64), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("ok", sa.Boolean, nullable=False),
    )
    op.create_table(
        "ical_tokens",
        sa.Column("engineer", sa.String(64), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "incident_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False,
                  index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("incident_notes")
    op.drop_table("ical_tokens")
    op.drop_table("signin_attempts")
    op.drop_table("user_passwords")
