"""Message understanding (the NLU graph) run in a child process of the Rasa server.

One Rasa process serves every conversation on one event loop, and on a 2-core machine
that loop is the bottleneck: parsing a message (spaCy, the featurizers, DIET, the CRF) is
about 40 % of its work per turn. :class:`NLUProcess` starts a child process that loads the
same model and parses messages there, so the loop only runs the dialogue while the other
core parses the next messages.

The child is ``python -m guichet_nlu.nlu_process`` (a new interpreter: TensorFlow must
not be forked), and loads only the part of the model's graph that parses messages. It
talks over a socket pair framed by ``multiprocessing.connection.Connection``: the parent
sends ``(number, fields)``, ``fields`` being the pickled text, message_id, metadata,
input_channel and sender_id of a message; the child answers ``(number, parse_data,
error)``, where ``parse_data`` is exactly what Rasa's
``MessageProcessor._parse_message_with_graph`` returns for that message (the NLU graph
does not read the tracker). The child first sends ``(READY, model_id, None)`` once its
model is loaded (a child that loaded another model than the parent's, because the file
changed in between, is not used), and exits when the socket closes.

Nothing is ever lost: until the child is ready, when it fails on a message, dies, or does
not answer within ``timeout`` seconds, :meth:`NLUProcess.parse` returns ``None`` and the
caller parses in its own process, as Rasa does without this module. A child that died or
hung is replaced (at most once every ``restart_delay`` seconds).

Used by :mod:`guichet_nlu.patches.parse_offload`; measured in benchmarks/TUNING.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, Mapping, Optional

logger = logging.getLogger(__name__)

#: "1" in the Rasa server's environment turns this on (tools/stack.py sets it).
ENV = "GUICHET_NLU_PROCESS"
#: First message of a child whose model is loaded.
READY = -1
#: Seconds a parse may take in the child before the parent parses itself and replaces it
#: (``GUICHET_NLU_PROCESS_TIMEOUT``).
TIMEOUT_ENV = "GUICHET_NLU_PROCESS_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
DEFAULT_RESTART_DELAY = 30.0

def timeout_setting(environ: Optional[Mapping[str, str]] = None) -> float:
    """The parse timeout from the environment (the default if missing, bad or not positive)."""
    try:
        value = float((os.environ if environ is None else environ).get(TIMEOUT_ENV, DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def enabled(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether messages are to be parsed in a child process (``GUICHET_NLU_PROCESS=1``)."""
    return (os.environ if environ is None else environ).get(ENV, "0").strip() == "1"


def _nlu_schema(schema: Any, target: str) -> Any:
    """The part of a prediction graph that ``target`` needs (no policy, no TED)."""
    from rasa.engine.graph import GraphSchema

    needed, todo = {}, [target]
    while todo:
        name = todo.pop()
        if name not in needed and name in schema.nodes:
            needed[name] = schema.nodes[name]
            todo.extend(needed[name].needs.values())
    return GraphSchema({name: node for name, node in schema.nodes.items() if name in needed})


def _load_parser(model_path: str) -> Any:
    """In the child: the model's NLU graph, and an object with what Rasa's
    ``_parse_message_with_graph`` reads of its processor."""
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.model import get_latest_model
    from rasa.utils.common import TempDirectoryPath, get_temp_dir_name

    archive = model_path if os.path.isfile(model_path) else get_latest_model(model_path)
    with TempDirectoryPath(get_temp_dir_name()) as directory:
        storage, metadata = LocalModelStorage.from_model_archive(
            storage_path=Path(directory), model_archive_path=Path(archive))
        schema = _nlu_schema(metadata.predict_schema, metadata.nlu_target)
        runner = DaskGraphRunner.create(
            graph_schema=schema, model_storage=storage,
            execution_context=ExecutionContext(graph_schema=schema, model_id=metadata.model_id))
    return SimpleNamespace(graph_runner=runner, model_metadata=metadata)


def _parse(parser: Any, fields: bytes) -> Dict[str, Any]:
    """In the child: Rasa's parse of the message whose pickled fields are ``fields``."""
    from rasa.core.channels.channel import UserMessage
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.trackers import DialogueStateTracker

    text, message_id, metadata, input_channel, sender_id = pickle.loads(fields)
    message = UserMessage(text, sender_id=sender_id, message_id=message_id,
                          metadata=metadata, input_channel=input_channel)
    # The NLU target never reads the tracker; an empty one is what Rasa itself passes
    # when it parses a message outside a conversation (``/model/parse``).
    tracker = DialogueStateTracker.from_events(message.sender_id, [])
    return MessageProcessor._parse_message_with_graph(parser, message, tracker, True)


def serve(conn: Connection, model_path: str) -> None:
    """The child's main function: load the model, then answer requests until the pipe
    closes (the parent exited or stopped it)."""
    import guichet_nlu  # noqa: F401 - Guichet's components and runtime patches
    from guichet_nlu.patches import heap_freeze
    from rasa.utils.tensorflow.environment import setup_tf_environment

    # What Rasa's command line does before loading a model: TensorFlow's thread pools
    # from TF_INTRA_OP_PARALLELISM_THREADS and TF_INTER_OP_PARALLELISM_THREADS.
    setup_tf_environment()
    # Ctrl-C reaches the whole process group: the parent decides when this one ends
    # (it closes the pipe, or terminates it).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parser = _load_parser(model_path)
    model_id = parser.model_metadata.model_id
    # As in the Rasa server (guichet_nlu/patches/heap_freeze.py): the model's objects out
    # of the full garbage collections, which would otherwise pause a parse now and then.
    heap_freeze.freeze_heap()
    try:
        conn.send_bytes(pickle.dumps((READY, model_id, None)))
    except OSError:  # the parent went while the model was loading
        return
    while True:
        try:
            number, fields = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            answer = (number, _parse(parser, fields), None)
        except Exception as exc:  # noqa: BLE001 - the parent parses this message itself
            logger.exception("Parsing failed in the NLU process")
            answer = (number, None, f"{type(exc).__name__}: {exc}")
        try:
            conn.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            return


class NLUProcess:
    """A child process parsing messages for the Rasa process that owns this object."""

    def __init__(self, model_path: str, model_id: Optional[str] = None,
                 timeout: Optional[float] = None,
                 restart_delay: float = DEFAULT_RESTART_DELAY) -> None:
        """``model_id``: the id of the model the parent loaded from ``model_path``; a child
        that finds another one there is not used (None: any)."""
        self.model_path = str(model_path)
        self.model_id = model_id
        self.timeout = timeout_setting() if timeout is None else timeout
        self.restart_delay = restart_delay
        self.process: Optional[subprocess.Popen] = None
        self.conn: Optional[Connection] = None
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.ready = False
        self.started_at = 0.0
        self.counter = 0
        self.pending: Dict[int, asyncio.Future] = {}
        self.fallbacks = 0
        self.start()

    def start(self) -> None:
        """Starts a fresh child: a new interpreter (TensorFlow must not be forked) running
        this module, given its end of a socket pair. It stays in the parent's process
        group, so stopping the server's group stops it too."""
        parent, child = socket.socketpair()
        with child:
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(child.fileno()), self.model_path],
                pass_fds=(child.fileno(),), env=env)
        self.conn, self.ready, self.started_at = Connection(parent.detach()), False, time.monotonic()
        logger.info("NLU process %s started for %s", self.process.pid, self.model_path)

    def stop(self, kill: bool = False) -> None:
        """Stops the child (at once with ``kill``: one that hung or died has nothing to
        finish); parses waiting for it get ``None`` (their callers parse)."""
        self._detach()
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.process is not None and self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process, self.ready = None, False

    def _detach(self) -> None:
        if self.loop is not None and self.conn is not None and not self.loop.is_closed():
            try:
                self.loop.remove_reader(self.conn.fileno())
            except (OSError, ValueError):
                pass
        self.loop = None
        pending, self.pending = self.pending, {}
        for future in pending.values():
            if not future.done():
                future.set_result(None)

    def _replace(self, reason: str) -> None:
        """The child died or hung: the parent parses until a new one is ready."""
        logger.warning("NLU process replaced (%s); messages are parsed in Rasa meanwhile", reason)
        self.stop(kill=True)
        if time.monotonic() - self.started_at >= self.restart_delay:
            self.start()

    def _usable(self, loop: asyncio.AbstractEventLoop) -> bool:
        if self.conn is None:
            if time.monotonic() - self.started_at >= self.restart_delay:
                self.start()
            return False
        if self.ready:
            return self.loop is loop
        try:
            if not self.conn.poll():
                if self.process.poll() is not None:
                    self._replace("it exited while loading the model")
                return False
            first = pickle.loads(self.conn.recv_bytes())
        except (EOFError, OSError):
            self._replace("it exited while loading the model")
            return False
        if first[0] != READY:
            self._replace("unexpected first message")
            return False
        if self.model_id is not None and first[1] != self.model_id:
            self._replace(f"it loaded model {first[1]}, not {self.model_id}: the file changed")
            return False
        self.ready, self.loop = True, loop
        loop.add_reader(self.conn.fileno(), self._on_readable)
        logger.info("NLU process %s ready", self.process.pid)
        return True

    def _on_readable(self) -> None:
        """One answer per call: the loop calls again while more are waiting. The child
        writes each answer whole, so reading it never waits for long."""
        try:
            number, parse_data, error = pickle.loads(self.conn.recv_bytes())
        except (EOFError, OSError):
            self._replace("it exited")
            return
        if error:
            logger.warning("The NLU process could not parse a message (%s)", error)
        future = self.pending.pop(number, None)
        if future is not None and not future.done():
            future.set_result(parse_data)

    def _timed_out(self, number: int) -> None:
        if number in self.pending:
            self._replace(f"no answer within {self.timeout:.0f} s")

    async def parse(self, message: Any) -> Optional[Dict[str, Any]]:
        """The parse data of ``message`` (a Rasa ``UserMessage``) from the child, or
        ``None`` if the caller must parse it itself."""
        loop = asyncio.get_running_loop()
        if not self._usable(loop):
            self.fallbacks += 1
            return None
        try:
            request = pickle.dumps((message.text, message.message_id, message.metadata,
                                    message.input_channel, message.sender_id),
                                   protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - metadata that cannot be pickled: parse here
            self.fallbacks += 1
            return None
        self.counter += 1
        number = self.counter
        future = loop.create_future()
        self.pending[number] = future
        timer = loop.call_later(self.timeout, self._timed_out, number)
        try:
            self.conn.send_bytes(pickle.dumps((number, request), protocol=pickle.HIGHEST_PROTOCOL))
            parse_data = await future
        except OSError as exc:
            self._replace(f"{type(exc).__name__}: {exc}")
            parse_data = None
        finally:
            timer.cancel()
            self.pending.pop(number, None)
        if parse_data is None:
            self.fallbacks += 1
        return parse_data


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])), sys.argv[2])
