"""The intent confusion matrix as a PNG (matplotlib, Agg backend, no display needed).

matplotlib is imported when a plot is drawn, so that importing this module stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence


def confusion_labels(truth: Sequence[str], predicted: Sequence[str]) -> List[str]:
    """True intents first (sorted), then the predicted-only labels (fallback, None...)."""
    known = sorted(set(truth))
    return known + sorted(set(predicted) - set(known))


def save_confusion(truth: Sequence[str], predicted: Sequence[str], path: Path, title: str) -> None:
    """Row-normalised confusion matrix, counts written in the off-diagonal cells."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from sklearn.metrics import confusion_matrix

    labels = confusion_labels(truth, predicted)
    counts = confusion_matrix(truth, predicted, labels=labels)
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, rows, out=np.zeros(counts.shape, dtype=float), where=rows > 0)
    size = max(6.0, 0.32 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)))
    ax.set_yticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90, fontsize=7)
    ax.set_yticklabels(labels, fontsize=7)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("true intent")
    ax.set_title(title, fontsize=10)
    for i, j in zip(*np.nonzero(counts)):
        if i != j:
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=6, color="darkred")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="share of the true intent's examples")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
