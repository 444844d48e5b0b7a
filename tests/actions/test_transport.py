"""Transport against the real back office: parking, buses (line, stop, departures, fares) and
roadworks by street or date; and what happens when the back office is down."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from actions.territory_forms import ABORTED_SLOT
from actions.transport import (ActionAskBusLine, ActionAskBusStop, ActionParkingInfo,
                               ActionPublicTransportInfo, ActionTrafficInfo, ValidateBusDeparturesForm)
from tests.actions.territory_support import (all_text, assert_button_rules, buttons, call, run, said,
                                             slots_set)


# -- parking -----------------------------------------------------------------------------
def test_parking_overview_offers_the_topics(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionParkingInfo(), dispatcher, make_tracker([said("stationnement", "parking_info")]), domain)
    zones = backoffice_client.get("/parking")["zones"]
    text = all_text(dispatcher)
    assert all(zone["name"] in text for zone in zones)
    assert len(buttons(dispatcher)) == 4
    assert_button_rules(dispatcher)


def test_impound(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionParkingInfo(), dispatcher, make_tracker([said("ma voiture est à la fourrière", "parking_info")]),
        domain)
    impound = backoffice_client.get("/parking")["impound"]
    text = all_text(dispatcher)
    assert impound["address"] in text and impound["phone"] in text and impound["documents"][0] in text


def test_resident_card(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionParkingInfo(), dispatcher, make_tracker([said("carte résident", "parking_info")]), domain)
    assert backoffice_client.get("/parking")["resident_card"]["how_to_apply"].strip() in all_text(dispatcher)


def test_zone_of_a_street(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker([said("je peux me garer rue pasteur ?", "parking_info", street="rue pasteur")])
    run(ActionParkingInfo(), dispatcher, tracker, domain)
    body = backoffice_client.get("/parking", street="rue Pasteur")
    zone = next(z for z in body["zones"] if z["id"] == body["street_zone"])
    assert all_text(dispatcher).startswith(f"Rue Pasteur est dans la {zone['name'][0].lower()}")


def test_ambiguous_street_asks_which(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionParkingInfo(), dispatcher, make_tracker([said("parking curie", "parking_info", street="curie")]),
        domain)
    assert '/parking_info{"street": "rue Marie Curie"}' in [b["payload"] for b in buttons(dispatcher)]


def test_parking_down(backoffice_down, dispatcher, make_tracker, domain):
    run(ActionParkingInfo(), dispatcher, make_tracker([said("stationnement", "parking_info")]), domain)
    assert "ne répond pas" in all_text(dispatcher)


# -- buses -------------------------------------------------------------------------------
@pytest.mark.parametrize("value,expected", [("ligne 3", "3"), ("L2", "2"), ("bus 4", "4"), ("1", "1"),
                                            ("ligne 9", None), ("tram A", None)])
def test_line_answers(backoffice_client, dispatcher, make_tracker, domain, value, expected):
    result = call(ValidateBusDeparturesForm().validate_bus_line(value, dispatcher, make_tracker(), domain))
    assert result["bus_line"] == expected
    if expected is None:
        assert "Ligne 1" in [b["title"] for b in buttons(dispatcher)]


def test_fares_button_during_the_line_question_answers_and_stops(backoffice_client, dispatcher,
                                                                 make_tracker, domain):
    result = call(ValidateBusDeparturesForm().validate_bus_line("tarifs des bus", dispatcher, make_tracker(),
                                                                domain))
    assert result[ABORTED_SLOT] is True and "Ticket 1 voyage" in all_text(dispatcher)


def test_stop_is_matched_on_the_line(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker(slots={"bus_line": "3"})
    result = call(ValidateBusDeparturesForm().validate_bus_stop("mairie", dispatcher, tracker, domain))
    assert result["bus_stop"] == "Mairie"


def test_stop_not_on_the_line_offers_its_stops(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker(slots={"bus_line": "3"})
    result = call(ValidateBusDeparturesForm().validate_bus_stop("hôpital", dispatcher, tracker, domain))
    assert result["bus_stop"] is None
    assert "Gare SNCF" in [b["payload"] for b in buttons(dispatcher)]


def test_fares_question_needs_neither_line_nor_stop(make_tracker):
    form = ValidateBusDeparturesForm()
    assert form.active_slots(make_tracker([said("prix du ticket de bus ?", "public_transport_info")])) == []
    assert form.active_slots(make_tracker([said("prochain bus", "public_transport_info")])) == [
        "bus_line", "bus_stop"]


def test_questions_list_lines_then_stops(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionAskBusLine(), dispatcher, make_tracker(), domain)
    run(ActionAskBusStop(), dispatcher, make_tracker(slots={"bus_line": "1"}), domain)
    network = backoffice_client.get("/transport/lines")
    line_one = next(line for line in network["lines"] if line["id"] == "1")
    payloads = [b["payload"] for b in buttons(dispatcher)]
    assert '/inform{"transport_line": "ligne 1"}' in payloads
    assert line_one["stops"][0]["name"] in payloads
    assert_button_rules(dispatcher)


def test_next_departures(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker(slots={"bus_line": "3", "bus_stop": "Mairie"})
    events = run(ActionPublicTransportInfo(), dispatcher, tracker, domain)
    body = backoffice_client.get("/transport/departures", line="3", stop="Mairie")
    text = all_text(dispatcher)
    assert text.startswith(f"Ligne 3, arrêt Mairie vers {body['towards']}")
    assert "Du lundi au vendredi : de 6 h 45 à 19 h 45" in text
    assert slots_set(events)["bus_line"] is None


def test_fares(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionPublicTransportInfo(), dispatcher, make_tracker([said("tarifs", "public_transport_info")]), domain)
    network = backoffice_client.get("/transport/lines")
    assert network["fares"][0]["name"] in all_text(dispatcher)


def test_buses_down(backoffice_down, dispatcher, make_tracker, domain):
    run(ActionPublicTransportInfo(), dispatcher, make_tracker(slots={"bus_line": "3", "bus_stop": "Mairie"}),
        domain)
    assert "ne répond pas" in all_text(dispatcher)


def test_line_question_down_stops_the_form(backoffice_down, dispatcher, make_tracker, domain):
    result = call(ValidateBusDeparturesForm().validate_bus_line("ligne 3", dispatcher, make_tracker(), domain))
    assert result[ABORTED_SLOT] is True


# -- roadworks ---------------------------------------------------------------------------
def test_roadworks_on_a_street(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker([said("travaux rue victor hugo ?", "traffic_info", street="rue victor hugo")])
    run(ActionTrafficInfo(), dispatcher, tracker, domain)
    works = backoffice_client.get("/roadworks", street="rue Victor Hugo")["roadworks"]
    text = all_text(dispatcher)
    assert works and all(work["title"] in text for work in works)


def test_no_roadworks_on_a_quiet_street(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker([said("travaux rue pasteur ?", "traffic_info", street="rue pasteur")])
    run(ActionTrafficInfo(), dispatcher, tracker, domain)
    assert backoffice_client.get("/roadworks", street="rue Pasteur")["roadworks"] == []
    assert "Aucun chantier n'est prévu rue Pasteur" in all_text(dispatcher)


def test_roadworks_on_a_date(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker([said("quels travaux demain ?", "traffic_info", date="demain")])
    run(ActionTrafficInfo(), dispatcher, tracker, domain)
    tomorrow = (datetime.now(ZoneInfo("Europe/Paris")).date() + timedelta(days=1)).isoformat()
    works = backoffice_client.get("/roadworks", on=tomorrow)["roadworks"]
    text = all_text(dispatcher)
    assert all(work["title"] in text for work in works[:5])
    assert ("Chantiers en cours le" in text) == bool(works)


def test_impossible_date_is_explained(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker([said("travaux le 31 février ?", "traffic_info", date="31 février")])
    run(ActionTrafficInfo(), dispatcher, tracker, domain)
    assert all_text(dispatcher).startswith("Le 31 février n'existe pas.")


def test_unknown_street(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionTrafficInfo(), dispatcher, make_tracker([said("travaux rue xqztwvk", "traffic_info",
                                                            street="rue xqztwvk")]), domain)
    assert "Je ne trouve pas « rue xqztwvk »" in all_text(dispatcher)


def test_roadworks_down(backoffice_down, dispatcher, make_tracker, domain):
    run(ActionTrafficInfo(), dispatcher, make_tracker([said("travaux", "traffic_info")]), domain)
    assert "ne répond pas" in all_text(dispatcher)
