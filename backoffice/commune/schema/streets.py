"""Schema of streets.yml: the commune's streets and their waste-collection sector."""

from __future__ import annotations

from typing import List

from pydantic import conlist

from .base import Model
from .fields import Identifier, Text


class Street(Model):
    name: Text
    sector: Identifier
    aliases: List[Text] = []


class StreetsFile(Model):
    streets: conlist(Street, min_items=1)
