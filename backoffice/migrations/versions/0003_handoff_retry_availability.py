"""Human handoff: delivery retries of agent messages, agents' availability ("en pause").

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoff_messages") as batch:
        batch.add_column(sa.Column("delivery_attempts", sa.Integer(), nullable=False,
                                   server_default=sa.text("0")))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("handoff_agents") as batch:
        batch.add_column(sa.Column("available", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("handoff_agents") as batch:
        batch.drop_column("available")
    with op.batch_alter_table("handoff_messages") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("delivery_attempts")
