"""Starts, watches and stops Guichet's processes: back office, action server, Rasa, web.

`python -m tools.stack run` is what `make run` calls: it starts everything on the
embedded defaults (SQLite, in-memory stores), waits until each service answers, prints
the URLs and stops everything on Ctrl-C. `python -m tools.stack shell` starts the back
office and the action server, then opens `rasa shell`. Tests use :class:`Stack` with
free ports so that they never collide with a running `make run`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEFAULT_MODEL = ROOT / "models" / "guichet.tar.gz"
DEFAULT_ENDPOINTS = ROOT / "endpoints.yml"
SCALE_ENDPOINTS = ROOT / "endpoints.scale.yml"
DEFAULT_PORTS = {"backoffice": 8000, "actions": 5055, "rasa": 5005, "web": 8080}
ALL_SERVICES = ("backoffice", "actions", "rasa", "web")
READY_TIMEOUT = float(os.environ.get("GUICHET_READY_TIMEOUT", "240"))
# Runtime tuning of every service, measured in benchmarks/TUNING.md; a value already in
# the caller's environment (or given to Stack as extra_env) wins.
RUNTIME_ENV = {
    # glibc: at most 2 malloc arenas per process instead of 8 per core; Rasa's threads
    # (TensorFlow, asyncio executors) otherwise each grow their own arena.
    "MALLOC_ARENA_MAX": "2",
}
#: For the Rasa server only: with these set, Rasa imports TensorFlow at start-up to apply
#: them, which would cost the action server (`rasa run actions`) ~370 MB for nothing.
RASA_RUNTIME_ENV = {
    # TensorFlow runs DIET/TED on small batches inside the event loop; one thread per op
    # pool avoids spinning threads fighting for the 2 cores.
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    # numpy's OpenBLAS: the linear classifier's small matrix-vector products otherwise
    # wake a second BLAS thread that spins on the other core (Rasa CPU per turn 24.9 ms
    # instead of 14.3 ms, benchmarks/TUNING.md).
    "OPENBLAS_NUM_THREADS": "1",
    # Messages parsed in a child process of Rasa (guichet_nlu/nlu_process.py): its event
    # loop runs the dialogue while the other core parses. Off with several Rasa workers,
    # which already use both cores.
    "GUICHET_NLU_PROCESS": "1",
}


def free_ports(*names: str) -> Dict[str, int]:
    """A distinct local port, free right now, for each name: the kernel chooses them, and
    each probe stays bound until all are chosen, so no two names ever share a port (two
    services drawn on one port let one of them answer the other's health check).
    """
    with contextlib.ExitStack() as probes:
        sockets = [probes.enter_context(socket.socket()) for _ in names]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return {name: sock.getsockname()[1] for name, sock in zip(names, sockets)}


def free_port() -> int:
    """One local port that is free right now."""
    return free_ports("port")["port"]


def base_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    for key, value in RUNTIME_ENV.items():
        env.setdefault(key, value)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@dataclass
class Service:
    name: str
    command: List[str]
    health_url: str
    env: Dict[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None
    log_path: Optional[Path] = None

    def start(self, log_dir: Path) -> None:
        self.log_path = log_dir / f"{self.name}.log"
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def is_ready(self) -> bool:
        try:
            return requests.get(self.health_url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if not self.process or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class Stack:
    """A set of Guichet processes on given ports, sharing one data directory."""

    def __init__(
        self,
        services: Iterable[str] = ALL_SERVICES,
        ports: Optional[Dict[str, int]] = None,
        model: Path = DEFAULT_MODEL,
        workdir: Optional[Path] = None,
        extra_env: Optional[Dict[str, str]] = None,
        rasa_workers: int = 1,
    ) -> None:
        self.rasa_workers = rasa_workers
        self.ports = dict(DEFAULT_PORTS, **(ports or {}))
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="guichet-stack-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.model = model
        self.env = base_env()
        self.env.setdefault("DATABASE_URL", f"sqlite:///{self.workdir / 'backoffice.db'}")
        self.env.update(
            BACKOFFICE_URL=self.url("backoffice"),
            GUICHET_SOCKET_URL=self.url("rasa"),
            GUICHET_PUBLIC_URL=self.url("web"),
            RASA_URL=self.url("rasa"),
        )
        self.env.update(extra_env or {})
        self.services = [self._service(name) for name in services]

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def _endpoints_file(self) -> Path:
        path = self.workdir / "endpoints.yml"
        path.write_text(
            f'action_endpoint:\n  url: "{self.url("actions")}/webhook"\n'
            # Human handoff: citizens' messages during a handoff go to the back office.
            f'event_broker:\n  type: channels.handoff_broker.BackOfficeEventBroker\n'
            f'  url: "{self.url("backoffice")}"\n' + self._shared_stores(),
            encoding="utf-8",
        )
        return path

    def _shared_stores(self) -> str:
        """With several Rasa workers: endpoints.scale.yml's Redis tracker and lock stores,
        their keys prefixed with Rasa's port (stacks on other ports never share them).
        With one worker: the in-memory stores of the repository's endpoints.yml (its tracker
        store without JSON round trips, benchmarks/TUNING.md)."""
        if self.rasa_workers <= 1:
            default = yaml.safe_load(DEFAULT_ENDPOINTS.read_text(encoding="utf-8"))
            return yaml.safe_dump({"tracker_store": default["tracker_store"]})
        scale = yaml.safe_load(SCALE_ENDPOINTS.read_text(encoding="utf-8"))
        stores = {key: dict(scale[key], key_prefix=f"{scale[key]['key_prefix']}{self.ports['rasa']}")
                  for key in ("tracker_store", "lock_store")}
        return yaml.safe_dump(stores, sort_keys=False)

    def _service(self, name: str) -> Service:
        python, rasa = str(VENV_BIN / "python"), str(VENV_BIN / "rasa")
        port = str(self.ports[name])
        if name == "backoffice":
            cmd = [python, "-m", "backoffice", "serve", "--host", "127.0.0.1", "--port", port]
            health = f"{self.url(name)}/health"
        elif name == "actions":
            cmd = [rasa, "run", "actions", "--port", port, "--actions", "actions"]
            health = f"{self.url(name)}/health"
        elif name == "rasa":
            cmd = [
                rasa, "run", "--enable-api", "--cors", "*", "--port", port,
                "--model", str(self.model), "--credentials", str(ROOT / "credentials.yml"),
                "--endpoints", str(self._endpoints_file()),
            ]
            health = f"{self.url(name)}/status"
            tuning = dict(RASA_RUNTIME_ENV, **({"GUICHET_NLU_PROCESS": "0"} if self.rasa_workers > 1 else {}))
            env = {**tuning, **self.env, "SANIC_WORKERS": str(self.rasa_workers)}
            return Service(name, cmd, health, env=env)
        elif name == "web":
            cmd = [python, "-m", "webapp", "--host", "127.0.0.1", "--port", port]
            health = f"{self.url(name)}/health"
        else:
            raise ValueError(f"unknown service {name}")
        return Service(name, cmd, health, env=self.env)

    def start(self, timeout: float = READY_TIMEOUT) -> "Stack":
        log_dir = self.workdir / "logs"
        log_dir.mkdir(exist_ok=True)
        for service in self.services:
            service.start(log_dir)
        deadline = time.monotonic() + timeout
        pending = list(self.services)
        while True:
            # Every service, ready or not: one that answered and then exited (its port taken
            # by another process, which answered its health check) must not pass for ready.
            for service in self.services:
                if service.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(
                        f"{service.name} exited with code {service.process.returncode}:\n"
                        f"{service.log_tail()}"
                    )
            if not pending:
                return self
            for service in list(pending):
                if service.is_ready():
                    pending.remove(service)
            if pending and time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                tails = "\n".join(f"--- {s.name}\n{s.log_tail()}" for s in pending)
                self.stop()
                raise RuntimeError(f"not ready after {timeout:.0f} s: {names}\n{tails}")
            time.sleep(0.5)

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _print_urls(stack: Stack) -> None:
    web = stack.url("web")
    print("\nGuichet is running:")
    print(f"  Demo commune website with the chat widget  {web}/demo/")
    print(f"  Lobby kiosk                                {web}/kiosk/")
    print(f"  Full-page chat (QR codes)                  {web}/chat/")
    print(f"  Agent console                              {stack.url('backoffice')}/console/")
    print(f"  Back office API (OpenAPI)                  {stack.url('backoffice')}/docs")
    print(f"  Rasa REST channel                          {stack.url('rasa')}/webhooks/rest/webhook")
    print(f"  Action server                              {stack.url('actions')}/health")
    print(f"Logs: {stack.workdir / 'logs'}   Stop with Ctrl-C.\n", flush=True)


def _wait_forever(stack: Stack) -> None:
    stop = {"now": False}

    def handler(*_: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    while not stop["now"]:
        for service in stack.services:
            if service.process.poll() is not None:
                print(f"{service.name} stopped unexpectedly:\n{service.log_tail()}", file=sys.stderr)
                stop["now"] = True
        time.sleep(1)
    print("Stopping Guichet…")
    stack.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("run", "shell"))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--rasa-workers", type=int, default=1,
                        help="Rasa worker processes; more than 1 uses endpoints.scale.yml's Redis stores")
    args = parser.parse_args(argv)
    workdir = ROOT / "var"
    env = {"DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{workdir / 'backoffice.db'}")}
    workdir.mkdir(parents=True, exist_ok=True)
    # demo cases and the demo agent (idempotent), so that the printed URLs can be tried at once
    subprocess.run([str(VENV_BIN / "python"), "-m", "backoffice", "seed"], cwd=ROOT,
                   env={**base_env(), **env}, check=True)
    if args.mode == "run":
        stack = Stack(model=args.model, workdir=workdir, extra_env=env, rasa_workers=args.rasa_workers)
        print("Starting the back office, the action server, Rasa and the web pages…", flush=True)
        stack.start()
        _print_urls(stack)
        _wait_forever(stack)
        return 0
    stack = Stack(services=("backoffice", "actions"), model=args.model, workdir=workdir, extra_env=env)
    stack.start()
    try:
        return subprocess.call(
            [str(VENV_BIN / "rasa"), "shell", "--model", str(args.model),
             "--endpoints", str(stack._endpoints_file())],
            cwd=ROOT, env=stack.env,
        )
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
