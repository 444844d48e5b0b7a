"""Small statistics helpers for latencies and comparisons (no numpy needed).

Percentiles use linear interpolation between closest ranks, like numpy's default
(``method="linear"``), so reports agree with a spreadsheet or numpy.
"""

from __future__ import annotations

import math
from typing import Dict, Iterable, List, Optional, Sequence


def percentile(values: Iterable[float], q: float) -> Optional[float]:
    """The ``q``-th percentile (0-100) of ``values``; None when there are none."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within [0, 100], got {q}")
    data = sorted(values)
    if not data:
        return None
    rank = (len(data) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


def summarize(values: Sequence[float], quantiles: Sequence[float] = (50, 95, 99)) -> Dict[str, Optional[float]]:
    """Count, mean, max and the given percentiles (keys ``p50``, ``p95``...)."""
    result: Dict[str, Optional[float]] = {
        "count": len(values),
        "mean": sum(values) / len(values) if values else None,
        "max": max(values) if values else None,
    }
    for q in quantiles:
        result[f"p{q:g}"] = percentile(values, q)
    return result


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    """``numerator / denominator``, or None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def rate(count: int, seconds: float) -> float:
    """Events per second; 0 for an empty or zero-length window."""
    return count / seconds if seconds > 0 else 0.0


def to_ms(seconds: Optional[float]) -> Optional[float]:
    return None if seconds is None else 1000 * seconds


def ms_summary(seconds: List[float]) -> Dict[str, Optional[float]]:
    """:func:`summarize` of durations given in seconds, reported in milliseconds."""
    summary = summarize(seconds)
    return {k: (v if k == "count" else to_ms(v)) for k, v in summary.items()}
