"""General information: opening hours computed live, contacts, school enrolment, social help.

Every fact comes from the back office (GET /commune, /services/{id}, /services/{id}/status):
which service the citizen means (by its id or their own words, "cantine", "la mairie"),
whether it is open now or on the day asked, and how to reach it. The helpers that write
a service's contacts and hours are shared by the other territory flows.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime, time
from typing import Any, Dict, List, Optional, Text, Tuple, Union
from urllib.parse import quote
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError, get_client
from actions.commune_info import commune_identity
from actions.dates import DateWish, UnusableDate, WEEKDAYS
from actions.entities import entity_values, first_entity
from actions.replies import HUMAN_BUTTON, say_error
from actions.territory_data import load_data
from actions.territory_text import (bullet_list, first_lower, first_upper, format_clock, format_day,
                                    join_words, short_title, when_asked)

PARIS = ZoneInfo("Europe/Paris")
MAIN_SERVICE_FALLBACK = "mairie"
MAX_SERVICE_QUERY = 100


# -- fetching ------------------------------------------------------------------------
async def fetch_service(query: str) -> Optional[Dict[str, Any]]:
    """The service an id or a citizen's words mean, or None when the commune has none.

    Raises BackOfficeError when the back office fails.
    """
    words = (query or "").strip()[:MAX_SERVICE_QUERY]
    if not words:
        return None
    try:
        return await get_client().acall("GET", f"/services/{quote(words, safe='')}")
    except BackOfficeError as error:
        if error.status == 404:
            return None
        raise


async def fetch_status(service_id: str, at: Optional[datetime] = None) -> Dict[str, Any]:
    """Open or closed at ``at`` (now by default), with the French summary."""
    params = {"at": at.isoformat()} if at else None
    return await get_client().acall("GET", f"/services/{quote(service_id, safe='')}/status",
                                    params=params)


def topic_service_query(topic: str) -> str:
    """The words that name the service in charge of ``topic`` (see data/topics.yml)."""
    return load_data("topics")["service_for_topic"][topic]


async def main_service_query() -> str:
    """The id of the service answering for "la mairie" (from the commune's identity)."""
    identity = await commune_identity()
    return identity.get("main_service") or MAIN_SERVICE_FALLBACK


# -- wording -------------------------------------------------------------------------
def windows_text(windows: List[Dict[str, str]]) -> str:
    """ "8 h 30 – 12 h et 13 h 30 – 17 h 30"."""
    return join_words([f"{format_clock(w['start'])} – {format_clock(w['end'])}" for w in windows])


def weekly_hours_text(hours: Dict[str, List[Dict[str, str]]]) -> str:
    """The week's hours, consecutive days with the same hours grouped, closed days left out."""
    lines, group = [], []

    def flush() -> None:
        if not group:
            return
        days, windows = [d for d, _ in group], group[0][1]
        label = days[0].capitalize() if len(days) == 1 else (
            f"{days[0].capitalize()} et {days[1]}" if len(days) == 2
            else f"Du {days[0]} au {days[-1]}")
        lines.append(f"{label} : {windows_text(windows)}")

    for day in WEEKDAYS:
        windows = hours.get(day) or []
        if group and windows != group[-1][1]:
            flush()
            group = []
        if windows:
            group.append((day, windows))
        else:
            flush()
            group = []
    flush()
    return "\n".join(lines) if lines else "Pas d'horaires d'accueil réguliers : contactez le service."


def contact_text(service: Dict[str, Any]) -> str:
    """Phone, e-mail and address of a service, one per line."""
    parts = [f"Téléphone : {service['phone']}" if service.get("phone") else "",
             f"E-mail : {service['email']}" if service.get("email") else "",
             f"Adresse : {service['address']}" if service.get("address") else ""]
    return "\n".join(part for part in parts if part)


def day_text(status: Dict[str, Any]) -> str:
    """A service's hours on a given day: "8 h 30 – 12 h", or closed, why and when it reopens."""
    windows = status.get("windows_today") or []
    if windows:
        return windows_text(windows)
    reason = status.get("reason") or ""
    text = "fermé" + (f" ({reason})" if reason and not reason.startswith("fermé") else "")
    if status.get("next_opening"):
        text += (f", réouverture le {format_day(status['next_opening'])} "
                 f"à {format_clock(status['next_opening'])}")
    return text


def date_problem(result: UnusableDate) -> str:
    """The first sentence of a date parser's explanation ("Le 31 février n'existe pas")."""
    reason = result.reason.split(" : ")[0].split(". ")[0].rstrip(".?")
    return f"{reason}."


def date_asked(tracker: Tracker) -> Optional[Union[DateWish, UnusableDate]]:
    """The day (and time) the latest message asks about, or None.

    From the date/time entities; when the NLU found none, from the message itself, but only
    a clear single day ("samedi") or a time ("il est 16 h"), never a vague period.
    """
    result = when_asked([*entity_values(tracker, "date"), *entity_values(tracker, "time")])
    if result is not None:
        return result
    guess = when_asked([(tracker.latest_message or {}).get("text") or ""])
    if isinstance(guess, DateWish) and (guess.at or (not guess.asap and guess.earliest == guess.latest)):
        return guess
    return None


def moment_asked(tracker: Tracker) -> Tuple[Optional[datetime], Optional[str], bool]:
    """(instant to look at, problem with the date, whether a whole day was asked).

    No date or time in the message: (None, None, False), meaning now.
    """
    result = date_asked(tracker)
    if result is None:
        return None, None, False
    if isinstance(result, UnusableDate):
        return None, date_problem(result), False
    wish: DateWish = result
    if wish.at is not None:
        return datetime.combine(wish.earliest, wish.at, tzinfo=PARIS), None, False
    if wish.part_of_day == "après-midi":
        return datetime.combine(wish.earliest, time(15, 0), tzinfo=PARIS), None, False
    if wish.part_of_day == "matin":
        return datetime.combine(wish.earliest, time(10, 0), tzinfo=PARIS), None, False
    return datetime.combine(wish.earliest, time(0, 0), tzinfo=PARIS), None, True


def service_buttons(services: List[Dict[str, Any]], intent: str) -> List[Dict[str, str]]:
    """One button per service (title: its first everyday name if short enough), at most 10."""
    buttons = []
    for service in services[:10]:
        names = [*service.get("aliases", []), service["name"]]
        title = next((name for name in names if len(name) <= 20), min(names, key=len))
        buttons.append({"title": short_title(first_upper(title)),
                        "payload": f'/{intent}{{"service": "{service["id"]}"}}'})
    return buttons


async def say_unknown_service(dispatcher: CollectingDispatcher, query: str, intent: str) -> None:
    """The service asked for does not exist: list the commune's services as buttons."""
    services = await get_client().acall("GET", "/services")
    dispatcher.utter_message(
        text=f"Je ne connais pas de service « {query} » à la mairie. Lequel cherchez-vous ?",
        buttons=service_buttons(services or [], intent))


async def service_card_text(service: Dict[str, Any]) -> str:
    """The service's status right now, then its contacts."""
    status = await fetch_status(service["id"])
    return f"{service['name']} : {status['summary']}.\n{contact_text(service)}"


async def say_service_card(dispatcher: CollectingDispatcher, service: Dict[str, Any],
                           intro: Optional[str] = None,
                           buttons: Optional[List[Dict[str, str]]] = None) -> None:
    """Intro (optional), then the service's status right now and its contacts."""
    card = await service_card_text(service)
    dispatcher.utter_message(text=f"{intro}\n{card}" if intro else card, buttons=buttons or [])


# -- actions -------------------------------------------------------------------------
class ServiceQuestion(Action, ABC):
    """Base of the actions answering about one service named in the message (or the mairie)."""

    intent = ""

    @abstractmethod
    def name(self) -> Text:
        """The action's name (abstract, so the action server does not register this base)."""

    async def service_asked(self, tracker: Tracker) -> Tuple[str, Optional[Dict[str, Any]]]:
        query = first_entity(tracker, "service") or await main_service_query()
        return str(query), await fetch_service(str(query))

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     service: Dict[str, Any]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            query, service = await self.service_asked(tracker)
            if service is None:
                await say_unknown_service(dispatcher, query, self.intent)
            else:
                await self.answer(dispatcher, tracker, service)
        except BackOfficeError as error:
            say_error(dispatcher, error)
        return []


class ActionOpeningHours(ServiceQuestion):
    """ "Ouvert jusqu'à 17 h 30 aujourd'hui", or the hours of the day or time asked."""

    intent = "opening_hours"

    def name(self) -> Text:
        return "action_opening_hours"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     service: Dict[str, Any]) -> None:
        moment, problem, whole_day = moment_asked(tracker)
        status = await fetch_status(service["id"], moment)
        lines = [problem + " Voici les horaires habituels."] if problem else []
        if moment is None:
            lines.append(f"{service['name']} : {status['summary']}.")
        elif whole_day:
            lines.append(f"{service['name']}, le {format_day(moment.date())} : {day_text(status)}.")
        else:
            state = "ouvert" if status.get("open") else "fermé"
            lines.append(f"{service['name']}, le {format_day(moment.date())} à {format_clock(moment)} : "
                         f"{state}. Ce jour-là : {day_text(status)}.")
        lines.append(weekly_hours_text(service.get("hours") or {}))
        lines.extend(service.get("notes", [])[:1])
        dispatcher.utter_message(text="\n".join(lines))


class ActionContactInfo(ServiceQuestion):
    """Phone, e-mail and address of the service asked (or the mairie), and its status now."""

    intent = "contact_info"

    def name(self) -> Text:
        return "action_contact_info"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     service: Dict[str, Any]) -> None:
        await say_service_card(dispatcher, service)


class TopicService(Action, ABC):
    """Base of the answers about a topic handled by one service (school, social help)."""

    topic = ""

    @abstractmethod
    def name(self) -> Text:
        """The action's name (abstract, so the action server does not register this base)."""

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     service: Dict[str, Any]) -> None:
        raise NotImplementedError  # pragma: no cover - abstract

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            service = await fetch_service(topic_service_query(self.topic))
            if service is None:
                service = await fetch_service(await main_service_query())
            if service is None:
                raise BackOfficeError(404, "unknown_service", "Le service concerné est introuvable.")
            await self.answer(dispatcher, tracker, service)
        except BackOfficeError as error:
            say_error(dispatcher, error)
        return []


class ActionSchoolEnrollment(TopicService):
    """How school, canteen and after-school enrolment works, and the service to contact."""

    topic = "school_enrollment"

    def name(self) -> Text:
        return "action_school_enrollment"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     service: Dict[str, Any]) -> None:
        info = load_data("topics")["school_enrollment"]
        notes = service.get("notes") or []
        dispatcher.utter_message(text="\n".join(
            [info["intro"].strip(), *notes[:1], "Pièces à fournir :", bullet_list(info["documents"])]))
        await say_service_card(dispatcher, service)


class ActionSocialAssistance(TopicService):
    """Social help is for the CCAS's agents only: say so, give its contacts, offer a person."""

    topic = "social_assistance"

    def name(self) -> Text:
        return "action_social_assistance"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     service: Dict[str, Any]) -> None:
        description = (service.get("description") or "").strip()
        if service.get("human_only"):
            intro = (f"Chaque demande d'aide est étudiée personnellement par un agent du "
                     f"{service['name']}, en toute confidentialité : je ne peux pas la traiter "
                     f"moi-même, mais je peux vous mettre en relation.")
        else:
            intro = f"Le {service['name']} peut vous aider."
        if description:
            intro += f"\nIl s'occupe de : {first_lower(description)}"
        dispatcher.utter_message(text=intro)
        await say_service_card(dispatcher, service,
                               buttons=[HUMAN_BUTTON] if service.get("human_only") else None)
