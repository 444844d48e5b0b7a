"""Consistency checks across the commune files, once each file is valid on its own.

Each check returns `Finding`s (file, location, French message); the loader
turns them into located `DataIssue`s. Checked: unique ids, references to
services, sectors, waste types, bins, zones and streets that exist, no
duplicate street or sorting item, the situations of the ID procedures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from rapidfuzz import fuzz, process

from .schema import (CalendarFile, CommuneInfo, ParkingFile, ProceduresFile, RoadworksFile, ServicesFile,
                     SortingFile, StreetsFile, TransportFile, WasteFile)
from .sorting import normalize_item
from .text import fold

Loc = Tuple[Union[str, int], ...]

#: Situations every identity-document procedure must document.
ID_DOCUMENT_SITUATIONS = ("premiere_demande", "renouvellement", "perte", "vol", "mineur")
ID_DOCUMENT_PROCEDURES = ("carte_identite", "passeport")


@dataclass(frozen=True)
class Finding:
    """A problem at `loc` in `file`; `first` is where a duplicated value first appeared."""

    file: str
    loc: Loc
    message: str
    first: Optional[Loc] = None


@dataclass(frozen=True)
class Files:
    """The validated content of every commune file."""

    commune: CommuneInfo
    services: ServicesFile
    calendar: CalendarFile
    procedures: ProceduresFile
    streets: StreetsFile
    waste: WasteFile
    sorting: SortingFile
    parking: ParkingFile
    transport: TransportFile
    roadworks: RoadworksFile


def _hint(value: str, known: Sequence[str]) -> str:
    """" (vouliez-vous dire « x » ?)" or the list of known values."""
    best = process.extractOne(fold(value), {name: fold(name) for name in known}, scorer=fuzz.WRatio,
                              score_cutoff=75)
    if best:
        return f" (vouliez-vous dire « {best[2]} » ?)"
    shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
    return f" (valeurs connues : {shown})"


def _unknown(file: str, loc: Loc, label: str, value: str, known: Sequence[str]) -> Finding:
    """`label` names the problem, e.g. "service inconnu"."""
    return Finding(file, loc, f"{label} « {value} »" + _hint(value, list(known)))


def _duplicates(file: str, entries: Iterable[Tuple[Loc, str]], what: str,
                key: Callable[[str], str] = fold, owner: Callable[[Loc], object] = lambda loc: loc) -> List[Finding]:
    """Values that repeat (compared through `key`) between different owners.

    `owner(loc)` tells which entry a value belongs to, so that an alias equal
    to its own item's name is not reported.
    """
    seen: Dict[str, Loc] = {}
    findings = []
    for loc, value in entries:
        folded = key(value)
        if folded in seen and owner(seen[folded]) != owner(loc):
            findings.append(Finding(file, loc, f"{what} en double « {value} »", first=seen[folded]))
        else:
            seen.setdefault(folded, loc)
    return findings


def check_ids(files: Files) -> List[Finding]:
    findings = []
    findings += _duplicates("services.yml", ((("services", i, "id"), s.id) for i, s in enumerate(files.services.services)), "identifiant de service")
    findings += _duplicates("procedures.yml", ((("procedures", i, "id"), p.id) for i, p in enumerate(files.procedures.procedures)), "identifiant de démarche")
    findings += _duplicates("waste.yml", ((("waste_types", i, "id"), t.id) for i, t in enumerate(files.waste.waste_types)), "type de déchet")
    findings += _duplicates("waste.yml", ((("sectors", i, "id"), s.id) for i, s in enumerate(files.waste.sectors)), "secteur")
    findings += _duplicates("waste_sorting.yml", ((("bins", i, "id"), b.id) for i, b in enumerate(files.sorting.bins)), "poubelle")
    findings += _duplicates("parking.yml", ((("zones", i, "id"), z.id) for i, z in enumerate(files.parking.zones)), "zone")
    findings += _duplicates("transport.yml", ((("lines", i, "id"), line.id) for i, line in enumerate(files.transport.lines)), "ligne")
    findings += _duplicates("roadworks.yml", ((("roadworks", i, "id"), w.id) for i, w in enumerate(files.roadworks.roadworks)), "chantier")
    centre = files.waste.recycling_centre.id
    if centre in {service.id for service in files.services.services}:
        findings.append(Finding("waste.yml", ("recycling_centre", "id"),
                                f"l'identifiant « {centre} » est déjà celui d'un service de services.yml"))
    return findings


def check_services(files: Files) -> List[Finding]:
    services = [service.id for service in files.services.services]
    places = services + [files.waste.recycling_centre.id]
    findings = []
    if files.commune.main_service not in services:
        findings.append(_unknown("commune.yml", ("main_service",), "service inconnu", files.commune.main_service, services))
    for i, procedure in enumerate(files.procedures.procedures):
        if procedure.service not in services:
            findings.append(_unknown("procedures.yml", ("procedures", i, "service"), "service inconnu", procedure.service, services))
    for i, closure in enumerate(files.calendar.closures):
        for j, service in enumerate(closure.services or ()):
            if service not in places:
                findings.append(_unknown("calendar.yml", ("closures", i, "services", j), "service inconnu", service, places))
    if files.parking.resident_card.service not in services:
        findings.append(_unknown("parking.yml", ("resident_card", "service"), "service inconnu",
                                 files.parking.resident_card.service, services))
    for i, work in enumerate(files.roadworks.roadworks):
        if work.service is not None and work.service not in services:
            findings.append(_unknown("roadworks.yml", ("roadworks", i, "service"), "service inconnu", work.service, services))
    return findings


def check_procedures(files: Files) -> List[Finding]:
    situations = list(files.procedures.situations)
    findings = []
    for i, procedure in enumerate(files.procedures.procedures):
        for situation in procedure.documents:
            if situation not in situations:
                findings.append(_unknown("procedures.yml", ("procedures", i, "documents", situation),
                                         "situation inconnue", situation, situations))
        if procedure.id in ID_DOCUMENT_PROCEDURES:
            missing = [s for s in ID_DOCUMENT_SITUATIONS if s not in procedure.documents]
            if missing:
                findings.append(Finding("procedures.yml", ("procedures", i, "documents"),
                                        f"situations manquantes pour cette démarche : {', '.join(missing)}"))
    return findings


def check_streets(files: Files) -> List[Finding]:
    sectors = [sector.id for sector in files.waste.sectors]
    names = []
    for i, street in enumerate(files.streets.streets):
        names.append((("streets", i, "name"), street.name))
        names += [(("streets", i, "aliases", j), alias) for j, alias in enumerate(street.aliases)]
    findings = _duplicates("streets.yml", names, "rue", owner=lambda loc: loc[1])
    for i, street in enumerate(files.streets.streets):
        if street.sector not in sectors:
            findings.append(_unknown("streets.yml", ("streets", i, "sector"), "secteur inconnu", street.sector, sectors))
    return findings


def check_street_references(files: Files) -> List[Finding]:
    known = [street.name for street in files.streets.streets]
    folded = {fold(name) for name in known} | {fold(a) for s in files.streets.streets for a in s.aliases}
    findings = []
    for i, zone in enumerate(files.parking.zones):
        for j, name in enumerate(zone.streets):
            if fold(name) not in folded:
                findings.append(_unknown("parking.yml", ("zones", i, "streets", j), "rue inconnue", name, known))
    for i, work in enumerate(files.roadworks.roadworks):
        for j, name in enumerate(work.streets):
            if fold(name) not in folded:
                findings.append(_unknown("roadworks.yml", ("roadworks", i, "streets", j), "rue inconnue", name, known))
    return findings


def check_waste(files: Files) -> List[Finding]:
    types = [waste_type.id for waste_type in files.waste.waste_types]
    sectors = [sector.id for sector in files.waste.sectors]
    findings = []
    for i, sector in enumerate(files.waste.sectors):
        for waste_type in sector.collections:
            if waste_type not in types:
                findings.append(_unknown("waste.yml", ("sectors", i, "collections", waste_type),
                                         "type de déchet inconnu", waste_type, types))
    rounds = files.waste.bulky_waste.rounds
    for sector in rounds:
        if sector not in sectors:
            findings.append(_unknown("waste.yml", ("bulky_waste", "rounds", sector), "secteur inconnu", sector, sectors))
    for sector in sectors:
        if sector not in rounds:
            findings.append(Finding("waste.yml", ("bulky_waste", "rounds"),
                                    f"le secteur « {sector} » n'a pas de tournée d'encombrants"))
    return findings


def check_sorting(files: Files) -> List[Finding]:
    bins = [bin_.id for bin_ in files.sorting.bins]
    findings = []
    names = []
    for i, item in enumerate(files.sorting.items):
        if item.bin not in bins:
            findings.append(_unknown("waste_sorting.yml", ("items", i, "bin"), "poubelle inconnue", item.bin, bins))
        names.append((("items", i, "name"), item.name))
        names += [(("items", i, "aliases", j), alias) for j, alias in enumerate(item.aliases)]
    return findings + _duplicates("waste_sorting.yml", names, "objet ou synonyme", key=normalize_item,
                                  owner=lambda loc: loc[1])


def check_parking(files: Files) -> List[Finding]:
    zones = [zone.id for zone in files.parking.zones]
    return [_unknown("parking.yml", ("resident_card", "zones", j), "zone inconnue", zone, zones)
            for j, zone in enumerate(files.parking.resident_card.zones) if zone not in zones]


def check_transport(files: Files) -> List[Finding]:
    findings = []
    for i, line in enumerate(files.transport.lines):
        findings += _duplicates("transport.yml", ((("lines", i, "stops", j, "name"), stop.name)
                                                  for j, stop in enumerate(line.stops)), "arrêt")
        if not (line.service.weekday or line.service.saturday or line.service.sunday):
            findings.append(Finding("transport.yml", ("lines", i, "service"), "aucun horaire pour cette ligne"))
    return findings


CHECKS = (check_ids, check_services, check_procedures, check_streets, check_street_references, check_waste,
          check_sorting, check_parking, check_transport)


def cross_check(files: Files) -> List[Finding]:
    """Every inconsistency between (or inside) the validated files."""
    return [finding for check in CHECKS for finding in check(files)]
