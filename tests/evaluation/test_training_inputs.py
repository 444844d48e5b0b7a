"""Training helpers that need no training: quick configs, fingerprints, snapshots."""

from __future__ import annotations

import yaml

from evaluation import training


def test_quick_config_caps_every_epochs(tmp_path):
    quick = training.quick_config(training.DEFAULT_CONFIG, 7, tmp_path)
    data = yaml.safe_load(quick.read_text())
    epochs = [item["epochs"] for section in ("pipeline", "policies") for item in data[section] if "epochs" in item]
    assert epochs and set(epochs) == {7}
    names = [item["name"] for item in data["pipeline"]]
    assert names[0] == "WhitespaceTokenizer" and "DIETClassifier" in names


def test_fingerprint_follows_config_and_data(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nlu.yml").write_text("nlu: []\n")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n")
    config = tmp_path / "config.yml"
    config.write_text("pipeline: []\n")
    first = training.fingerprint(config, tmp_path)
    assert training.fingerprint(config, tmp_path) == first
    (tmp_path / "data" / "nlu.yml").write_text("nlu: [x]\n")
    assert training.fingerprint(config, tmp_path) != first


def test_snapshot_copies_inputs_and_keeps_the_fingerprint(tmp_path):
    root = tmp_path / "tree"
    (root / "data").mkdir(parents=True)
    (root / "data" / "nlu.yml").write_text("nlu: []\n")
    (root / "domain.yml").write_text("intents: [greet]\n")
    (root / "tests" / "stories").mkdir(parents=True)
    (root / "tests" / "stories" / "a.yml").write_text("stories: []\n")
    config = tmp_path / "config.yml"
    config.write_text("pipeline: []\n")
    copy = training.snapshot(tmp_path / "work", root)
    assert (copy / "tests" / "stories" / "a.yml").exists()
    assert training.fingerprint(config, copy) == training.fingerprint(config, root)
