"""Urbanism: which authorisation a project needs (déclaration préalable or permis de
construire), with its CERFA form, documents and instruction delay; pointers to the PLU,
the cadastre and the certificat d'urbanisme.

The national rules are data (actions/data/urbanism_rules.yml); ``building_permit_form``
asks the project type (entity ``project_type``) and, when the answer depends on it, the
surface (entity ``surface``, read as a number of m²). The urbanism service's contacts
come from the back office; when it is down the rules are still given.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api.backoffice import BackOfficeError
from actions.general_info import fetch_service, service_card_text, topic_service_query
from actions.territory_data import load_data
from actions.territory_forms import (SKIPPED, TerritoryFormValidation, accepted, ask_again,
                                     reset_events, stopped_early)
from actions.territory_text import bullet_list, clean_input, first_number, fold, matches_any

FORM_SLOTS = ["urb_project_type", "urb_surface"]
OTHER = "autre"
UNKNOWN_SURFACE_WORDS = ("sais pas", "aucune idee", "ne sait pas", "pas encore", "je ne sais")
APPOINTMENT_BUTTON = {"title": "Rendez-vous conseil",
                      "payload": '/book_appointment{"procedure": "urbanisme"}'}
PROJECT_BUTTONS = ["extension", "veranda", "abri_jardin", "garage", "piscine", "maison",
                   "cloture", "ravalement", "fenetres"]


def rules() -> Dict[str, Any]:
    return load_data("urbanism_rules")


def project(project_type: Optional[str]) -> Optional[Dict[str, Any]]:
    return rules()["projects"].get(project_type or "")


def project_of(value: Any) -> Optional[str]:
    """The project type meant by an entity value, a button or a free answer."""
    if isinstance(value, list):
        value = value[-1] if value else None
    if not isinstance(value, str):
        return None
    if value == OTHER or value in rules()["projects"]:
        return value
    for name, info in rules()["projects"].items():
        if matches_any(value, info.get("patterns", [])):
            return name
    return None


def project_buttons() -> List[Dict[str, str]]:
    titles = {name: rules()["projects"][name]["title"] for name in PROJECT_BUTTONS}
    buttons = [{"title": title, "payload": f"/inform{json.dumps({'project_type': name})}"}
               for name, title in titles.items()]
    return buttons + [{"title": "Autre projet", "payload": f'/inform{{"project_type": "{OTHER}"}}'}]


def parse_surface(value: Any) -> Optional[float]:
    """A surface in m² within believable bounds, or None."""
    if isinstance(value, list):
        value = value[-1] if value else None
    number = first_number(value if isinstance(value, str) else str(value) if value is not None else None)
    bounds = rules()["surface_bounds"]
    if number is None or not bounds["min"] <= number <= bounds["max"]:
        return None
    return number


class ValidateBuildingPermitForm(TerritoryFormValidation):
    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "validate_building_permit_form"

    def active_slots(self, tracker: Tracker) -> List[str]:
        info = project(tracker.get_slot("urb_project_type"))
        return list(FORM_SLOTS) if info is None or info.get("needs_surface") else FORM_SLOTS[:1]

    async def validate_urb_project_type(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        kind = project_of(value)
        if kind is None:
            return ask_again(tracker, dispatcher, "urb_project_type",
                             "Je n'ai pas reconnu ce type de projet. Choisissez le plus proche :",
                             project_buttons())
        return accepted("urb_project_type", kind)

    async def validate_urb_surface(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = value if isinstance(value, str) else ""
        if value == SKIPPED or any(words in fold(text) for words in UNKNOWN_SURFACE_WORDS):
            return accepted("urb_surface", SKIPPED)
        surface = parse_surface(value)
        if surface is None:
            reason = (f"Une surface de {text.strip()} ne me paraît pas possible."
                      if first_number(text) is not None else "Je n'ai pas reconnu de surface.")
            return ask_again(tracker, dispatcher, "urb_surface",
                             f"{reason} Indiquez la surface créée en m², par exemple « 25 m² », "
                             "ou répondez « je ne sais pas ».")
        return accepted("urb_surface", surface)


# -- the answer ------------------------------------------------------------------------
def outcome(steps: List[Dict[str, Any]], surface: float) -> str:
    """The procedure id for a surface, from steps ordered by their upper bound."""
    for step in steps:
        if "up_to" not in step or surface <= step["up_to"]:
            return step["procedure"]
    return steps[-1]["procedure"]  # pragma: no cover - the last step has no bound


def steps_text(steps: List[Dict[str, Any]]) -> str:
    """ "jusqu'à 5 m² : aucune autorisation ; jusqu'à 20 m² : une déclaration préalable ; au-delà : …"."""
    parts, previous = [], None
    for step in steps:
        name = rules()["procedures"][step["procedure"]]["name"]
        if "up_to" in step:
            start = f"de {previous:g} à" if previous is not None else "jusqu'à"
            parts.append(f"{start} {step['up_to']:g} m² : {name}")
            previous = step["up_to"]
        else:
            parts.append(f"au-delà de {previous:g} m² : {name}" if previous is not None else name)
    return " ; ".join(parts)


def procedure_text(procedure_id: str) -> str:
    """ "il faut une déclaration préalable (formulaire CERFA 13703), instruite en 1 mois"."""
    procedure = rules()["procedures"][procedure_id]
    form = rules()["forms"].get(procedure.get("form", ""), {})
    return procedure["sentence"].format(cerfa=form.get("cerfa", ""), delay=procedure.get("delay", ""))


def decision(info: Dict[str, Any], surface: Optional[float]) -> List[str]:
    """Sentences saying which procedure applies (per PLU zone when it matters)."""
    label = info["label"]
    where = f"{label} de {surface:g} m²" if surface is not None else label
    if "procedure" in info:
        return [f"Pour {where}, {procedure_text(info['procedure'])}."]
    zones = info.get("zones") or [{"label": None, "steps": info["steps"]}]
    if surface is None:
        return [f"Pour {label}, tout dépend de la surface créée :"] + [
            f"• {zone['label'] + ' : ' if zone['label'] else ''}{steps_text(zone['steps'])}."
            for zone in zones]
    found = [(zone["label"], outcome(zone["steps"], surface)) for zone in zones]
    if len({procedure for _, procedure in found}) == 1:
        return [f"Pour {where}, {procedure_text(found[0][1])}."]
    return [f"Pour {where}, cela dépend de la zone du plan local d'urbanisme (PLU) :"] + [
        f"• {zone} : {procedure_text(procedure)}." for zone, procedure in found]


def documented_procedure(info: Dict[str, Any], surface: Optional[float]) -> Optional[str]:
    """The most demanding procedure the answer may lead to, whose documents are listed."""
    if "procedure" in info:
        possible = {info["procedure"]}
    else:
        zones = info.get("zones") or [{"steps": info["steps"]}]
        possible = {outcome(zone["steps"], surface) if surface is not None else step["procedure"]
                    for zone in zones for step in zone["steps"]}
    ranked = [p for p in ("dp_if_plu", "dp", "pc", "pc_maison") if p in possible]
    return ranked[-1] if ranked else None


def answer_lines(project_type: str, surface: Optional[float]) -> List[str]:
    info = project(project_type)
    if info is None:
        return ["Pour ce type de projet, le service urbanisme vous dira quelle autorisation "
                "demander, et peut vous recevoir en rendez-vous conseil."]
    lines = decision(info, surface)
    document = documented_procedure(info, surface)
    if document:
        lines += ["Pièces principales du dossier :",
                  bullet_list(rules()["procedures"][document].get("documents", []))]
    lines += info.get("notes", [])
    threshold = rules()["architect_threshold"]
    if surface is not None and surface > threshold and project_type in ("extension", "veranda"):
        lines.append(f"Au-delà de {threshold} m² de surface totale après travaux, le recours à un "
                     "architecte est obligatoire.")
    if document:
        lines.append(rules()["other_forms_note"])
    lines.append(rules()["protected_area_note"])
    return lines


async def urbanism_service_text() -> Optional[str]:
    """The urbanism service's status and contacts, or None when unknown or unreachable."""
    try:
        service = await fetch_service(topic_service_query("urbanism"))
        if service is None:
            return None
        card = await service_card_text(service)
    except BackOfficeError:
        return None
    return "\n".join([card, *(service.get("notes") or [])[-1:]])


async def say_with_service(dispatcher: CollectingDispatcher, text: str) -> None:
    """The answer, then the urbanism service's contacts (or a plain pointer if unreachable)."""
    dispatcher.utter_message(text=text)
    service = await urbanism_service_text()
    dispatcher.utter_message(
        text=service or "Le service urbanisme de la mairie peut vous conseiller avant le dépôt.",
        buttons=[APPOINTMENT_BUTTON])


class ActionBuildingPermitAnswer(Action):
    """Answers once the project (and its surface when needed) is known."""

    def name(self) -> Text:
        return "action_building_permit_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        stopped = stopped_early(tracker, dispatcher, FORM_SLOTS)
        project_type = tracker.get_slot("urb_project_type")
        if stopped is not None or not project_type:
            return stopped or reset_events(FORM_SLOTS)
        surface = tracker.get_slot("urb_surface")
        surface = surface if isinstance(surface, (int, float)) else None
        await say_with_service(dispatcher, "\n".join(answer_lines(project_type, surface)))
        return reset_events(FORM_SLOTS)


class ActionUrbanPlanningDocs(Action):
    """PLU, cadastre or certificat d'urbanisme: where to look, chosen by the question's words."""

    def name(self) -> Text:
        return "action_urban_planning_docs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = clean_input((tracker.latest_message or {}).get("text"), 1000) or ""
        topics = rules()["planning_docs"]
        chosen = [t for t in topics if matches_any(text, t["patterns"])][:1] or topics
        await say_with_service(dispatcher, "\n".join(t["text"].strip() for t in chosen))
        return []
