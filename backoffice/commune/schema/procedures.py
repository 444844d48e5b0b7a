"""Schema of procedures.yml: bookable procedures and the documents they need."""

from __future__ import annotations

from typing import Dict, List, Optional

from pydantic import conint, conlist

from .base import Model
from .fields import Identifier, Text


class Procedure(Model):
    """An administrative procedure handled at a counter (ID card, passport...).

    `counters` is how many appointments can run at the same time (one per
    counter or station), `documents` maps a situation code (see
    `ProceduresFile.situations`) to the list of papers to bring.
    """

    id: Identifier
    name: Text
    service: Identifier
    description: Optional[Text] = None
    duration_minutes: conint(gt=0, le=480)
    counters: conint(ge=1, le=50)
    min_lead_hours: conint(ge=0)
    max_days_ahead: conint(ge=1, le=730)
    bookable: bool
    fee: Text
    delay: Text
    validity: Optional[Text] = None
    notes: List[Text] = []
    documents: Dict[Identifier, conlist(Text, min_items=1)]

    @property
    def code(self) -> str:
        """The procedure code of the intent contract (same as `id`)."""
        return self.id


class ProceduresFile(Model):
    situations: Dict[Identifier, Text]
    procedures: conlist(Procedure, min_items=1)
