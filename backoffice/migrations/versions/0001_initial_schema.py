"""Initial back-office schema: appointments, cases, counters, idempotency, rate limits.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Instants are timestamptz on PostgreSQL and naive-UTC text on SQLite (see models.UTCDateTime).
Instant = sa.DateTime(timezone=True)

CONFIRMED = sa.text("status = 'confirmed'")
LIVE_PICKUP = sa.text("pickup_date IS NOT NULL AND status <> 'annule'")


def upgrade() -> None:
    op.create_table(
        "reference_counters",
        sa.Column("prefix", sa.String(8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name="pk_reference_counters"),
    )
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("procedure", sa.String(40), nullable=False),
        sa.Column("service_id", sa.String(60), nullable=False),
        sa.Column("start_at", Instant, nullable=False),
        sa.Column("end_at", Instant, nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("citizen_name", sa.String(120), nullable=False),
        sa.Column("citizen_email", sa.String(254), nullable=False),
        sa.Column("citizen_phone", sa.String(30), nullable=True),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("reschedule_count", sa.Integer(), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
        sa.Column("cancelled_at", Instant, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_appointments"),
        sa.UniqueConstraint("reference", name="uq_appointments_reference"),
    )
    op.create_index("ix_appointments_procedure", "appointments", ["procedure"])
    op.create_index("ix_appointments_start_at", "appointments", ["start_at"])
    op.create_index("uq_appointments_slot", "appointments", ["procedure", "start_at", "counter"],
                    unique=True, sqlite_where=CONFIRMED, postgresql_where=CONFIRMED)

    op.create_table(
        "appointment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", Instant, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("start_at", Instant, nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointments.id"], ondelete="CASCADE",
                                name="fk_appointment_events_appointment_id_appointments"),
        sa.PrimaryKeyConstraint("id", name="pk_appointment_events"),
    )
    op.create_index("ix_appointment_events_appointment_id", "appointment_events",
                    ["appointment_id"])

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("case_type", sa.String(60), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("next_step", sa.String(500), nullable=True),
        sa.Column("missing_documents", sa.JSON(), nullable=False),
        sa.Column("service_id", sa.String(60), nullable=True),
        sa.Column("requester_name", sa.String(120), nullable=True),
        sa.Column("requester_email", sa.String(254), nullable=True),
        sa.Column("requester_phone", sa.String(30), nullable=True),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
        sa.Column("closed_at", Instant, nullable=True),
        sa.Column("document_type", sa.String(40), nullable=True),
        sa.Column("person_name", sa.String(120), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("requester_relation", sa.String(40), nullable=True),
        sa.Column("copy_type", sa.String(40), nullable=True),
        sa.Column("delivery_mode", sa.String(20), nullable=True),
        sa.Column("postal_address", sa.String(300), nullable=True),
        sa.Column("category", sa.String(40), nullable=True),
        sa.Column("priority", sa.String(10), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("street", sa.String(200), nullable=True),
        sa.Column("location_details", sa.String(300), nullable=True),
        sa.Column("sector", sa.String(60), nullable=True),
        sa.Column("pickup_date", sa.Date(), nullable=True),
        sa.Column("pickup_position", sa.Integer(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("reference", name="uq_cases_reference"),
    )
    op.create_index("ix_cases_kind", "cases", ["kind"])
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_index("ix_cases_category", "cases", ["category"])
    op.create_index("ix_cases_created_at", "cases", ["created_at"])
    op.create_index("uq_cases_pickup", "cases", ["sector", "pickup_date", "pickup_position"],
                    unique=True, sqlite_where=LIVE_PICKUP, postgresql_where=LIVE_PICKUP)

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", Instant, nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.Column("actor", sa.String(30), nullable=False),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE",
                                name="fk_case_events_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_case_events"),
    )
    op.create_index("ix_case_events_case_id", "case_events", ["case_id"])

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.String(300), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.JSON(), nullable=False),
        sa.Column("resource_reference", sa.String(16), nullable=True),
        sa.Column("created_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_idempotency_keys"),
        sa.UniqueConstraint("client", "key", name="uq_idempotency_keys_client_key"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])

    op.create_table(
        "lookup_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("endpoint", sa.String(60), nullable=False),
        sa.Column("occurred_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lookup_failures"),
    )
    op.create_index("ix_lookup_failures_scope_subject", "lookup_failures",
                    ["scope", "subject", "occurred_at"])


def downgrade() -> None:
    for table in ("lookup_failures", "idempotency_keys", "case_events", "cases",
                  "appointment_events", "appointments", "reference_counters"):
        op.drop_table(table)
