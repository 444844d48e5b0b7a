"""Canned replies of the agent console, read from the commune's ``canned_replies.yml``.

The file is validated at start-up: a wrong entry names the file and the entry, like the
other commune files. ``{agent}`` and ``{reference}`` in a text are filled per ticket.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import yaml

FILE_NAME = "canned_replies.yml"
_FIELDS = ("id", "title", "text")


class CannedRepliesError(ValueError):
    """The canned replies file is malformed (message in French, names the entry)."""


@dataclass(frozen=True)
class CannedReply:
    id: str
    title: str
    text: str

    def render(self, agent: str, reference: str) -> str:
        return self.text.replace("{agent}", agent).replace("{reference}", reference)


def load_canned_replies(path: Optional[Path]) -> List[CannedReply]:
    """The replies of ``path`` (an empty list when there is no such file)."""
    if path is None or not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("replies") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise CannedRepliesError(f"{path} : la clé « replies » doit contenir une liste.")
    replies, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or any(
                not isinstance(entry.get(key), str) or not entry[key].strip() for key in _FIELDS):
            raise CannedRepliesError(
                f"{path}, réponse n° {number} : les champs id, title et text sont obligatoires.")
        if entry["id"] in seen:
            raise CannedRepliesError(f"{path} : l'identifiant « {entry['id']} » est en double.")
        seen.add(entry["id"])
        replies.append(CannedReply(entry["id"].strip(), entry["title"].strip(),
                                   entry["text"].strip()))
    return replies


def rendered(replies: List[CannedReply], agent: str, reference: str) -> List[Dict[str, str]]:
    return [{"id": r.id, "title": r.title, "text": r.render(agent, reference)} for r in replies]
