"""What the simulated citizens say: realistic multi-turn French conversations.

A scenario is a list of steps. A step sends a text, or picks one of the buttons the
bot just offered (a slot button's payload ``/inform{"time": ...}``), as a citizen
clicking in the widget would; when no such button came, it sends its fallback text and
the conversation counts as off script. ``expect`` words (any of them, case-insensitive)
checked on the step's replies tell whether the conversation reached its goal; a goal
missed for a reason the bot gives (``misses``) is counted under that reason.

Identities vary per conversation (names, e-mails), and case tracking uses the demo
cases of ``backoffice/seed.py``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

FIRST_NAMES = ("Claire", "Karim", "Nathalie", "Jean-Pierre", "Léa", "Mamadou", "Sophie", "Hugo",
               "Fatima", "Thierry", "Inès", "Julien")
LAST_NAMES = ("Martin", "Benali", "Lefèvre", "Nguyen", "Moreau", "Diallo", "Girard", "Roux",
              "Fontaine", "Chevalier", "Da Silva", "Lambert")
STREETS = ("rue Victor Hugo", "avenue de la République", "rue Pasteur", "rue de la Gare",
           "rue des Lilas", "boulevard Gambetta")


@dataclass(frozen=True)
class Step:
    """One citizen turn: ``text``, or a button whose payload starts with ``button``."""

    text: str
    button: Optional[str] = None
    expect: Tuple[str, ...] = ()
    #: Known reasons for missing ``expect``: (reason, words any of which the replies hold).
    misses: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()


@dataclass
class Scenario:
    name: str
    steps: List[Step] = field(default_factory=list)


def pick_button(payloads: Sequence[str], prefix: str, rng: random.Random) -> Optional[str]:
    """A random payload among those starting with ``prefix``, or None."""
    matching = [p for p in payloads if p.startswith(prefix)]
    return rng.choice(matching) if matching else None


def _identity(rng: random.Random, serial: int) -> Tuple[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    plain = f"{first}.{last}".lower().replace(" ", "").replace("é", "e").replace("è", "e")
    return f"{first} {last}", f"{plain}.{serial}@example.fr"


def booking(rng: random.Random, serial: int) -> Scenario:
    name, email = _identity(rng, serial)
    procedure = rng.choice((
        "je voudrais prendre rendez-vous pour refaire ma carte d'identité",
        "bonjour je souhaite un rdv pour un passeport svp",
        "Il me faudrait un rendez-vous pour la carte d'identité de mon fils",
    ))
    return Scenario("booking", [
        Step(rng.choice(("Bonjour", "bonjour !", "Bonsoir"))),
        Step(procedure),
        Step(rng.choice(("la semaine prochaine", "au plus tôt", "mardi prochain le matin"))),
        Step("le premier qui va", button='/inform{"time"'),
        Step(name),
        Step(email),
        Step(rng.choice(("non merci", "non pas de téléphone"))),
        # Citizens booking at once are all offered the earliest slots: the bot refuses a
        # slot another citizen took between the offer and the confirmation.
        Step("oui je confirme", expect=("RDV-",),
             misses=(("slot taken meanwhile by another citizen", ("n'est plus disponible",)),)),
        Step("merci beaucoup, au revoir"),
    ])


def case_tracking(rng: random.Random, serial: int) -> Scenario:
    from backoffice.seed import DEMO_CASES  # the back office's package, loaded only when needed

    case = rng.choice(DEMO_CASES)
    return Scenario("case_tracking", [
        Step(rng.choice(("bonjour", "Bonjour madame"))),
        Step(rng.choice((f"où en est mon dossier {case['reference']} ?",
                         f"je voudrais savoir ou en est ma demande {case['reference']}"))),
        Step(case["requester_email"], expect=("Statut",)),
        Step("merci"),
    ])


def waste_day(rng: random.Random, serial: int) -> Scenario:
    return Scenario("waste_day", [
        Step(rng.choice(("quand passe le camion poubelle ?", "c'est quel jour le ramassage des ordures ?",
                         "quel jour sortir la poubelle jaune"))),
        Step(rng.choice(STREETS), expect=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")),
        Step("merci bien"),
    ])


def faq(rng: random.Random, serial: int) -> Scenario:
    return Scenario("faq", [
        Step(rng.choice(("quels sont les horaires de la mairie ?", "la mairie est ouverte le samedi ?",
                         "a quelle heure ouvre la mairie")), expect=("ouvert", "fermé", "lundi")),
        Step(rng.choice(("quel est le numéro de téléphone de la mairie ?",
                         "comment contacter la mairie par mail")), expect=("téléphone", "@")),
        Step("merci, bonne journée"),
    ])


def small_talk(rng: random.Random, serial: int) -> Scenario:
    return Scenario("small_talk", [
        Step(rng.choice(("salut", "bonjour", "coucou"))),
        Step(rng.choice(("tu es un robot ?", "je parle à une vraie personne ?")),
             expect=("assistant", "robot")),
        Step(rng.choice(("qu'est-ce que tu sais faire ?", "tu peux m'aider pour quoi ?"))),
        Step(rng.choice(("quel temps fera-t-il demain ?", "raconte moi une blague"))),
        Step("ok merci au revoir"),
    ])


#: Scenario builders and their weight in the traffic (bookings are the longest flows).
SCENARIOS: Dict[str, Tuple[Callable[[random.Random, int], Scenario], int]] = {
    "booking": (booking, 3),
    "case_tracking": (case_tracking, 2),
    "waste_day": (waste_day, 2),
    "faq": (faq, 2),
    "small_talk": (small_talk, 1),
}


def every_scenario(rng: random.Random, serial: int = 0) -> List[Scenario]:
    """One conversation of each kind (for the warm-up and smoke tests)."""
    return [build(rng, serial + i) for i, (build, _) in enumerate(SCENARIOS.values())]


def draw(rng: random.Random, serial: int) -> Scenario:
    """A conversation drawn according to the weights of :data:`SCENARIOS`."""
    builders = [build for build, _ in SCENARIOS.values()]
    weights = [weight for _, weight in SCENARIOS.values()]
    return rng.choices(builders, weights=weights)[0](rng, serial)
