"""Cases and their status history: creation, status changes, look-up, serialisation."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..case_status import (FINAL_STATUSES, INITIAL_STATUS, KIND_LABELS, STATUSES,
                           is_valid_status, status_label)
from ..clock import to_local, to_utc
from ..errors import ApiError
from ..models import Case, CaseEvent
from ..references import allocate_reference, reserve_reference, split_reference

REPORT_CATEGORY_LABELS = {
    "voirie": "Voirie (chaussée, trottoir)",
    "eclairage": "Éclairage public",
    "depot_sauvage": "Dépôt sauvage",
    "graffiti": "Graffiti ou tag",
    "collecte_non_effectuee": "Collecte des déchets non effectuée",
    "proprete": "Propreté",
    "espaces_verts": "Espaces verts",
    "mobilier_urbain": "Mobilier urbain",
    "signalisation": "Signalisation",
    "danger": "Danger sur la voie publique",
}


@dataclass
class HistoryEntry:
    status: str
    at: datetime
    note: Optional[str] = None


@dataclass
class NewCase:
    """Everything needed to open a case; ``fields`` are columns of :class:`Case`."""

    kind: str
    case_type: str
    title: str
    status: Optional[str] = None
    history: List[HistoryEntry] = field(default_factory=list)
    reference: Optional[str] = None
    #: True when ``reference`` comes from elsewhere (seed, import) rather than our counters.
    imported: bool = False
    note: Optional[str] = None
    fields: Dict[str, Any] = field(default_factory=dict)


def _unknown_status(kind: str, status: str) -> ApiError:
    return ApiError(422, "invalid_status",
                    f"Le statut « {status} » n'existe pas pour ce type de dossier. "
                    "Statuts possibles : " + ", ".join(STATUSES[kind]) + ".",
                    {"allowed": list(STATUSES[kind])})


def _check_status(kind: str, status: str) -> None:
    if not is_valid_status(kind, status):
        raise _unknown_status(kind, status)


def find(session: Session, reference: str) -> Optional[Case]:
    return session.execute(
        select(Case).options(selectinload(Case.events)).where(Case.reference == reference)
    ).scalar_one_or_none()


def email_matches(stored: Optional[str], given: str) -> bool:
    """Case-insensitive comparison of e-mail addresses; no stored address never matches."""
    return bool(stored) and stored.strip().casefold() == given.strip().casefold()


def _reference_for(session: Session, new: NewCase, now: datetime) -> str:
    if new.reference is None:
        return allocate_reference(session, new.kind, to_local(now).year)
    if not new.imported:
        return new.reference
    prefix = split_reference(new.reference)[0]
    if prefix != new.kind:
        raise ApiError(422, "reference_kind_mismatch",
                       f"La référence {new.reference} ne correspond pas au type {new.kind}.")
    if find(session, new.reference) is not None:
        raise ApiError(409, "reference_exists",
                       f"Un dossier porte déjà la référence {new.reference}.")
    reserve_reference(session, new.reference)
    return new.reference


def create(session: Session, new: NewCase, now: datetime, actor: str, channel: str) -> Case:
    """Insert a case with its history (validated against the kind's statuses)."""
    history = sorted(new.history, key=lambda entry: to_utc(entry.at))
    for entry in history:
        _check_status(new.kind, entry.status)
    status = new.status or (history[-1].status if history else INITIAL_STATUS[new.kind])
    _check_status(new.kind, status)
    if history and history[-1].status != status:
        history.append(HistoryEntry(status, now, new.note))
    if not history:
        history = [HistoryEntry(status, now, new.note)]
    created_at = to_utc(history[0].at)
    case = Case(reference=_reference_for(session, new, now), kind=new.kind,
                case_type=new.case_type, title=new.title, status=status, channel=channel,
                created_at=created_at, updated_at=to_utc(history[-1].at),
                closed_at=to_utc(history[-1].at) if status in FINAL_STATUSES else None,
                **{"missing_documents": [], **new.fields})
    for entry in history:
        case.events.append(CaseEvent(occurred_at=to_utc(entry.at), status=entry.status,
                                     note=entry.note, actor=actor, channel=channel))
    session.add(case)
    session.flush()
    return case


def from_admin_request(data) -> NewCase:
    """NewCase from an admin request (``schemas.cases.AdminCaseIn``)."""
    fields = data.dict(include={"next_step", "missing_documents", "requester_name",
                                "requester_email", "requester_phone", "street", "description"})
    fields["service_id"] = data.service
    return NewCase(kind=data.kind.value, case_type=data.case_type, title=data.title,
                   status=data.status, reference=data.reference, imported=True,
                   history=[HistoryEntry(h.status, h.at, h.note) for h in data.history or []],
                   fields=fields)


_UNSET = object()


def change_status(session: Session, case: Case, status: str, now: datetime, actor: str,
                  channel: str, note: Optional[str] = None, next_step: Any = _UNSET,
                  missing_documents: Optional[List[str]] = None) -> Case:
    """Record a new status (and optionally the next step and missing documents)."""
    _check_status(case.kind, status)
    case.status = status
    if next_step is not _UNSET:
        case.next_step = next_step
    if missing_documents is not None:
        case.missing_documents = list(missing_documents)
    case.updated_at = now
    case.closed_at = now if status in FINAL_STATUSES else None
    case.events.append(CaseEvent(occurred_at=now, status=status, note=note, actor=actor,
                                 channel=channel))
    session.flush()
    return case


def to_out(case: Case) -> dict:
    """Response body of a case (times in Europe/Paris)."""
    body = {
        "reference": case.reference,
        "kind": case.kind,
        "kind_label": KIND_LABELS.get(case.kind, case.kind),
        "type": case.case_type,
        "title": case.title,
        "status": case.status,
        "status_label": status_label(case.kind, case.status),
        "next_step": case.next_step,
        "missing_documents": list(case.missing_documents or []),
        "requester": {"name": case.requester_name, "email": case.requester_email},
        "created_at": to_local(case.created_at),
        "updated_at": to_local(case.updated_at),
        "closed_at": to_local(case.closed_at) if case.closed_at else None,
        "history": [{"at": to_local(event.occurred_at), "status": event.status,
                     "status_label": status_label(case.kind, event.status), "note": event.note}
                    for event in case.events],
        "civil_status": None, "report": None, "pickup": None,
    }
    if case.kind == "EC" and case.document_type:
        body["civil_status"] = {
            "document_type": case.document_type, "copy_type": case.copy_type,
            "person_name": case.person_name, "event_date": case.event_date,
            "requester_relation": case.requester_relation, "delivery": case.delivery_mode}
    if case.kind == "SIG":
        body["report"] = {
            "category": case.category,
            "category_label": REPORT_CATEGORY_LABELS.get(case.category or "", None),
            "priority": case.priority, "street": case.street,
            "location_details": case.location_details, "description": case.description}
    if case.kind == "DEC" and case.pickup_date:
        body["pickup"] = {"date": case.pickup_date, "sector": case.sector,
                          "street": case.street, "items": list(case.items or [])}
    return body
