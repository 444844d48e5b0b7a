"""Unit tests of the measuring code: statistics helpers, NLU scoring, report pieces.

Fast (no model, no server): synthetic examples and predictions only.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from benchmarks.clients import TurnResult, _read_messages
from benchmarks import load as load_module
from benchmarks.load import Budget, LevelResult, LoadSettings, Pacer, Record, converse
from benchmarks.scenarios import SCENARIOS, Scenario, Step, draw, every_scenario, pick_button
from benchmarks.stats import ms_summary, percentile, rate, ratio, summarize
from evaluation.core_stories import failed_story_names
from evaluation.nlu_scores import Example, Prediction, reported_intent, score
from evaluation.plots import confusion_labels


def test_percentile_interpolates_like_numpy():
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 50) == 35
    assert percentile(values, 100) == 50
    assert percentile(values, 40) == pytest.approx(29.0)  # numpy.percentile(values, 40)
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)


def test_percentile_of_nothing_and_bad_rank():
    assert percentile([], 50) is None
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_summaries_and_milliseconds():
    summary = summarize([1.0, 2.0, 3.0, 4.0])
    assert summary["count"] == 4 and summary["mean"] == 2.5 and summary["max"] == 4.0
    assert summary["p50"] == 2.5
    ms = ms_summary([0.1, 0.2, 0.3])
    assert ms["count"] == 3 and ms["p50"] == pytest.approx(200.0) and ms["max"] == pytest.approx(300.0)
    assert ms_summary([])["p95"] is None


def test_ratio_and_rate():
    assert ratio(3.0, 1.5) == 2.0
    assert ratio(None, 1.0) is None and ratio(1.0, None) is None and ratio(1.0, 0) is None
    assert rate(30, 10.0) == 3.0 and rate(5, 0) == 0.0


def ex(text, intent, *entities):
    return Example(text, intent, set(entities))


def pred(intent, *entities):
    return Prediction(intent, set(entities), 0.01)


def test_score_counts_intents_entities_and_out_of_scope():
    examples = [
        ex("rdv passeport", "book_appointment", ("procedure", "passeport")),
        ex("rdv cni", "book_appointment", ("procedure", "carte_identite")),
        ex("la météo ?", "out_of_scope"),
        ex("une blague", "out_of_scope"),
        ex("horaires", "opening_hours"),
    ]
    predictions = [
        pred("book_appointment", ("procedure", "passeport")),
        pred("book_appointment", ("procedure", "passeport")),  # wrong value: one false positive
        pred("out_of_scope"),
        pred("nlu_fallback"),
        pred(None),
    ]
    scores = score(examples, predictions)
    assert scores.examples == 5
    assert scores.intent_accuracy == pytest.approx(3 / 5)
    assert scores.out_of_scope_recall == pytest.approx(0.5)
    assert scores.per_intent["book_appointment"]["f1"] == pytest.approx(1.0)
    assert scores.per_intent["opening_hours"]["f1"] == 0.0
    # macro-F1 over the true intents: book 1.0, oos 2/3, opening_hours 0
    assert scores.macro_f1 == pytest.approx((1.0 + 2 / 3 + 0.0) / 3)
    assert scores.entity["precision"] == pytest.approx(0.5)
    assert scores.entity["recall"] == pytest.approx(0.5)
    assert scores.entity["f1"] == pytest.approx(0.5)
    confusions = {(c["intent"], c["predicted"]): c["count"] for c in scores.confusions}
    assert confusions == {("out_of_scope", "nlu_fallback"): 1, ("opening_hours", "None"): 1}


def test_reported_intent_reads_retrieval_keys():
    parse = {"intent": {"name": "faq"},
             "response_selector": {"faq": {"response": {"intent_response_key": "faq/opening_hours"}}}}
    assert reported_intent(parse) == "opening_hours"
    assert reported_intent({"intent": {"name": "greet"}, "response_selector": {}}) == "greet"


def test_confusion_labels_put_unknown_predictions_last():
    assert confusion_labels(["b", "a"], ["a", "nlu_fallback", "b"]) == ["a", "b", "nlu_fallback"]


def test_failed_story_names(tmp_path):
    path = tmp_path / "failed_test_stories.yml"
    path.write_text('version: "3.1"\nstories:\n- story: book then cancel (/tmp/x/inputs/tests/stories/a.yml)\n'
                    '  steps: []\n- story: other (elsewhere/b.yml)\n  steps: []\n')
    assert failed_story_names(path) == ["book then cancel (tests/stories/a.yml)", "other (elsewhere/b.yml)"]
    assert failed_story_names(tmp_path / "missing.yml") == []
    (tmp_path / "none.yml").write_text("# None of the test stories failed - all good!")
    assert failed_story_names(tmp_path / "none.yml") == []


def test_level_summary_counts_errors_and_throughput():
    result = LevelResult(LoadSettings("rest", 2, 10, 100), wall_seconds=2.0)
    result.records = [Record("faq", "ok", 0.1), Record("faq", "ok", 0.3), Record("faq", "timeout", 30.0),
                      Record("booking", "empty", 0.2)]
    summary = result.summary()
    assert summary["turns"] == 4 and summary["ok_turns"] == 2
    assert summary["turns_per_second"] == 1.0
    assert summary["errors"] == {"timeout": 1, "empty": 1}
    assert summary["error_rate"] == 0.5
    assert summary["latency_ms"]["p50"] == pytest.approx(200.0)


class ScriptedConversation:
    """Answers each message with the next of ``replies``."""

    late = 0

    def __init__(self, replies):
        self.replies = iter(replies)

    async def open(self):
        return 0.01

    async def send(self, text):
        return TurnResult("ok", 0.05, [next(self.replies)])

    async def close(self):
        return None


@pytest.mark.parametrize("reply,reached,reason", [
    ("C'est réservé ! Votre référence : RDV-2026-00001.", True, None),
    ("Ce créneau n'est plus disponible. Merci d'en choisir un autre.", False, "slot taken"),
    ("Je n'ai pas compris.", False, None),
])
def test_goals_missed_for_a_known_reason_are_counted_under_it(reply, reached, reason):
    scenario = Scenario("booking", [Step("bonjour"), Step("oui je confirme", expect=("RDV-",),
                                                          misses=(("slot taken", ("plus disponible",)),)),
                                    Step("merci")])
    result = LevelResult(LoadSettings("rest", 1, 10, 100), wall_seconds=1.0)
    outcome = asyncio.run(converse(ScriptedConversation(["Bonjour !", reply, "De rien"]), scenario,
                                   Budget(10, 100), result.settings, random.Random(1), result.records))
    result.conversations.append(outcome)
    assert (outcome.reached_goal, outcome.miss_reason, outcome.turns) == (reached, reason, 3)
    summary = result.summary()
    assert summary["goal_by_scenario"] == {"booking": f"{int(reached)}/1"}
    assert summary["goal_missed_because"] == ({"booking": {reason: 1}} if reason else {})


class FakeClock:
    """``time.monotonic`` and ``asyncio.sleep`` of benchmarks.load on a clock that only
    moves when told (sleeps and replies move it), so pacing is checked exactly."""

    def __init__(self, monkeypatch):
        self.now = 100.0
        self.sleeps = []
        monkeypatch.setattr(load_module.time, "monotonic", lambda: self.now)
        monkeypatch.setattr(load_module.asyncio, "sleep", self.sleep)

    async def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class TimedConversation(ScriptedConversation):
    """A scripted conversation whose replies take ``seconds[i]`` on the fake clock."""

    def __init__(self, clock, seconds):
        super().__init__(["ok"] * len(seconds))
        self.clock, self.seconds, self.sent_at = clock, iter(seconds), []

    async def send(self, text):
        self.sent_at.append(round(self.clock.now, 6))
        self.clock.now += next(self.seconds)
        return await super().send(text)


def test_pacer_sends_one_message_per_interval_and_never_catches_up(monkeypatch):
    clock = FakeClock(monkeypatch)
    scenario = Scenario("faq", [Step(f"question {i}") for i in range(4)])
    # replies of 0.1 s, then 0.7 s (longer than the pacing of 0.4 s), then 0.1 s
    conversation = TimedConversation(clock, [0.1, 0.7, 0.1, 0.1])
    pacer = Pacer(0.4, offset=0.2)
    outcome = asyncio.run(converse(conversation, scenario, Budget(10_000, 100), LoadSettings("rest", 1, 10, 100),
                                   random.Random(1), [], pacer=pacer))
    assert outcome.turns == 4
    # first message after the offset; then every 0.4 s; after the slow reply at once, and
    # the next one 0.4 s after that (no burst to make up for the late one)
    assert conversation.sent_at == [100.2, 100.6, 101.3, 101.7]
    assert clock.sleeps == [0.2, 0.3, 0.3]


def test_no_pacing_never_waits(monkeypatch):
    clock = FakeClock(monkeypatch)
    conversation = TimedConversation(clock, [0.1, 0.1])
    asyncio.run(converse(conversation, Scenario("faq", [Step("a"), Step("b")]), Budget(10_000, 100),
                         LoadSettings("rest", 1, 10, 100), random.Random(1), [], pacer=Pacer(0.0, offset=5.0)))
    assert conversation.sent_at == [100.0, 100.1] and clock.sleeps == []


def test_paced_level_reports_its_offered_rate():
    paced = LevelResult(LoadSettings("rest", 20, 10, 100, pacing=0.4), wall_seconds=1.0).summary()
    assert paced["pacing_seconds"] == 0.4 and paced["offered_turns_per_second"] == pytest.approx(50.0)
    closed = LevelResult(LoadSettings("rest", 20, 10, 100), wall_seconds=1.0).summary()
    assert closed["pacing_seconds"] is None and closed["offered_turns_per_second"] is None


def test_budget_stops_on_turns():
    budget = Budget(duration=60, max_turns=2)
    assert budget.take() and budget.take() and not budget.take()
    assert not Budget(duration=0, max_turns=5).take()


def test_scenarios_and_buttons():
    rng = random.Random(3)
    kinds = {s.name for s in every_scenario(rng)}
    assert kinds == set(SCENARIOS)
    assert draw(rng, 1).steps
    payloads = ["/affirm", '/inform{"time": "2026-12-01T09:30:00+01:00"}']
    assert pick_button(payloads, '/inform{"time"', rng) == payloads[1]
    assert pick_button(payloads, "/deny", rng) is None
    read = _read_messages([{"text": "Choisissez", "buttons": [{"title": "9h30", "payload": "/x"}]},
                           {"text": "ok", "quick_replies": [{"title": "Oui", "payload": "/affirm"}]}])
    assert read == {"texts": ["Choisissez", "ok"], "payloads": ["/x", "/affirm"]}


def test_profile_summary_counts_working_samples_and_loop_saturation():
    from benchmarks.profiling import summarize

    lines = [
        "<module> (rasa:6);handle (rasa/core/processor.py:10);validate (jsonschema/validators.py:5) 6",
        "<module> (rasa:6);handle (rasa/core/processor.py:12);predict (tensorflow/x.py:1) 3",
        "<module> (rasa:6);serve (sanic/server/runners.py:155) 1",
        "_bootstrap (threading.py:973);_worker (concurrent/futures/thread.py:81) 50",
        "garbage line",
    ]
    summary = summarize(lines, top=5, ceiling=0.95)
    assert summary["samples"] == 60 and summary["busy_samples"] == 9
    assert summary["loop_busy"] == 0.9
    top = [(row["frame"], row["share"]) for row in summary["top_inclusive"]]
    assert top == [("validate (jsonschema/validators.py)", 0.667), ("predict (tensorflow/x.py)", 0.333)]


def test_paced_levels_are_parsed_and_run_after_the_others():
    from benchmarks.run import parse_args

    args = parse_args(["--levels", "1,20", "--paced", "20:50, 10:30"])
    assert args.paced == [(20, 50.0), (10, 30.0)]
    from benchmarks.run import level_settings

    settings = level_settings(args)
    assert [(s.transport, s.concurrency, s.pacing) for s in settings] == [
        ("rest", 1, 0.0), ("rest", 20, 0.0), ("socketio", 1, 0.0), ("socketio", 20, 0.0),
        ("rest", 20, 0.4), ("rest", 10, pytest.approx(1 / 3))]
    assert parse_args(["--quick"]).paced == [(5, 10.0)] and parse_args([]).paced == [(20, 50.0)]
    assert parse_args(["--paced", ""]).paced == []
    assert not [s for s in level_settings(parse_args(["--transports", "socketio"])) if s.pacing]


@pytest.mark.parametrize("bad", ["20", "x:50", "20:0", "0:50", "20:-1"])
def test_bad_paced_levels_are_refused(bad, capsys):
    from benchmarks.run import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--paced", bad])
    assert "--paced" in capsys.readouterr().err
