"""Turn citizens' civil-status requests, reports and bin requests into new cases."""
from __future__ import annotations

from typing import Optional

from ..schemas.cases import BinRequestIn, CivilStatusRequestIn, ReportIn
from .cases import REPORT_CATEGORY_LABELS, NewCase
from .locating import resolve_street

DOCUMENT_LABELS = {
    "acte_naissance": "Acte de naissance",
    "acte_mariage": "Acte de mariage",
    "acte_deces": "Acte de décès",
}

#: Service in charge, used only when the commune declares a service with this id.
CIVIL_STATUS_SERVICE = "etat_civil"
TECHNICAL_SERVICE = "services_techniques"
WASTE_SERVICE = "dechets"

BIN_PROBLEM_LABELS = {
    "nouveau": "Demande d'un nouveau bac",
    "plus_grand": "Demande d'un bac plus grand",
    "casse": "Remplacement d'un bac cassé",
    "vol": "Remplacement d'un bac volé",
}


def _known_service(commune, service_id: str) -> Optional[str]:
    return service_id if service_id in commune.services else None


def civil_status_case(commune, data: CivilStatusRequestIn) -> NewCase:
    document = data.document_type.value
    delivery = ("par courrier à l'adresse indiquée" if data.delivery.value == "courrier"
                else "par e-mail")
    return NewCase(
        kind="EC", case_type=document,
        title=f"{DOCUMENT_LABELS[document]} : {data.person.name}",
        fields={
            "next_step": ("Votre demande va être traitée par le service État civil sous "
                          f"5 jours ouvrés. Le document vous sera envoyé {delivery}."),
            "service_id": _known_service(commune, CIVIL_STATUS_SERVICE),
            "requester_name": data.name, "requester_email": data.email,
            "requester_phone": data.phone, "document_type": document,
            "copy_type": data.copy_type.value, "person_name": data.person.name,
            "event_date": data.person.event_date,
            "requester_relation": data.requester_relation.value,
            "delivery_mode": data.delivery.value, "postal_address": data.postal_address,
        })


def report_case(commune, data: ReportIn) -> NewCase:
    category = data.category.value
    priority = "high" if category == "danger" else data.priority.value
    if priority == "high":
        next_step = ("Votre signalement est traité en priorité par les services techniques. "
                     "En cas de danger immédiat, appelez le 112.")
    else:
        next_step = ("Votre signalement a été transmis aux services techniques, qui "
                     "l'examineront sous 5 jours ouvrés.")
    contact = data.contact
    return NewCase(
        kind="SIG", case_type=category,
        title=f"Signalement : {REPORT_CATEGORY_LABELS[category]}, {data.location.street}",
        fields={
            "next_step": next_step,
            "service_id": _known_service(commune, TECHNICAL_SERVICE),
            "requester_name": contact.name if contact else None,
            "requester_email": contact.email if contact else None,
            "requester_phone": contact.phone if contact else None,
            "category": category, "priority": priority, "description": data.description,
            "street": data.location.street, "location_details": data.location.details,
        })


def bin_request_case(commune, data: BinRequestIn) -> NewCase:
    """A DEC case (status ``recu``) for a new, bigger, broken or stolen bin."""
    street = resolve_street(commune, data.street)
    problem = data.problem.value
    return NewCase(
        kind="DEC", case_type=f"bac_{problem}", status="recu",
        title=f"{BIN_PROBLEM_LABELS[problem]} : {street.name}",
        fields={
            "next_step": ("Le service déchets va étudier votre demande et vous contactera "
                          "sous 5 jours ouvrés pour convenir de la livraison du bac."),
            "service_id": _known_service(commune, WASTE_SERVICE),
            "requester_name": data.name, "requester_email": data.email,
            "requester_phone": data.phone, "street": street.name, "sector": street.sector,
            "location_details": data.address_details or (
                data.street if data.street != street.name else None),
            "description": data.description,
        })
