"""Trains a Rasa model from a config file into a temporary folder and times it.

Each training runs `rasa train` in a subprocess (as `make train` does) with its own
empty Rasa cache, so that the time measured is a cold training, never a cache hit, and
never touches models/ or .rasa/. Trained models are kept in a cache folder under the
system's temp dir, keyed by a fingerprint of the config, domain, data and custom NLU
code: `make bench` reuses the baseline model `make eval` trained instead of training it
again, and reads its training time from there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
PROJECT_CONFIG = ROOT / "config.yml"
DEFAULT_CONFIG = Path(__file__).resolve().parent / "default_config.yml"
CACHE_DIR = Path(os.environ.get("GUICHET_MODEL_CACHE", Path(tempfile.gettempdir()) / "guichet-trained-models"))
FINGERPRINT_INPUTS = ("domain.yml", "data", "guichet_nlu")
#: What a run copies at its start, so that every model of the run is trained and tested on
#: the same files even if the work tree changes meanwhile.
SNAPSHOT_ITEMS = FINGERPRINT_INPUTS + ("tests/nlu", "tests/stories")
#: Epochs of the baseline in --quick runs of `make eval` and `make bench`.
QUICK_EPOCHS = 10


@dataclass
class TrainedModel:
    name: str
    path: Path
    seconds: float
    config: str
    fingerprint: str
    reused: bool = False

    def as_dict(self) -> Dict[str, object]:
        data = asdict(self)
        data["path"] = str(self.path)
        return data


def quick_config(config: Path, epochs: int, workdir: Path) -> Path:
    """A copy of ``config`` where every component or policy with ``epochs`` trains for
    ``epochs`` at most (for development runs)."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    for section in ("pipeline", "policies"):
        for item in data.get(section) or []:
            if "epochs" in item:
                item["epochs"] = min(int(item["epochs"]), epochs)
    path = workdir / f"{config.stem}.quick{epochs}.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def snapshot(workdir: Path, root: Path = ROOT) -> Path:
    """Copies the training and test inputs of ``root`` into ``workdir/inputs``."""
    target = workdir / "inputs"
    for item in SNAPSHOT_ITEMS:
        source, copy = root / item, target / item
        if source.is_dir():
            shutil.copytree(source, copy, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    return target


def fingerprint(config: Path, root: Path = ROOT) -> str:
    """A hash of the config's text and of every training input under ``root``."""
    digest = hashlib.sha256(config.read_bytes())
    for name in FINGERPRINT_INPUTS:
        base = root / name
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in files:
            if path.suffix in (".yml", ".yaml", ".py", ".txt", ".json") and path.exists():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cached(name: str, key: str) -> Optional[TrainedModel]:
    meta = CACHE_DIR / f"{name}-{key}.json"
    model = CACHE_DIR / f"{name}-{key}.tar.gz"
    if not (meta.exists() and model.exists()):
        return None
    data = json.loads(meta.read_text())
    return TrainedModel(name, model, float(data["seconds"]), data["config"], key, reused=True)


def _store(trained: TrainedModel) -> TrainedModel:
    """Moves a fresh model into the cache, in place of older ones of the same name."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for old in CACHE_DIR.glob(f"{trained.name}-*"):
        old.unlink()
    target = CACHE_DIR / f"{trained.name}-{trained.fingerprint}.tar.gz"
    shutil.move(str(trained.path), target)
    (CACHE_DIR / f"{trained.name}-{trained.fingerprint}.json").write_text(
        json.dumps({"seconds": trained.seconds, "config": trained.config}))
    trained.path = target
    return trained


def train(name: str, config: Path, workdir: Path, inputs: Path = ROOT, reuse: bool = False,
          log: Optional[Path] = None) -> TrainedModel:
    """Train (or, with ``reuse``, take from the cache) the model of ``config`` on the
    domain and data of ``inputs`` (the work tree, or a :func:`snapshot` of it).

    ``workdir`` receives the temporary Rasa cache and the training log.
    """
    key = fingerprint(config, inputs)
    if reuse:
        cached = _cached(name, key)
        if cached:
            print(f"[train] {name}: reusing {cached.path} (trained in {cached.seconds:.0f} s)", flush=True)
            return cached
    out = workdir / f"models-{name}"
    cache = workdir / f"rasa-cache-{name}"
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2",
               RASA_CACHE_DIRECTORY=str(cache))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [str(Path(sys.executable).parent / "rasa"), "train", "--config", str(config),
               "--domain", str(inputs / "domain.yml"), "--data", str(inputs / "data"),
               "--out", str(out), "--fixed-model-name", name]
    log = log or workdir / f"train-{name}.log"
    print(f"[train] {name}: rasa train --config {config.name} (log {log})", flush=True)
    start = time.perf_counter()
    with open(log, "wb") as handle:
        code = subprocess.call(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    shutil.rmtree(cache, ignore_errors=True)
    model = out / f"{name}.tar.gz"
    if code != 0 or not model.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"rasa train failed for {name} (exit {code}):\n{tail}")
    print(f"[train] {name}: {seconds:.0f} s", flush=True)
    return _store(TrainedModel(name, model, seconds, str(config), key))
