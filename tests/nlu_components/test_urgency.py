"""Urgent, dangerous and distressed messages are marked; ordinary ones are not."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from guichet_nlu.urgency import UrgencyDetector, detect, load_categories

CATEGORIES = load_categories()


@pytest.mark.parametrize("text, level", [
    ("ça sent le gaz dans la rue Victor Hugo", "danger"),
    ("Fuite de gaz devant l'école !!", "danger"),
    ("un cable electrique est tombé sur le trottoir", "danger"),
    ("la cave est inondée rue du port", "danger"),
    ("il y a un blessé au carrefour", "danger"),
    ("je veux en finir", "distress"),
    ("mon mari me frappe", "distress"),
    ("c'est URGENT j'ai besoin de mon acte", "urgent"),
])
def test_urgent_messages_are_marked(text, level):
    assert detect(text, CATEGORIES)["level"] == level


@pytest.mark.parametrize("text", [
    "bonjour je voudrais un rendez-vous pour un passeport",
    "quels sont les horaires de la mairie",
    "ma facture de gaz est trop élevée ?",
    "le feu rouge est en panne",
])
def test_ordinary_messages_are_not_marked(text):
    assert detect(text, CATEGORIES) is None


def test_danger_keeps_the_intent_but_distress_replaces_it():
    danger = Message({"text": "odeur de gaz rue pasteur"})
    danger.set("intent", {"name": "report_issue", "confidence": 0.8})
    distress = Message({"text": "j'ai plus envie de vivre"})
    distress.set("intent", {"name": "out_of_scope", "confidence": 0.6})
    distress.set("intent_ranking", [{"name": "out_of_scope", "confidence": 0.6}])
    UrgencyDetector(CATEGORIES).process([danger, distress])
    assert danger.get("intent")["name"] == "report_issue"
    assert danger.get("urgency")["level"] == "danger"
    assert distress.get("intent") == {"name": "distress", "confidence": 1.0}
    assert distress.get("intent_ranking")[1]["name"] == "out_of_scope"
