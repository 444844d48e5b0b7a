"""Transport: parking (zones, prices, resident card, impound), buses (lines, fares, next
departures at a stop) and roadworks (by street or date), all from the back office.

Parking and roadworks answer in one turn; the buses use ``bus_departures_form`` to ask
the line and the stop when the message does not name them (except for a question about
fares, which needs neither).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api.backoffice import BackOfficeError, get_client
from actions.dates import UnusableDate
from actions.entities import first_entity
from actions.general_info import date_asked, date_problem, weekly_hours_text
from actions.replies import say_error
from actions.streets import lookup_street, say_street_not_found
from actions.territory_data import load_data
from actions.territory_forms import (ABORTED_SLOT, ActionAskSlot, TerritoryFormValidation, abort_form,
                                     accepted, ask_again, reset_events, stopped_early)
from actions.territory_text import (bullet_list, clean_input, first_lower, first_upper, fold, format_clock,
                                    format_day, format_price, join_words, matches_any, short_title)

PARIS = ZoneInfo("Europe/Paris")


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def topic_of(text: str, topics_key: str) -> Optional[str]:
    for topic, patterns in load_data("topics")[topics_key].items():
        if matches_any(text, patterns):
            return topic
    return None


# -- parking ---------------------------------------------------------------------------
PARKING_BUTTONS = [
    {"title": "Tarifs", "payload": "tarifs du stationnement"},
    {"title": "Carte résident", "payload": "carte de stationnement résident"},
    {"title": "Fourrière", "payload": "ma voiture est à la fourrière"},
    {"title": "Places handicapés", "payload": "stationnement pour les personnes handicapées"},
]


def duration(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def zone_text(zone: Dict[str, Any]) -> str:
    """One zone: kind, maximum duration, prices, free periods."""
    head = f"{zone['name']}"
    if zone.get("max_minutes"):
        head += f" : {duration(zone['max_minutes'])} maximum"
    prices = [f"{duration(step['minutes'])} : {format_price(step['price'])}"
              for step in zone.get("prices") or []]
    lines = [head]
    if prices:
        lines.append("Tarifs : " + ", ".join(prices) + ".")
    if zone.get("free_periods"):
        lines.append("À savoir : " + " ; ".join(first_lower(p) for p in zone["free_periods"]) + ".")
    if zone.get("post_parking_fee"):
        lines.append(f"Sans ticket : forfait post-stationnement de {format_price(zone['post_parking_fee'])}.")
    return "\n".join(lines)


def parking_overview(body: Dict[str, Any]) -> str:
    lines = ["Le stationnement dans la commune :"]
    for zone in body.get("zones") or []:
        limit = f", {duration(zone['max_minutes'])} maximum" if zone.get("max_minutes") else ""
        lines.append(f"• {zone['name']}{limit}")
    lines.append("Que voulez-vous savoir ?")
    return "\n".join(lines)


def impound_text(impound: Dict[str, Any]) -> str:
    fees = [f"{fee['label']} : {format_price(fee['price'])}" for fee in impound.get("fees") or []]
    return "\n".join([*impound.get("notes", [])[:1], f"{impound['name']}, {impound['address']} "
                      f"(téléphone : {impound['phone']}).", "Horaires :",
                      weekly_hours_text(impound.get("hours") or {}), "Pièces à apporter :",
                      bullet_list(impound.get("documents") or []), "Frais :", bullet_list(fees)])


def resident_text(card: Dict[str, Any]) -> str:
    validity = card["validity"].rstrip(".").lower()
    return "\n".join([f"{card['name']} : {format_price(card['price'])}, {validity}.",
                      "Conditions :", bullet_list(card.get("conditions") or []),
                      "Pièces :", bullet_list(card.get("documents") or []), card["how_to_apply"].strip()])


def disabled_text(disabled: Dict[str, Any]) -> str:
    spaces = [f"{s['location']} : {s['count']}" for s in disabled.get("reserved_spaces") or []]
    return "\n".join([*disabled.get("rules", []), "Places réservées :", bullet_list(spaces)])


def street_zone_text(street: str, body: Dict[str, Any]) -> str:
    zone = next((z for z in body.get("zones") or [] if z["id"] == body.get("street_zone")), None)
    if zone is None:
        return (f"{first_upper(street)} n'est dans aucune zone réglementée : le stationnement y est "
                "libre, dans le respect du code de la route.")
    return f"{first_upper(street)} est dans la {first_lower(zone['name'])}.\n{zone_text(zone)}"


class ActionParkingInfo(Action):
    def name(self) -> Text:
        return "action_parking_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        topic = topic_of(latest_text(tracker), "parking_topics")
        street = first_entity(tracker, "street")
        try:
            lookup = await lookup_street(street) if street and topic in (None, "prices") else None
            if lookup is not None and not lookup.found:
                say_street_not_found(dispatcher, lookup, intent="parking_info")
                return []
            params = {"street": lookup.name} if lookup else None
            body = await get_client().acall("GET", "/parking", params=params)
        except BackOfficeError as error:
            say_error(dispatcher, error)
            return []
        if lookup is not None:
            dispatcher.utter_message(text=street_zone_text(lookup.name, body))
        elif topic == "impound":
            dispatcher.utter_message(text=impound_text(body["impound"]))
        elif topic == "resident":
            dispatcher.utter_message(text=resident_text(body["resident_card"]))
        elif topic == "disabled":
            dispatcher.utter_message(text=disabled_text(body["disabled_parking"]))
        elif topic == "prices":
            dispatcher.utter_message(text="\n\n".join(zone_text(z) for z in body.get("zones") or []))
        else:
            dispatcher.utter_message(text=parking_overview(body), buttons=PARKING_BUTTONS)
        return []


# -- buses -----------------------------------------------------------------------------
FORM_SLOTS = ["bus_line", "bus_stop"]
FARES_BUTTON = {"title": "Tarifs", "payload": "tarifs des bus"}
_LINE_TOKEN = re.compile(r"(?:\b(?:ligne|line|bus|tram|navette|l)\s*n?[°o]?\s*)?\b([0-9]{1,3}|[a-z])\b")


async def fetch_network() -> Dict[str, Any]:
    return await get_client().acall("GET", "/transport/lines")


def find_line(network: Dict[str, Any], value: Any) -> Optional[Dict[str, Any]]:
    """The line meant by "3", "ligne 3", "bus 3", "L3" (by its id), or None."""
    if isinstance(value, list):
        value = value[-1] if value else None
    lines = network.get("lines") or []
    folded = fold(value)
    by_id = {fold(line["id"]): line for line in lines}
    if folded in by_id:
        return by_id[folded]
    for token in _LINE_TOKEN.findall(folded.replace("l", "l ", 1) if re.match(r"^l\d", folded) else folded):
        if token in by_id:
            return by_id[token]
    return None


def line_buttons(network: Dict[str, Any]) -> List[Dict[str, str]]:
    buttons = [{"title": f"Ligne {line['id']}",
                "payload": f"/inform{json.dumps({'transport_line': 'ligne ' + line['id']})}"}
               for line in (network.get("lines") or [])[:9]]
    return buttons + [FARES_BUTTON]


def lines_text(network: Dict[str, Any]) -> str:
    return "\n".join(f"• Ligne {line['id']} : {line['name']}" for line in network.get("lines") or [])


def stop_buttons(line: Dict[str, Any]) -> List[Dict[str, str]]:
    return [{"title": short_title(stop["name"]), "payload": stop["name"]}
            for stop in (line.get("stops") or [])[:10]]


def fares_text(network: Dict[str, Any]) -> str:
    fares = [f"{f['name']} : {format_price(f['price'])}" for f in network.get("fares") or []]
    passes = [f"{p['name']} : {format_price(p['price'])}" for p in network.get("passes") or []]
    info = network.get("network") or {}
    return "\n".join([f"Tarifs {info.get('name', 'du réseau')} :", bullet_list(fares),
                      "Abonnements :", bullet_list(passes), "Où acheter :",
                      bullet_list(info.get("sales_points") or [])])


class ValidateBusDeparturesForm(TerritoryFormValidation):
    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "validate_bus_departures_form"

    def active_slots(self, tracker: Tracker) -> List[str]:
        starting = tracker.get_slot("requested_slot") is None and not tracker.get_slot("bus_line")
        if starting and topic_of(latest_text(tracker), "transport_topics") == "fares":
            return []  # a question about fares needs no line nor stop
        return list(FORM_SLOTS)

    def takes_any_answer(self, tracker: Tracker) -> bool:
        return tracker.get_slot("requested_slot") == "bus_stop"  # stops are named after places

    async def validate_bus_line(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        try:
            network = await fetch_network()
        except BackOfficeError as error:
            return abort_form(dispatcher, error)
        line = find_line(network, value)
        if line is None and topic_of(value if isinstance(value, str) else "", "transport_topics") == "fares":
            dispatcher.utter_message(text=fares_text(network))
            return {"bus_line": None, ABORTED_SLOT: True}
        if line is None:
            shown = clean_input(value if isinstance(value, str) else str(value), 50)
            return ask_again(tracker, dispatcher, "bus_line",
                             f"Je ne trouve pas la ligne « {shown} ». Les lignes du réseau :\n"
                             f"{lines_text(network)}", line_buttons(network))
        return accepted("bus_line", line["id"])

    async def validate_bus_stop(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        stop = clean_input(value if isinstance(value, str) else None, 200)
        line = tracker.get_slot("bus_line")
        if not stop:
            return ask_again(tracker, dispatcher, "bus_stop", "À quel arrêt ?")
        try:
            body = await get_client().acall("GET", "/transport/departures",
                                            params={"line": line, "stop": stop, "count": 1})
        except BackOfficeError as error:
            if error.status in (404, 422) and (error.details or {}).get("candidates"):
                candidates = error.details["candidates"][:10]
                return ask_again(tracker, dispatcher, "bus_stop", error.message,
                                 [{"title": short_title(c), "payload": c} for c in candidates])
            return abort_form(dispatcher, error)
        return accepted("bus_stop", body.get("stop") or stop)


class ActionAskBusLine(ActionAskSlot):
    slot = "bus_line"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        try:
            network = await fetch_network()
        except BackOfficeError:
            dispatcher.utter_message(text="Quelle ligne de bus vous intéresse ? Par exemple « ligne 1 ».")
            return
        dispatcher.utter_message(text=f"Quelle ligne vous intéresse ?\n{lines_text(network)}",
                                 buttons=line_buttons(network))


class ActionAskBusStop(ActionAskSlot):
    slot = "bus_stop"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        try:
            line = find_line(await fetch_network(), tracker.get_slot("bus_line"))
        except BackOfficeError:
            line = None
        where = f"Ligne {line['id']} : à" if line else "À"
        dispatcher.utter_message(text=f"{where} quel arrêt prenez-vous le bus ?",
                                 buttons=stop_buttons(line) if line else [])


def service_text(line: Dict[str, Any]) -> str:
    labels = {"weekday": "Du lundi au vendredi", "saturday": "Le samedi",
              "sunday": "Le dimanche et les jours fériés"}
    parts = []
    for key, label in labels.items():
        day = (line.get("service") or {}).get(key)
        if day:
            parts.append(f"{label} : de {format_clock(day['first'])} à {format_clock(day['last'])}, "
                         f"toutes les {day['every_minutes']} min")
    return "\n".join(parts) or "Pas de service régulier."


def departures_text(body: Dict[str, Any], line: Optional[Dict[str, Any]]) -> str:
    times = body.get("departures") or []
    towards = f" vers {body['towards']}" if body.get("towards") else ""
    head = f"Ligne {body['line']}, arrêt {body['stop']}{towards}"
    if not times:
        text = f"{head} : plus de bus aujourd'hui ni dans les prochains jours."
    else:
        first = datetime.fromisoformat(times[0])
        now = datetime.fromisoformat(body["at"]) if body.get("at") else None
        same_day = now is not None and first.date() == now.date()
        when = "" if same_day else f" le {format_day(first.date())}"
        text = f"{head} : prochains passages{when} à {join_words([format_clock(t) for t in times])}."
    if line:
        text += f"\n{service_text(line)}"
        text += "".join(f"\n{note}" for note in line.get("notes", [])[:1])
    return text


class ActionPublicTransportInfo(Action):
    """Next departures for the line and stop chosen, or the fares."""

    def name(self) -> Text:
        return "action_public_transport_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        stopped = stopped_early(tracker, dispatcher, FORM_SLOTS)
        if stopped is not None:
            return stopped
        line_id, stop = tracker.get_slot("bus_line"), tracker.get_slot("bus_stop")
        try:
            network = await fetch_network()
            if line_id and stop:
                body = await get_client().acall("GET", "/transport/departures",
                                                params={"line": line_id, "stop": stop, "count": 3})
                dispatcher.utter_message(text=departures_text(body, find_line(network, line_id)))
            else:
                dispatcher.utter_message(text=fares_text(network))
        except BackOfficeError as error:
            say_error(dispatcher, error)
        return reset_events(FORM_SLOTS)


# -- roadworks -------------------------------------------------------------------------
def roadwork_text(work: Dict[str, Any], today: Optional[date] = None) -> str:
    lines = [f"• {work['title']} ({join_words(work.get('streets') or [])}), "
             f"du {format_day(work['start'], today)} au {format_day(work['end'], today)}.",
             work.get("impact") or ""]
    if work.get("diversion"):
        lines.append(work["diversion"])
    return "\n".join(line for line in lines if line)


class ActionTrafficInfo(Action):
    """Roadworks and closures on a street (fuzzy) or on a date; current ones by default."""

    def name(self) -> Text:
        return "action_traffic_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        street = first_entity(tracker, "street")
        wish = date_asked(tracker)
        today = datetime.now(PARIS).date()
        try:
            if street:
                lookup = await lookup_street(street)
                if not lookup.found:
                    say_street_not_found(dispatcher, lookup, intent="traffic_info")
                    return []
                body = await get_client().acall("GET", "/roadworks", params={"street": lookup.name})
                works = body.get("roadworks") or []
                head = (f"Travaux {lookup.name} :" if works else
                        f"Aucun chantier n'est prévu {lookup.name} à ma connaissance.")
            else:
                prefix = ""
                if isinstance(wish, UnusableDate):
                    prefix, wish = date_problem(wish) + " ", None
                day = wish.earliest if wish is not None else today
                body = await get_client().acall("GET", "/roadworks", params={"on": day.isoformat()})
                works = body.get("roadworks") or []
                when = "aujourd'hui" if day == today else f"le {format_day(day)}"
                head = prefix + (f"Chantiers en cours {when} :" if works
                                 else f"Aucun chantier en cours {when} à ma connaissance.")
        except BackOfficeError as error:
            say_error(dispatcher, error)
            return []
        text = "\n".join([head, *[roadwork_text(work, today) for work in works[:5]]])
        if not street:
            text += "\nPour une rue précise, donnez-moi son nom."
        dispatcher.utter_message(text=text)
        return []
