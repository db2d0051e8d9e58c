"""tools/install_torch.py: the CPU wheel index is used on Linux when it answers, pip's own index
otherwise (with a note saying what that means), and the index is never asked elsewhere."""

from __future__ import annotations

import http.server
import importlib.util
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("install_torch", ROOT / "tools" / "install_torch.py")
install_torch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(install_torch)


@pytest.fixture
def local_index(tmp_path):
    """A tiny PEP 503 index on localhost with a torch/ page."""
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "index.html").write_text("<a href='torch-0-cp311.whl'>torch</a>")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def test_a_reachable_index_supplies_torch_on_linux(local_index):
    index, why = install_torch.choose_index("torch==2.13.0", local_index, platform="linux")
    assert index == local_index and "CPU-only" in why
    command = install_torch.pip_command("torch==2.13.0", index, python="py")
    assert command == [
        "py",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--index-url",
        index,
        "torch==2.13.0",
    ]


def test_an_unreachable_index_falls_back_quickly_with_a_note():
    start = time.monotonic()
    dead = f"http://127.0.0.1:{_closed_port()}/whl/cpu"
    index, why = install_torch.choose_index("torch==2.13.0", dead, platform="linux", timeout=2)
    assert time.monotonic() - start < 5
    assert index is None and "CUDA build" in why and "--index-url" in why
    assert install_torch.pip_command("torch==2.13.0", None, python="py")[-2:] == [
        "--quiet",
        "torch==2.13.0",
    ]


def test_other_platforms_and_an_empty_index_never_ask(monkeypatch):
    monkeypatch.setattr(install_torch, "index_reachable", lambda *a, **k: pytest.fail("asked"))
    assert install_torch.choose_index("torch", "https://x/cpu", platform="darwin")[0] is None
    assert install_torch.choose_index("torch", "", platform="linux")[0] is None


def test_main_installs_and_reports_the_build(monkeypatch, capsys):
    calls = []

    class Done:
        returncode = 0
        stdout = "2.13.0+cpu cpu\n"

    def run(command, **kwargs):
        calls.append(command)
        return Done()

    monkeypatch.setattr(install_torch.subprocess, "run", run)
    monkeypatch.setattr(install_torch, "index_reachable", lambda *a, **k: False)
    monkeypatch.setattr(install_torch.sys, "platform", "linux")
    assert install_torch.main(["torch==2.13.0", "--index", "https://x/cpu"]) == 0
    out = capsys.readouterr().out
    assert "did not answer" in out and "installed torch 2.13.0+cpu: CPU build" in out
    assert calls[0][-1] == "torch==2.13.0" and "--index-url" not in calls[0]


def test_the_installed_build_is_described():
    text = install_torch.build_description(sys.executable)
    assert text.startswith("torch ") and ("CPU build" in text or "CUDA" in text)
