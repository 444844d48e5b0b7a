"""Turn commune-layer objects into plain JSON-ready data for the API schemas."""
from __future__ import annotations

from dataclasses import fields as dataclass_fields
from dataclasses import is_dataclass
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel

from .clock import to_local
from .commune.schema import MonthDay, TimeRange


def clock_time(value: time) -> str:
    """"HH:MM"; the end of the day (time.max) is "24:00"."""
    return "24:00" if value == time.max else value.strftime("%H:%M")


def plain(value: Any) -> Any:
    """Recursively convert models, time windows and clock times to JSON-ready values."""
    if isinstance(value, TimeRange):
        return {"start": clock_time(value.start), "end": clock_time(value.end)}
    if isinstance(value, MonthDay):
        return f"{value.month:02d}-{value.day:02d}"
    if isinstance(value, time):
        return clock_time(value)
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, BaseModel):
        return {name: plain(item) for name, item in value}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclass_fields(value)}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def windows(pairs) -> list:
    return [{"start": clock_time(start), "end": clock_time(end)} for start, end in pairs]


def opening_status(place_id: str, at: datetime, status, windows_today) -> dict:
    """Body of OpeningStatusOut."""
    return {"service": place_id, "at": to_local(at), "open": status.open,
            "closes_at": status.closes_at, "next_opening": status.next_opening,
            "reason": status.reason, "summary": status.summary,
            "windows_today": windows(windows_today)}


def collection_date(found) -> dict:
    return {"date": found.date, "shifted_from": found.shifted_from, "reason": found.reason}
