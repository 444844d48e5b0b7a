"""How a stack of services is started on free ports: no two services share a port, and a
service that exits after its health check answered is reported, never taken for ready."""

from __future__ import annotations

import http.server
import socket
import sys
import threading

import pytest

from tools.stack import Service, Stack, free_ports


def test_free_ports_are_distinct_and_free():
    names = [f"service{i}" for i in range(40)]
    ports = free_ports(*names)
    assert list(ports) == names
    assert len(set(ports.values())) == len(names)
    for port in ports.values():
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # still free once the probes are closed


class _Healthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def someone_else_answers():
    """An HTTP server that answers any health check: what a service finds on its port
    when another process took it first."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Healthy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/health"
    server.shutdown()
    server.server_close()


def test_a_service_that_exits_after_answering_is_not_taken_for_ready(
        tmp_path, monkeypatch, someone_else_answers):
    # "backoffice" answers at once (through the other server) then exits, as a server that
    # could not bind its port does; "rasa" is slow to come up.
    commands = {
        "backoffice": ([sys.executable, "-c", "import time, sys; time.sleep(1); sys.exit(1)"],
                       someone_else_answers),
        "rasa": ([sys.executable, "-c", "import time; time.sleep(60)"],
                 "http://127.0.0.1:9/never"),
    }
    monkeypatch.setattr(Stack, "_service",
                        lambda self, name: Service(name, commands[name][0], commands[name][1],
                                                   env=self.env))
    stack = Stack(services=("backoffice", "rasa"), workdir=tmp_path)
    with pytest.raises(RuntimeError, match="backoffice exited with code 1"):
        stack.start(timeout=20)
    assert all(service.process.poll() is not None for service in stack.services)
