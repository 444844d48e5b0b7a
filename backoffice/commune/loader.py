"""Loading a commune folder: read every YAML file, validate it, cross-check, build `Commune`.

`load_commune(folder)` either returns a ready `Commune` or raises
`CommuneDataError` listing every problem found, each with its file, line
and field, in French.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Type, Union

from pydantic import ValidationError

from .commune import Commune
from .crosscheck import Files, cross_check
from .errors import CommuneDataError, DataIssue
from .messages import field_path, issues_from
from .schema import (CalendarFile, CommuneInfo, Model, ParkingFile, ProceduresFile, RoadworksFile, ServicesFile,
                     SortingFile, StreetsFile, TransportFile, WasteFile)
from .yamlsource import YamlSource, read_yaml


@dataclass(frozen=True)
class FileSpec:
    """One commune file: its name, its schema, the `Files` attribute it fills, whether it must exist."""

    name: str
    model: Type[Model]
    attribute: str
    required: bool = True


FILES = (
    FileSpec("commune.yml", CommuneInfo, "commune"),
    FileSpec("services.yml", ServicesFile, "services"),
    FileSpec("calendar.yml", CalendarFile, "calendar", required=False),
    FileSpec("procedures.yml", ProceduresFile, "procedures"),
    FileSpec("streets.yml", StreetsFile, "streets"),
    FileSpec("waste.yml", WasteFile, "waste"),
    FileSpec("waste_sorting.yml", SortingFile, "sorting"),
    FileSpec("parking.yml", ParkingFile, "parking"),
    FileSpec("transport.yml", TransportFile, "transport"),
    FileSpec("roadworks.yml", RoadworksFile, "roadworks", required=False),
)


def _load_file(folder: Path, spec: FileSpec, issues: List[DataIssue]) -> "tuple[Optional[Model], Optional[YamlSource]]":
    path = folder / spec.name
    display = str(path)
    if not path.is_file():
        if spec.required:
            issues.append(DataIssue(display, None, None, "fichier manquant"))
            return None, None
        return spec.model(), None
    try:
        source = read_yaml(path, display)
    except CommuneDataError as error:
        issues.extend(error.issues)
        return None, None
    try:
        return spec.model.parse_obj(source.data), source
    except ValidationError as error:
        issues.extend(issues_from(error, source, spec.model))
        return None, source


def load_commune(folder: Union[str, Path]) -> Commune:
    """Load and check every data file of a commune folder (e.g. communes/villebrune).

    Raises `CommuneDataError` whose message names the file, the line and the
    field of each problem, in French.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CommuneDataError([DataIssue(str(folder), None, None, "dossier de la commune introuvable")])
    issues: List[DataIssue] = []
    models: Dict[str, Model] = {}
    sources: Dict[str, YamlSource] = {}
    for spec in FILES:
        model, source = _load_file(folder, spec, issues)
        if model is not None:
            models[spec.attribute] = model
        if source is not None:
            sources[spec.name] = source
    if issues:
        raise CommuneDataError(issues)
    files = Files(**models)
    for finding in cross_check(files):
        source = sources.get(finding.file)
        display = source.display if source else str(folder / finding.file)
        message = finding.message
        if finding.first is not None and source is not None:
            message += f" (déjà présent ligne {source.line_of(finding.first)})"
        issues.append(DataIssue(display, source.line_of(finding.loc) if source else None,
                                field_path(finding.loc) or None, message))
    if issues:
        raise CommuneDataError(sorted(issues, key=lambda issue: (issue.file, issue.line or 0)))
    return Commune(files, folder)
