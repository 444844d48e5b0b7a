"""Scores the trained model on the held-out NLU set and fails under a threshold.

Used by `make test` (the build fails when intent accuracy drops below --min-accuracy).
Writes results/nlu/scores.json and results/nlu/errors.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from evaluation.nlu_scores import load_examples, misclassified, predict, score  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=Path("tests/nlu"))
    parser.add_argument("--min-accuracy", type=float, default=0.90)
    parser.add_argument("--out", type=Path, default=Path("results/nlu"))
    args = parser.parse_args()

    examples = load_examples(args.data)
    predictions = predict(args.model, examples)
    scores = score(examples, predictions)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scores.json").write_text(json.dumps(scores.as_dict(), indent=2, ensure_ascii=False))
    (args.out / "errors.json").write_text(
        json.dumps(misclassified(examples, predictions), indent=2, ensure_ascii=False)
    )
    print(f"Held-out NLU: {scores.examples} examples, intent accuracy {scores.intent_accuracy:.3f}, "
          f"macro-F1 {scores.macro_f1:.3f}, entity F1 {scores.entity['f1']:.3f}, "
          f"out-of-scope recall {scores.out_of_scope_recall}, parse p50 {scores.parse_ms_p50:.1f} ms")
    for row in scores.confusions[:10]:
        print(f"  {row['count']:3d} × {row['intent']} -> {row['predicted']}")
    if scores.intent_accuracy < args.min_accuracy:
        print(f"FAILED: intent accuracy {scores.intent_accuracy:.3f} < {args.min_accuracy}")
        return 1
    print(f"OK: intent accuracy {scores.intent_accuracy:.3f} >= {args.min_accuracy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
