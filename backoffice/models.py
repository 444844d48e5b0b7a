"""SQLAlchemy models of the back-office store.

All instants are stored in UTC (``timestamptz`` on PostgreSQL, naive UTC text
on SQLite) and come back as aware UTC datetimes. Structured data lives in
columns so analytics can query it directly; only short lists (missing
documents, bulky items) are JSON arrays.

Invariants enforced by the database itself:

* one confirmed appointment per (procedure, slot start, counter) — partial
  unique index ``uq_appointments_slot``;
* one live bulky-waste pickup per (sector, round date, position) — partial
  unique index ``uq_cases_pickup``;
* references are unique and drawn from ``reference_counters`` rows.

The AGT hand-off tickets and their messages are meant to get their own
tables next to ``cases``, sharing the reference counters.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, Column, Date, DateTime, ForeignKey, Index, Integer,
                        MetaData, String, Text, UniqueConstraint, text)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


class UTCDateTime(TypeDecorator):
    """Aware datetime stored in UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ReferenceCounter(Base):
    """Last number handed out for one reference prefix in one year."""

    __tablename__ = "reference_counters"
    prefix = Column(String(8), primary_key=True)
    year = Column(Integer, primary_key=True)
    last_value = Column(Integer, nullable=False, default=0)


class Appointment(Base):
    """A booked (or cancelled) appointment at a municipal counter."""

    __tablename__ = "appointments"
    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    procedure = Column(String(40), nullable=False, index=True)
    service_id = Column(String(60), nullable=False)
    start_at = Column(UTCDateTime, nullable=False, index=True)
    end_at = Column(UTCDateTime, nullable=False)
    counter = Column(Integer, nullable=False)
    status = Column(String(20), nullable=False, default="confirmed")
    citizen_name = Column(String(120), nullable=False)
    citizen_email = Column(String(254), nullable=False)
    citizen_phone = Column(String(30))
    channel = Column(String(30), nullable=False, default="api")
    reschedule_count = Column(Integer, nullable=False, default=0)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    cancelled_at = Column(UTCDateTime)

    events = relationship("AppointmentEvent", back_populates="appointment",
                          order_by="AppointmentEvent.id", cascade="all, delete-orphan")

    __table_args__ = (
        Index("uq_appointments_slot", "procedure", "start_at", "counter", unique=True,
              sqlite_where=text("status = 'confirmed'"),
              postgresql_where=text("status = 'confirmed'")),
    )


class AppointmentEvent(Base):
    """History of an appointment: booked, rescheduled, cancelled."""

    __tablename__ = "appointment_events"
    id = Column(Integer, primary_key=True)
    appointment_id = Column(Integer, ForeignKey("appointments.id", ondelete="CASCADE"),
                            nullable=False, index=True)
    occurred_at = Column(UTCDateTime, nullable=False, default=utcnow)
    action = Column(String(20), nullable=False)
    start_at = Column(UTCDateTime, nullable=False)
    counter = Column(Integer, nullable=False)
    channel = Column(String(30), nullable=False, default="api")

    appointment = relationship("Appointment", back_populates="events")


class Case(Base):
    """A citizen file: urbanism (URB), civil status (EC), report (SIG), waste (DEC)."""

    __tablename__ = "cases"
    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    kind = Column(String(3), nullable=False, index=True)
    case_type = Column(String(60), nullable=False)
    title = Column(String(200), nullable=False)
    status = Column(String(40), nullable=False, index=True)
    next_step = Column(String(500))
    missing_documents = Column(JSON, nullable=False, default=list)
    service_id = Column(String(60))
    requester_name = Column(String(120))
    requester_email = Column(String(254))
    requester_phone = Column(String(30))
    channel = Column(String(30), nullable=False, default="api")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    closed_at = Column(UTCDateTime)
    # Civil status (EC)
    document_type = Column(String(40))
    person_name = Column(String(120))
    event_date = Column(Date)
    requester_relation = Column(String(40))
    copy_type = Column(String(40))
    delivery_mode = Column(String(20))
    postal_address = Column(String(300))
    # Reports (SIG)
    category = Column(String(40), index=True)
    priority = Column(String(10))
    description = Column(Text)
    # Location: reports and waste requests
    street = Column(String(200))
    location_details = Column(String(300))
    # Bulky-waste pickups (DEC)
    sector = Column(String(60))
    pickup_date = Column(Date)
    pickup_position = Column(Integer)
    items = Column(JSON)

    events = relationship("CaseEvent", back_populates="case",
                          order_by="CaseEvent.id", cascade="all, delete-orphan")

    __table_args__ = (
        Index("uq_cases_pickup", "sector", "pickup_date", "pickup_position", unique=True,
              sqlite_where=text("pickup_date IS NOT NULL AND status <> 'annule'"),
              postgresql_where=text("pickup_date IS NOT NULL AND status <> 'annule'")),
    )


class CaseEvent(Base):
    """One step in the life of a case (status change with an optional note)."""

    __tablename__ = "case_events"
    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"),
                     nullable=False, index=True)
    occurred_at = Column(UTCDateTime, nullable=False, default=utcnow)
    status = Column(String(40), nullable=False)
    note = Column(String(1000))
    actor = Column(String(30), nullable=False, default="systeme")
    channel = Column(String(30), nullable=False, default="api")

    case = relationship("Case", back_populates="events")


class IdempotencyRecord(Base):
    """First successful answer to a request sent with an Idempotency-Key header."""

    __tablename__ = "idempotency_keys"
    id = Column(Integer, primary_key=True)
    client = Column(String(64), nullable=False)
    key = Column(String(255), nullable=False)
    method = Column(String(10), nullable=False)
    path = Column(String(300), nullable=False)
    request_hash = Column(String(64), nullable=False)
    status_code = Column(Integer, nullable=False)
    response_body = Column(JSON, nullable=False)
    resource_reference = Column(String(16))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("client", "key"),)


class LookupFailure(Base):
    """A failed reference + e-mail look-up, counted by the rate limiter."""

    __tablename__ = "lookup_failures"
    id = Column(Integer, primary_key=True)
    scope = Column(String(20), nullable=False)
    subject = Column(String(255), nullable=False)
    endpoint = Column(String(60), nullable=False)
    occurred_at = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_lookup_failures_scope_subject", "scope", "subject", "occurred_at"),)
