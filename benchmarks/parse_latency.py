"""NLU alone: sequential POST /model/parse of held-out texts against a running Rasa."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Dict, List

import requests

from benchmarks.stats import ms_summary


def held_out_texts(folder: Path, limit: int) -> List[str]:
    """Up to ``limit`` texts of the held-out NLU set, spread over every intent."""
    from evaluation.nlu_scores import load_examples

    examples = sorted(load_examples(folder), key=lambda e: (e.intent, e.text))
    step = max(1, len(examples) // limit) if limit else 1
    return [e.text for e in examples[::step]][:limit]


def measure(base_url: str, texts: List[str], timeout: float = 30.0) -> Dict[str, Any]:
    """Parses ``texts`` one after the other (after one warm-up call); latency in ms."""
    url = f"{base_url}/model/parse"
    seconds, errors = [], 0
    with requests.Session() as http:
        http.post(url, json={"text": "bonjour"}, timeout=timeout)
        for text in texts:
            start = time.perf_counter()
            try:
                ok = http.post(url, json={"text": text}, timeout=timeout).status_code == 200
            except requests.RequestException:
                ok = False
            if ok:
                seconds.append(time.perf_counter() - start)
            else:
                errors += 1
    return dict(ms_summary(seconds), errors=errors)
