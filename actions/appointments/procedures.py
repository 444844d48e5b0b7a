"""The procedures received by appointment, as the back office describes them.

GET /procedures and GET /procedures/{code} give each procedure's name, whether it can be
booked online and the documents to bring per situation; this module reads them and
words them for the citizen. Only the procedure codes of the intent contract and the
situation codes of the NLU have short labels here (for buttons); everything about the
commune itself comes from the back office.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from actions.api.backoffice import get_client

#: Button titles (at most 20 characters) of the procedure codes of the intent contract.
SHORT_TITLES = {
    "carte_identite": "Carte d'identité",
    "passeport": "Passeport",
    "mariage": "Dossier de mariage",
    "pacs": "PACS",
    "urbanisme": "Conseil urbanisme",
}
#: The ID-document procedures (the only ones with situations and a checklist).
ID_DOCUMENTS = ("carte_identite", "passeport")
#: Situation codes of the NLU entity ``id_situation`` and how they read in French.
SITUATIONS = {
    "premiere_demande": "Première demande",
    "renouvellement": "Renouvellement",
    "perte": "Perte",
    "vol": "Vol",
    "mineur": "Pour un mineur",
}
GENERAL = "general"


async def fetch_procedure(code: str) -> Dict[str, Any]:
    """GET /procedures/{code}; raises BackOfficeError (404 for an unknown code)."""
    return await get_client().acall("GET", f"/procedures/{code}")


async def fetch_procedures() -> List[Dict[str, Any]]:
    """GET /procedures; raises BackOfficeError."""
    return await get_client().acall("GET", "/procedures") or []


def short_title(code: str, name: Optional[str] = None) -> str:
    if code in SHORT_TITLES:
        return SHORT_TITLES[code]
    name = name or code.replace("_", " ").capitalize()
    return name if len(name) <= 20 else name[:19].rstrip() + "…"


def procedure_buttons(procedures: List[Dict[str, Any]], intent: str = "inform") -> List[Dict[str, str]]:
    """One button per bookable procedure (10 at most)."""
    return [{"title": short_title(p["code"], p.get("name")),
             "payload": f'/{intent}{{"procedure": "{p["code"]}"}}'}
            for p in procedures if p.get("bookable", True)][:10]


def fallback_procedure_buttons(intent: str = "inform") -> List[Dict[str, str]]:
    """Buttons of the contract's procedures, when the back office cannot list them."""
    return procedure_buttons([{"code": code} for code in SHORT_TITLES], intent)


def situation_buttons(intent: str, procedure: str) -> List[Dict[str, str]]:
    return [{"title": label,
             "payload": f'/{intent}{{"procedure": "{procedure}", "id_situation": "{code}"}}'}
            for code, label in SITUATIONS.items()]


def documents_for(procedure: Dict[str, Any], situation: Optional[str]) -> Optional[Tuple[Optional[str], List[str]]]:
    """(situation used, documents) for ``situation``; the only list when there is one;
    None when the situation must be asked first."""
    documents: Dict[str, List[str]] = procedure.get("documents") or {}
    if situation and situation in documents:
        return situation, list(documents[situation])
    if len(documents) == 1:
        only = next(iter(documents))
        return only, list(documents[only])
    if GENERAL in documents:
        return GENERAL, list(documents[GENERAL])
    return None


def bullet_list(items: List[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def numbered_list(items: List[str]) -> str:
    return "\n".join(f"{number}. {item}" for number, item in enumerate(items, start=1))


def practical_details(procedure: Dict[str, Any]) -> str:
    """Fee, delay, validity and notes when the back office gives them (else empty)."""
    lines = []
    for key, label in (("fee", "Coût"), ("delay", "Délai"), ("validity", "Validité")):
        if procedure.get(key):
            lines.append(f"{label} : {procedure[key]}")
    lines += [note for note in procedure.get("notes") or [] if isinstance(note, str)]
    return "\n".join(lines)
