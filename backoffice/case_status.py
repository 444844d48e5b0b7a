"""Vocabulary of case kinds and statuses, with the French labels shown to citizens."""
from __future__ import annotations

from typing import Dict

KIND_LABELS: Dict[str, str] = {
    "URB": "Dossier d'urbanisme",
    "EC": "Demande d'état civil",
    "SIG": "Signalement",
    "DEC": "Demande liée aux déchets",
}

#: Allowed statuses per kind, in their usual order, with their French label.
STATUSES: Dict[str, Dict[str, str]] = {
    "URB": {
        "depose": "Dossier déposé",
        "incomplet": "Dossier incomplet : pièces manquantes",
        "en_instruction": "En cours d'instruction",
        "accorde": "Autorisation accordée",
        "refuse": "Autorisation refusée",
        "annule": "Dossier annulé",
    },
    "EC": {
        "recu": "Demande reçue",
        "incomplet": "Demande incomplète : informations manquantes",
        "en_cours": "En cours de traitement",
        "envoye": "Document envoyé",
        "refuse": "Demande refusée",
        "annule": "Demande annulée",
    },
    "SIG": {
        "recu": "Signalement reçu",
        "pris_en_charge": "Pris en charge par les services",
        "intervention_planifiee": "Intervention planifiée",
        "resolu": "Problème résolu",
        "clos": "Signalement clôturé",
    },
    "DEC": {
        "recu": "Demande reçue",
        "planifie": "Enlèvement planifié",
        "en_cours": "En cours de traitement",
        "effectue": "Demande traitée",
        "annule": "Demande annulée",
    },
}

#: Statuses after which nothing more is expected; they set ``closed_at``.
FINAL_STATUSES = frozenset({"accorde", "refuse", "annule", "envoye", "resolu", "clos",
                            "effectue"})

INITIAL_STATUS = {"URB": "depose", "EC": "recu", "SIG": "recu", "DEC": "planifie"}


def status_label(kind: str, status: str) -> str:
    """French label of ``status`` for ``kind`` (the code itself if unknown)."""
    return STATUSES.get(kind, {}).get(status, status)


def is_valid_status(kind: str, status: str) -> bool:
    return status in STATUSES.get(kind, {})


def all_status_codes() -> list:
    return sorted({code for statuses in STATUSES.values() for code in statuses})
