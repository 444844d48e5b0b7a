"""Prints one conversation of each benchmark scenario against a running Rasa, turn by turn.

For checking that the simulated citizens still follow the bot's flows after a change
of the dialogue (a scenario that goes off script measures the wrong thing):

    python -m benchmarks.transcript --url http://127.0.0.1:5005 [--transport socketio]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from typing import List, Optional

from benchmarks.load import play_once
from benchmarks.scenarios import every_scenario


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--transport", choices=("rest", "socketio"), default="rest")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    transcript: list = []
    outcomes = asyncio.run(play_once(args.url, every_scenario(random.Random(args.seed)),
                                     args.transport, transcript=transcript))
    for text, result in transcript:
        print(f"> {text}\n  [{result.status}, {1000 * result.seconds:.0f} ms]")
        for reply in result.texts:
            print("  < " + reply.replace("\n", "\n    "))
        if result.payloads:
            print("  buttons: " + " | ".join(result.payloads))
    for outcome in outcomes:
        print(f"{outcome.scenario}: {outcome.turns} turns, goal {outcome.reached_goal}, "
              f"off script {outcome.off_script}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
