"""Schemas of procedures, free slots and appointments."""
from datetime import date, datetime
from typing import Dict, List, Optional

from pydantic import Field, validator

from .common import ApiModel, Code, Email, EmailProof, Name, OutModel, Phone, check_year


class ProcedureOut(OutModel):
    code: str = Field(..., example="carte_identite")
    name: str = Field(..., example="Carte nationale d'identité")
    service: str = Field(..., description="Identifiant du service qui reçoit.")
    duration_minutes: int
    counters: int = Field(..., description="Nombre de guichets (rendez-vous simultanés).")
    min_lead_hours: int = Field(..., description="Délai minimal de réservation, en heures.")
    max_days_ahead: int = Field(..., description="Horizon de réservation, en jours.")
    bookable: bool = Field(..., description="Réservable en ligne.")
    documents: Dict[str, List[str]] = Field(
        ..., description="Pièces à fournir selon la situation (ex. premiere_demande).")
    situations: Dict[str, str] = Field(
        ..., description="Libellé français de chaque situation de `documents`.")
    description: Optional[str] = None
    fee: str = Field(..., description="Coût, en français (ex. « gratuit »).")
    delay: str = Field(..., description="Délai de fabrication ou d'instruction, en français.")
    validity: Optional[str] = None
    notes: List[str] = Field(..., description="Précisions utiles au citoyen.")


class SlotOut(OutModel):
    start: datetime
    end: datetime
    available: int = Field(..., description="Guichets encore libres sur ce créneau.")


class ClosedDayOut(OutModel):
    date: date
    reason: str = Field(..., description="Raison de la fermeture, en français.")


class SlotsOut(OutModel):
    procedure: str
    service: str
    start: date
    end: date
    earliest_bookable: datetime = Field(..., description="Premier instant réservable "
                                                         "(délai minimal compris).")
    latest_bookable_day: date
    slots: List[SlotOut]
    closed_days: List[ClosedDayOut] = Field(
        ..., description="Jours de la période où le service n'ouvre pas (jour férié, "
                         "fermeture exceptionnelle, jour de fermeture habituel).")


class AppointmentCreate(ApiModel):
    procedure: Code = Field(..., example="carte_identite")
    start: datetime = Field(..., description="Début du créneau choisi (heure de Paris si aucun "
                                             "fuseau n'est indiqué).",
                            example="2026-12-01T09:00:00+01:00")
    name: Name = Field(..., example="Jean Dupont")
    email: Email = Field(..., example="jean.dupont@example.fr")
    phone: Optional[Phone] = Field(None, example="06 12 34 56 78")

    _start_year = validator("start", allow_reuse=True)(check_year)


class AppointmentReschedule(EmailProof):
    start: datetime = Field(..., description="Début du nouveau créneau.")

    _start_year = validator("start", allow_reuse=True)(check_year)


class CitizenOut(OutModel):
    name: str
    email: str
    phone: Optional[str]


class AppointmentOut(OutModel):
    reference: str = Field(..., example="RDV-2026-00042")
    procedure: str
    procedure_name: str
    service: str
    service_name: str
    address: Optional[str]
    start: datetime
    end: datetime
    counter: int = Field(..., description="Numéro du guichet (1 à N).")
    status: str = Field(..., description="confirmed ou cancelled")
    status_label: str
    citizen: CitizenOut
    documents: Dict[str, List[str]]
    created_at: datetime
    updated_at: datetime


class AdminAppointmentsOut(OutModel):
    day: date
    appointments: List[AppointmentOut]
