"""Demo data: a few citizen cases with realistic histories (idempotent loader).

The references and e-mail addresses below are documented in
docs/backoffice-api.md so that demos and conversation tests can use them.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import List

from .clock import Clock
from .handoff.cli import seed_demo_agent
from .schemas.cases import AdminCaseIn
from .services import cases as case_service
from .transactions import run_transaction

logger = logging.getLogger(__name__)

DEMO_CASES: List[dict] = [
    {
        "kind": "URB", "reference": "URB-2026-00123", "case_type": "permis_construire",
        "title": "Permis de construire : extension d'une maison individuelle",
        "requester_name": "Jean Dupont", "requester_email": "jean.dupont@example.fr",
        "service": "urbanisme", "street": "12 rue Victor Hugo",
        "history": [
            {"status": "depose", "at": "2026-10-05T10:12:00+02:00",
             "note": "Dossier déposé au guichet du service Urbanisme."},
            {"status": "incomplet", "at": "2026-10-21T15:40:00+02:00",
             "note": "Courrier de demande de pièces complémentaires envoyé."},
        ],
        "missing_documents": ["Plan de masse coté (PCMI2)",
                              "Notice décrivant le terrain et le projet (PCMI4)"],
        "next_step": "Déposez les pièces manquantes au service Urbanisme ou par e-mail "
                     "avant le 21 janvier 2027 ; l'instruction reprendra dès leur réception.",
    },
    {
        "kind": "EC", "reference": "EC-2025-04411", "case_type": "acte_naissance",
        "title": "Acte de naissance (copie intégrale) : Marie Durand",
        "requester_name": "Marie Durand", "requester_email": "marie.durand@example.fr",
        "service": "etat_civil",
        "history": [
            {"status": "recu", "at": "2025-12-15T09:05:00+01:00"},
            {"status": "en_cours", "at": "2025-12-16T11:20:00+01:00"},
            {"status": "envoye", "at": "2025-12-18T16:00:00+01:00",
             "note": "Copie intégrale envoyée par courrier."},
        ],
        "next_step": "Le document vous a été envoyé par courrier. S'il ne vous parvient pas "
                     "sous 10 jours, contactez le service État civil.",
    },
    {
        "kind": "SIG", "reference": "SIG-2026-00007", "case_type": "eclairage",
        "title": "Signalement : éclairage public en panne, rue Victor Hugo",
        "requester_name": "Jean Dupont", "requester_email": "jean.dupont@example.fr",
        "service": "services_techniques", "street": "rue Victor Hugo",
        "description": "Le lampadaire devant le n° 24 ne s'allume plus depuis trois jours.",
        "history": [
            {"status": "recu", "at": "2026-11-16T19:32:00+01:00"},
            {"status": "pris_en_charge", "at": "2026-11-17T08:45:00+01:00"},
            {"status": "intervention_planifiee", "at": "2026-11-18T14:10:00+01:00",
             "note": "Intervention de l'électricien prévue dans la semaine."},
        ],
        "next_step": "Un électricien des services techniques interviendra d'ici le "
                     "27 novembre 2026.",
    },
    {
        "kind": "DEC", "reference": "DEC-2026-00015", "case_type": "bac_casse",
        "title": "Remplacement d'un bac d'ordures ménagères cassé",
        "requester_name": "Jean Dupont", "requester_email": "jean.dupont@example.fr",
        "service": "dechets", "street": "12 rue Victor Hugo",
        "history": [
            {"status": "recu", "at": "2026-11-10T10:00:00+01:00"},
            {"status": "en_cours", "at": "2026-11-12T09:30:00+01:00",
             "note": "Livraison d'un bac neuf commandée."},
        ],
        "next_step": "Un bac neuf sera livré devant votre domicile sous 10 jours ; "
                     "laissez l'ancien bac sur le trottoir, il sera repris.",
    },
]


def seed_demo_data(sessions, clock: Clock, commune=None) -> List[str]:
    """Create the demo cases that do not exist yet; return the references created."""
    now: datetime = clock.now()
    created: List[str] = []
    for raw in DEMO_CASES:
        data = AdminCaseIn(**raw)
        if commune is not None and data.service and data.service not in commune.services:
            data = data.copy(update={"service": None})

        def work(session, data=data):
            if case_service.find(session, data.reference) is not None:
                return None
            case = case_service.create(session, case_service.from_admin_request(data), now,
                                       actor="agent", channel="seed")
            return case.reference

        reference = run_transaction(sessions, work)
        if reference:
            created.append(reference)
            logger.info("Demo case %s created", reference)
    created += seed_demo_agent(sessions, now)
    return created
