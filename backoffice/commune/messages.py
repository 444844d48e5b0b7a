"""French messages for schema errors, located by file, line and field.

Pydantic v1 reports errors in English with a location tuple; `issues_from`
turns each one into a `DataIssue` whose message a municipal agent can act
on: which field, on which line, what is wrong and what was expected.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Type, Union

from pydantic import BaseModel, ValidationError

from .errors import DataIssue
from .yamlsource import Loc, YamlSource

#: Pydantic error types and their French wording ({…} filled from the error context).
_BY_TYPE = {
    "value_error.missing": "champ obligatoire manquant",
    "value_error.extra": "champ inconnu",
    "type_error.none.not_allowed": "valeur vide, une valeur est attendue",
    "type_error.integer": "nombre entier attendu",
    "type_error.float": "nombre attendu",
    "type_error.bool": "valeur oui/non attendue (true ou false)",
    "type_error.str": "texte attendu",
    "type_error.list": "liste attendue (lignes commençant par « - »)",
    "type_error.dict": "liste de champs « nom: valeur » attendue",
    "value_error.date": "date invalide (format attendu AAAA-MM-JJ)",
    "value_error.number.not_gt": "la valeur doit être supérieure à {limit_value}",
    "value_error.number.not_ge": "la valeur doit être supérieure ou égale à {limit_value}",
    "value_error.number.not_lt": "la valeur doit être inférieure à {limit_value}",
    "value_error.number.not_le": "la valeur doit être inférieure ou égale à {limit_value}",
    "value_error.list.min_items": "au moins {limit_value} élément(s) attendu(s)",
    "value_error.any_str.min_length": "texte trop court",
}


def field_path(loc: Loc) -> str:
    """Readable field path: ("services", 0, "hours", "lundi") -> "services[0].hours.lundi"."""
    text = ""
    for part in loc:
        if part == "__root__":
            continue
        if part == "__key__":
            text += " (nom du champ)"
        elif isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _model_at(model: Type[BaseModel], loc: Loc) -> Optional[Type[BaseModel]]:
    """The model class that holds the last part of `loc`, following nested fields.

    Parts that are not field names (list indexes, dict keys) keep the current model.
    """
    current: Any = model
    for part in loc[:-1]:
        fields = getattr(current, "__fields__", {})
        if isinstance(part, str) and part in fields:
            current = fields[part].type_
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _scalar(value: Any) -> Optional[str]:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _message(error: dict, source: YamlSource, model: Type[BaseModel]) -> str:
    kind, loc, context = error["type"], error["loc"], error.get("ctx", {})
    if kind == "value_error":
        return error["msg"]  # raised by our own validators, already in French
    if kind == "value_error.extra":
        holder = _model_at(model, loc)
        known = ", ".join(holder.__fields__) if holder is not None else ""
        return f"champ inconnu « {loc[-1]} »" + (f" (champs possibles : {known})" if known else "")
    if kind == "value_error.const":
        permitted = ", ".join(str(p) for p in context.get("permitted", ()))
        return f"valeur non autorisée « {source.node_at(loc)} » (valeurs possibles : {permitted})"
    text = _BY_TYPE.get(kind, "valeur invalide").format(**context)
    if kind not in ("value_error.missing", "type_error.none.not_allowed"):
        value = _scalar(source.node_at(loc))
        if value is not None:
            text = f"{text}, reçu « {value} »"
    return text


def issues_from(error: ValidationError, source: YamlSource, model: Type[BaseModel]) -> List[DataIssue]:
    """One French `DataIssue` per pydantic error, with the line found in `source`."""
    issues = []
    for item in error.errors():
        loc: Sequence[Union[str, int]] = item["loc"]
        issues.append(DataIssue(source.display, source.line_of(loc), field_path(loc) or None,
                                _message(item, source, model)))
    return issues
