"""Requesting a birth, marriage or death certificate (acte d'état civil).

``civil_status_form`` asks which certificate, for whom (the requester's relation to the
person on the record), that person's name and the date of the event, the requester's
name and e-mail, how to receive it (post or e-mail) and, for the post, the address; then
a summary to confirm. ``action_request_civil_status`` sends POST /civil-status-requests
with an idempotency key and gives the EC-… reference, or says nothing was recorded.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError, BackOfficeUnavailable, get_client, idempotency_key
from actions.citizen_forms import (ContactSlotsMixin, changes_something, check_name, client_id,
                                   is_answer, latest_intent, latest_text, phone_or_none,
                                   requested_slot)
from actions.dates import UnusableDate, french_date, parse_event_date
from actions.entities import first_entity
from actions.replies import HUMAN_BUTTON, say_error

FORM = "civil_status_form"
DOCUMENTS = {"acte_naissance": "Acte de naissance", "acte_mariage": "Acte de mariage",
             "acte_deces": "Acte de décès"}
EVENTS = {"acte_naissance": "de la naissance", "acte_mariage": "du mariage",
          "acte_deces": "du décès"}
COPIES = {"copie_integrale": "copie intégrale", "extrait_avec_filiation": "extrait avec filiation",
          "extrait_sans_filiation": "extrait sans filiation",
          "extrait_plurilingue": "extrait plurilingue"}
DELIVERIES = {"courrier": "par courrier", "email": "par e-mail"}
#: The requester's relation to the person on the record, from their own words; the most
#: specific expressions first ("petit-fils" before "fils").
RELATIONS = (
    ("titulaire", r"\b(?:mon|ma|notre) (?:propre )?(?:acte|copie|extrait)\b|moi-meme|pour moi\b"),
    ("grand_parent", r"petit[- ]?(?:fils|fille|enfant)s?"),
    ("petit_enfant", r"grand[- ]?(?:pere|mere|parent)s?"),
    ("parent", r"(?:mon|ma|mes|notre|nos) (?:fils|fille|enfant|enfants|bebe)"),
    ("enfant", r"(?:mon|ma|mes) (?:pere|mere|papa|maman|parents)|pere ou (?:ma )?mere"),
    ("conjoint", r"(?:mon|ma) (?:mari|femme|epoux|epouse|conjoint|conjointe)"),
    ("frere_soeur", r"(?:mon|ma) (?:frere|soeur)"),
    ("representant_legal", r"tut(?:eur|rice)|curat(?:eur|rice)|representant legal"),
    ("heritier", r"heritiere?|succession"),
    ("titulaire", r"\bmoi\b|le mien|titulaire"),
    ("autre", r"\bautre\b"),
)
RELATION_BUTTONS = [("Pour moi-même", "pour moi"), ("Mon enfant", "mon enfant"),
                    ("Mon père ou ma mère", "mon père ou ma mère"), ("Mon conjoint", "mon conjoint"),
                    ("Mon grand-parent", "mon grand-père"), ("Autre personne", "autre")]
POSTCODE_RE = re.compile(r"\b\d{5}\b")
#: Entities that change a value of the request when given at the summary.
CHANGING_ENTITIES = ("document_type", "email", "person_name", "date")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", text.lower().replace("’", "'"))


def relation_in(text: str) -> Optional[str]:
    plain = _plain(text)
    for code, pattern in RELATIONS:
        if re.search(pattern, plain):
            return code
    return None


def copy_type_in(text: str) -> Optional[str]:
    plain = _plain(text)
    if "plurilingue" in plain:
        return "extrait_plurilingue"
    if "sans filiation" in plain:
        return "extrait_sans_filiation"
    if "extrait" in plain:
        return "extrait_avec_filiation"
    if "copie integrale" in plain or "integrale" in plain:
        return "copie_integrale"
    return None


def document_in(text: str) -> Optional[str]:
    plain = _plain(text)
    for code, word in (("acte_naissance", "naiss"), ("acte_mariage", "mariage"),
                       ("acte_deces", "deces")):
        if word in plain:
            return code
    return "livret_famille" if "livret" in plain else None


def delivery_in(text: str) -> Optional[str]:
    plain = _plain(text)
    if re.search(r"e-?mail|courriel|electronique|internet|numerique", plain):
        return "email"
    if re.search(r"courrier|poste|postal|lettre|domicile|chez moi", plain):
        return "courrier"
    return None


class ValidateCivilStatusForm(ContactSlotsMixin, FormValidationAction):
    own_intents = ("civil_status_certificate",)

    def name(self) -> Text:
        return "validate_civil_status_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: Dict[Text, Any]) -> List[Text]:
        """The postal address is asked only for a delivery by post."""
        if tracker.get_slot("delivery") != "courrier":
            return domain_slots
        at = domain_slots.index("delivery") + 1 if "delivery" in domain_slots else len(domain_slots)
        return domain_slots[:at] + ["postal_address"] + domain_slots[at:]

    def _free_text(self, tracker: Tracker, slot: str) -> Optional[str]:
        if requested_slot(tracker, FORM) == slot and is_answer(tracker, self.own_intents):
            return latest_text(tracker) or None
        return None

    async def extract_document_type(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = self._free_text(tracker, "document_type")
        if text is None or tracker.get_slot("document_type"):
            return {}
        found = document_in(text)
        if found is None:
            dispatcher.utter_message(text="Je n'ai pas reconnu l'acte demandé : choisissez-le "
                                          "parmi les boutons.")
        return {"document_type": found}

    async def validate_document_type(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        """Also notes the kind of copy said with it ("extrait", "plurilingue"; a full copy
        otherwise). Set here: only validation may set slots the form does not ask for."""
        if value in DOCUMENTS:
            copy = copy_type_in(latest_text(tracker))
            return {"document_type": value, **({"copy_type": copy} if copy else {})}
        if value == "livret_famille":
            dispatcher.utter_message(
                text="Je ne peux pas enregistrer de demande de livret de famille : un duplicata se "
                     "demande directement au service état civil de la mairie de votre domicile. "
                     "Un agent peut vous renseigner.", buttons=[HUMAN_BUTTON])
        return {"document_type": None}

    async def extract_requester_relation(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        asked = requested_slot(tracker, FORM)
        if asked not in (None, "requester_relation", "document_type") or \
                tracker.get_slot("requester_relation"):
            return {}
        found = relation_in(latest_text(tracker))
        if found:
            return {"requester_relation": found}
        if asked == "requester_relation" and self._free_text(tracker, asked):
            dispatcher.utter_message(text="Je n'ai pas compris pour qui est l'acte : choisissez "
                                          "parmi les boutons.")
            return {"requester_relation": None}
        return {}

    async def validate_requester_relation(self, value: Any, dispatcher, tracker,
                                          domain) -> Dict[Text, Any]:
        if value == "titulaire" and tracker.get_slot("document_type") == "acte_deces":
            dispatcher.utter_message(text="Pour un acte de décès, indiquez votre lien avec la "
                                          "personne décédée.")
            return {"requester_relation": None}
        return {"requester_relation": value}

    async def extract_concerned_person(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if requested_slot(tracker, FORM) != "concerned_person":
            return {}
        raw = first_entity(tracker, "person_name") or (latest_text(tracker) if is_answer(tracker) else None)
        if not raw:
            return {}
        checked = check_name(raw)
        if checked.problem:
            dispatcher.utter_message(text=checked.problem.replace("votre prénom et votre nom",
                                                                  "le prénom et le nom"))
        return {"concerned_person": checked.value}

    async def validate_concerned_person(self, value: Any, dispatcher, tracker,
                                        domain) -> Dict[Text, Any]:
        values: Dict[Text, Any] = {"concerned_person": value}
        if value and tracker.get_slot("requester_relation") == "titulaire" and \
                not tracker.get_slot("citizen_name"):
            values["citizen_name"] = value
        return values

    async def extract_event_date(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if requested_slot(tracker, FORM) != "event_date":
            return {}
        raw = self._free_text(tracker, "event_date") or first_entity(tracker, "date")
        if not raw:
            return {}
        found = parse_event_date(str(raw))
        if isinstance(found, UnusableDate):
            dispatcher.utter_message(text=found.reason)
            return {"event_date": None}
        return {"event_date": found.isoformat()}

    async def validate_event_date(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"event_date": value}

    async def extract_delivery(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = self._free_text(tracker, "delivery")
        if text is None:
            return {}
        found = delivery_in(text)
        if found is None:
            dispatcher.utter_message(text="Souhaitez-vous recevoir l'acte par courrier ou par "
                                          "e-mail ?")
        return {"delivery": found}

    async def validate_delivery(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"delivery": value if value in DELIVERIES else None}

    async def extract_postal_address(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = self._free_text(tracker, "postal_address")
        if text is None:
            return {}
        address = re.sub(r"\s+", " ", text).strip()
        if not POSTCODE_RE.search(address) or len(address) < 10 or len(address) > 300:
            dispatcher.utter_message(text="Merci d'indiquer l'adresse postale complète, avec le "
                                          "code postal, par exemple « 12 rue Victor Hugo, 41999 "
                                          "Villebrune ».")
            return {"postal_address": None}
        return {"postal_address": address}

    async def validate_postal_address(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"postal_address": value}

    async def validate_citizen_name(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"citizen_name": value}

    async def validate_citizen_email(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"citizen_email": value}

    async def extract_civil_status_confirmed(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if requested_slot(tracker, FORM) != "civil_status_confirmed" or \
                changes_something(tracker, CHANGING_ENTITIES):
            return {}
        intent, _ = latest_intent(tracker)
        if intent == "affirm":
            return {"civil_status_confirmed": True}
        if intent == "deny" or not is_answer(tracker, self.own_intents):
            return {}
        dispatcher.utter_message(text="Répondez « oui » pour envoyer la demande, ou « non » pour "
                                      "abandonner.")
        return {"civil_status_confirmed": None}

    async def validate_civil_status_confirmed(self, value: Any, dispatcher, tracker,
                                              domain) -> Dict[Text, Any]:
        return {"civil_status_confirmed": True if value is True else None}


class ActionAskDocumentType(Action):
    def name(self) -> Text:
        return "action_ask_document_type"

    async def run(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text="Je peux enregistrer votre demande d'acte d'état civil. De quel acte avez-vous besoin ?",
            buttons=[{"title": label, "payload": f'/inform{{"document_type": "{code}"}}'}
                     for code, label in DOCUMENTS.items()])
        return []


class ActionAskRequesterRelation(Action):
    def name(self) -> Text:
        return "action_ask_requester_relation"

    async def run(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        buttons = [{"title": title, "payload": payload} for title, payload in RELATION_BUTTONS]
        if tracker.get_slot("document_type") == "acte_deces":
            buttons = buttons[1:]
        dispatcher.utter_message(text="Pour qui demandez-vous cet acte ?", buttons=buttons)
        return []


class ActionAskConcernedPerson(Action):
    def name(self) -> Text:
        return "action_ask_concerned_person"

    async def run(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        if tracker.get_slot("requester_relation") == "titulaire":
            text = "Quels sont votre nom et vos prénoms, tels qu'ils figurent sur l'acte ?"
        else:
            text = "Quels sont le nom et les prénoms de la personne concernée par l'acte ?"
        dispatcher.utter_message(text=text)
        return []


class ActionAskEventDate(Action):
    def name(self) -> Text:
        return "action_ask_event_date"

    async def run(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        event = EVENTS.get(tracker.get_slot("document_type"), "de l'événement")
        dispatcher.utter_message(text=f"Quelle est la date {event} ? (par exemple 12/04/1985)")
        return []


class ActionAskDelivery(Action):
    def name(self) -> Text:
        return "action_ask_delivery"

    async def run(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text="Comment souhaitez-vous recevoir l'acte ?",
                                 buttons=[{"title": "Par courrier", "payload": "par courrier"},
                                          {"title": "Par e-mail", "payload": "par e-mail"}])
        return []


def summary(tracker: Tracker) -> str:
    document = tracker.get_slot("document_type")
    copy = COPIES.get(tracker.get_slot("copy_type") or "copie_integrale")
    event = tracker.get_slot("event_date")
    delivery = DELIVERIES.get(tracker.get_slot("delivery"), "")
    if tracker.get_slot("delivery") == "courrier":
        delivery += f" à : {tracker.get_slot('postal_address')}"
    else:
        delivery += f" à : {tracker.get_slot('citizen_email')}"
    return "\n".join([
        f"• Acte : {DOCUMENTS.get(document, document)} ({copy})",
        f"• Personne concernée : {tracker.get_slot('concerned_person')}",
        f"• Date {EVENTS.get(document, '')} : "
        f"{french_date(date.fromisoformat(event), weekday=False, year=True) if event else '?'}",
        f"• Demandeur : {tracker.get_slot('citizen_name')} ({tracker.get_slot('citizen_email')})",
        f"• Envoi {delivery}"])


class ActionAskCivilStatusConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_civil_status_confirmed"

    async def run(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=f"Je récapitule votre demande :\n{summary(tracker)}\nJ'envoie la demande ?",
            buttons=[{"title": "Oui, envoyer", "payload": "/affirm"},
                     {"title": "Non, abandonner", "payload": "/deny"}])
        return []


FORM_SLOTS = ("document_type", "requester_relation", "concerned_person", "event_date", "delivery",
              "postal_address", "copy_type", "civil_status_confirmed")


class ActionRequestCivilStatus(Action):
    """POST /civil-status-requests once confirmed; gives the EC-… reference."""

    def name(self) -> Text:
        return "action_request_civil_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        slot = tracker.get_slot
        body = {"document_type": slot("document_type"),
                "copy_type": slot("copy_type") or "copie_integrale",
                "person": {"name": slot("concerned_person"), "event_date": slot("event_date")},
                "requester_relation": slot("requester_relation"), "name": slot("citizen_name"),
                "email": slot("citizen_email"), "phone": phone_or_none(slot("citizen_phone")),
                "delivery": slot("delivery"),
                "postal_address": slot("postal_address") if slot("delivery") == "courrier" else None}
        required = (body["document_type"], body["person"]["name"], body["person"]["event_date"],
                    body["requester_relation"], body["name"], body["email"], body["delivery"])
        if slot("civil_status_confirmed") is not True or not all(required):
            dispatcher.utter_message(text="Je n'ai enregistré aucune demande : il me manque des "
                                          "informations.",
                                     buttons=[{"title": "Demander un acte",
                                               "payload": "/civil_status_certificate"}])
            return [SlotSet("civil_status_confirmed", None)]
        key = idempotency_key(tracker.sender_id, "civil_status_request", body)
        try:
            case = await get_client().acall("POST", "/civil-status-requests", json_body=body,
                                            idempotency=key, client_id=client_id(tracker))
        except BackOfficeUnavailable as error:
            say_error(dispatcher, error, "votre demande d'acte n'a pas été enregistrée")
            dispatcher.utter_message(text="J'ai gardé vos réponses : vous pouvez relancer l'envoi.",
                                     buttons=[{"title": "Relancer", "payload": "/civil_status_certificate"}])
            return [SlotSet("civil_status_confirmed", None)]
        except BackOfficeError as error:
            say_error(dispatcher, error)
            dispatcher.utter_message(text="Votre demande n'a pas été enregistrée.")
            return [SlotSet(name, None) for name in FORM_SLOTS]
        next_step = f" {case['next_step']}" if case.get("next_step") else ""
        dispatcher.utter_message(
            text=f"Votre demande est enregistrée sous la référence {case['reference']}.{next_step} "
                 "Pour suivre son avancement, donnez-moi cette référence et votre e-mail.")
        return [SlotSet(name, None) for name in FORM_SLOTS]
