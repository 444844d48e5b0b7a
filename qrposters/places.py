"""Load and check the list of places that get a QR code poster (qr_places.yml).

Every problem is reported as a ``PlacesError`` naming the file, the place and
the field, in French, for the commune's staff who edit the file. The bot can
use ``load_places`` too, to greet a citizen who scanned a poster.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

import yaml

KINDS = ("point_apport", "arret_bus", "ecole", "parc", "mairie", "equipement")
REQUIRED = ("id", "kind", "label", "street", "greeting", "topics")
OPTIONAL = ("lines", "stop")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ordinary whitespace only: no-break spaces of French typography are kept.
_SPACES = re.compile(r"[ \t\r\n]+")


class PlacesError(ValueError):
    """The places file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Place:
    """A spot in town where a poster invites citizens to chat with Guichet."""

    id: str
    kind: str
    label: str
    street: str
    greeting: str
    topics: Tuple[str, ...]
    lines: Tuple[str, ...] = ()
    stop: Optional[str] = None

    @property
    def title(self) -> str:
        """The label with a capital first letter, as printed on the poster."""
        return self.label[:1].upper() + self.label[1:]


@dataclass(frozen=True)
class PlacesFile:
    """The content of a places file."""

    commune: str
    places: Tuple[Place, ...]

    def get(self, place_id: str) -> Optional[Place]:
        """The place with this id, if any."""
        return next((p for p in self.places if p.id == place_id), None)


def _text(value: Any, where: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PlacesError(f"{where} : le champ « {field} » doit être un texte non vide.")
    return _SPACES.sub(" ", value).strip()


def _texts(value: Any, where: str, field: str) -> Tuple[str, ...]:
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list) or not value:
        raise PlacesError(f"{where} : le champ « {field} » doit être une liste non vide de textes.")
    return tuple(_text(str(item) if isinstance(item, int) else item, where, field) for item in value)


def _known_streets(places_path: Path) -> Optional[Set[str]]:
    """Street names of the ``streets.yml`` next to the places file, if there is one."""
    streets_path = places_path.with_name("streets.yml")
    if not streets_path.is_file():
        return None
    data = yaml.safe_load(streets_path.read_text(encoding="utf-8")) or {}
    streets = data.get("streets") if isinstance(data, dict) else None
    if not isinstance(streets, list):
        return None
    return {s["name"].lower() for s in streets if isinstance(s, dict) and isinstance(s.get("name"), str)}


def _place(raw: Any, where: str, streets: Optional[Set[str]]) -> Place:
    if not isinstance(raw, dict):
        raise PlacesError(f"{where} : chaque lieu doit être une liste de champs (id, kind, label…).")
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise PlacesError(
            f"{where} : champ inconnu « {unknown[0]} » ; champs possibles : "
            + ", ".join(REQUIRED + OPTIONAL) + "."
        )
    for field in REQUIRED:
        if field not in raw:
            raise PlacesError(f"{where} : le champ obligatoire « {field} » manque.")
    place_id = _text(raw["id"], where, "id")
    where = f"{where} (« {place_id} »)"
    if not SLUG.match(place_id):
        raise PlacesError(
            f"{where} : le champ « id » doit être en minuscules non accentuées, "
            "chiffres et tirets (exemple : pav-rue-des-lilas)."
        )
    kind = raw["kind"]
    if kind not in KINDS:
        raise PlacesError(
            f"{where} : le champ « kind » vaut « {kind} » ; valeurs possibles : " + ", ".join(KINDS) + "."
        )
    street = _text(raw["street"], where, "street")
    if streets is not None and street.lower() not in streets:
        raise PlacesError(f"{where} : le champ « street » (« {street} ») ne figure pas dans streets.yml.")
    lines: Tuple[str, ...] = ()
    if kind == "arret_bus" or "lines" in raw:
        if "lines" not in raw:
            raise PlacesError(f"{where} : le champ « lines » (lignes de bus desservant l'arrêt) manque.")
        lines = _texts(raw["lines"], where, "lines")
    return Place(
        id=place_id,
        kind=kind,
        label=_text(raw["label"], where, "label"),
        street=street,
        greeting=_text(raw["greeting"], where, "greeting"),
        topics=_texts(raw["topics"], where, "topics"),
        lines=lines,
        stop=_text(raw["stop"], where, "stop") if "stop" in raw else None,
    )


def parse_places(data: Any, source: str, streets: Optional[Set[str]] = None) -> PlacesFile:
    """Check already-loaded YAML ``data``; ``source`` names it in error messages."""
    if not isinstance(data, dict):
        raise PlacesError(f"{source} : le fichier doit contenir « commune » et « places ».")
    commune = _text(data.get("commune"), source, "commune")
    raw_places = data.get("places")
    if not isinstance(raw_places, list) or not raw_places:
        raise PlacesError(f"{source} : le champ « places » doit être une liste non vide de lieux.")
    places: List[Place] = []
    seen: Dict[str, int] = {}
    for number, raw in enumerate(raw_places, start=1):
        place = _place(raw, f"{source}, lieu n° {number}", streets)
        if place.id in seen:
            raise PlacesError(
                f"{source}, lieu n° {number} : le champ « id » (« {place.id} ») "
                f"est déjà utilisé par le lieu n° {seen[place.id]}."
            )
        seen[place.id] = number
        places.append(place)
    return PlacesFile(commune=commune, places=tuple(places))


def load_places(path: "str | Path") -> PlacesFile:
    """Read and check a places file; raise ``PlacesError`` if it cannot be used."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PlacesError(f"{path} : lecture impossible ({error.strerror or error}).") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" ligne {mark.line + 1}" if mark is not None else ""
        raise PlacesError(f"{path} : YAML invalide{line} ({getattr(error, 'problem', error)}).") from None
    return parse_places(data, str(path), _known_streets(path))
