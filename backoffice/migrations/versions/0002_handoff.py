"""Human handoff: agents, console sessions, AGT tickets, their messages and notes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Instant = sa.DateTime(timezone=True)
OPEN_LIVE = sa.text("kind = 'live' AND status IN ('waiting', 'claimed')")


def _agent_fk(table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["agent_id"], ["handoff_agents.id"], ondelete=ondelete,
                                   name=f"fk_{table}_agent_id_handoff_agents")


def _ticket_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["ticket_id"], ["handoff_tickets.id"], ondelete="CASCADE",
                                   name=f"fk_{table}_ticket_id_handoff_tickets")


def upgrade() -> None:
    op.create_table(
        "handoff_agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_agents"),
        sa.UniqueConstraint("username", name="uq_handoff_agents_username"),
    )
    op.create_table(
        "handoff_agent_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("last_seen_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_agent_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_handoff_agent_sessions_token_hash"),
        _agent_fk("handoff_agent_sessions", "CASCADE"),
    )
    op.create_index("ix_handoff_agent_sessions_agent_id", "handoff_agent_sessions", ["agent_id"])
    op.create_index("ix_handoff_agent_sessions_last_seen_at", "handoff_agent_sessions",
                    ["last_seen_at"])
    op.create_table(
        "handoff_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("urgency", sa.String(10)),
        sa.Column("service", sa.String(60)),
        sa.Column("intent", sa.String(100)),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("citizen_name", sa.String(120)),
        sa.Column("callback_phone", sa.String(30)),
        sa.Column("callback_email", sa.String(254)),
        sa.Column("callback_time", sa.String(200)),
        sa.Column("callback_url", sa.String(500)),
        sa.Column("agent_id", sa.Integer()),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("claimed_at", Instant),
        sa.Column("closed_at", Instant),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_tickets"),
        sa.UniqueConstraint("reference", name="uq_handoff_tickets_reference"),
        _agent_fk("handoff_tickets", "SET NULL"),
    )
    op.create_index("ix_handoff_tickets_status", "handoff_tickets", ["status"])
    op.create_index("ix_handoff_tickets_conversation_id", "handoff_tickets", ["conversation_id"])
    op.create_index("ix_handoff_tickets_queue", "handoff_tickets",
                    ["status", "priority", "created_at"])
    op.create_index("uq_handoff_live_open", "handoff_tickets", ["conversation_id"], unique=True,
                    sqlite_where=OPEN_LIVE, postgresql_where=OPEN_LIVE)
    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("author", sa.String(10), nullable=False),
        sa.Column("agent_id", sa.Integer()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("external_id", sa.String(100)),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("delivered_at", Instant),
        sa.Column("delivery_error", sa.String(200)),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_messages"),
        sa.UniqueConstraint("ticket_id", "external_id",
                            name="uq_handoff_messages_ticket_id_external_id"),
        _ticket_fk("handoff_messages"),
        _agent_fk("handoff_messages", "SET NULL"),
    )
    op.create_index("ix_handoff_messages_ticket_id", "handoff_messages", ["ticket_id"])
    op.create_index("ix_handoff_messages_conversation_id", "handoff_messages",
                    ["conversation_id"])
    op.create_table(
        "handoff_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_notes"),
        _ticket_fk("handoff_notes"),
        _agent_fk("handoff_notes", "SET NULL"),
    )
    op.create_index("ix_handoff_notes_ticket_id", "handoff_notes", ["ticket_id"])


def downgrade() -> None:
    for table in ("handoff_notes", "handoff_messages", "handoff_tickets",
                  "handoff_agent_sessions", "handoff_agents"):
        op.drop_table(table)
