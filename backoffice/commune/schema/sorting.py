"""Schema of waste_sorting.yml: the bins and which bin each common item goes in."""

from __future__ import annotations

from typing import List, Optional

from pydantic import conlist

from .base import Model
from .fields import Identifier, Text


class Bin(Model):
    id: Identifier
    name: Text
    description: Optional[Text] = None


class SortingItem(Model):
    name: Text
    bin: Identifier
    advice: Text
    aliases: List[Text] = []


class SortingFile(Model):
    bins: conlist(Bin, min_items=1)
    items: conlist(SortingItem, min_items=1)
