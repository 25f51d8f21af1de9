"""Running LanguageTool's HTTP server: started on 127.0.0.1 and a free port, waited for until it
answers, and either owned by one run or left running (``cleaner server start``) for later runs.

Server options follow the maintainers' advice for throughput: pipeline caching, a result cache, as many
check threads as cores.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from cleaner.grammar.errors import EngineUnavailable
from cleaner.grammar.install import Installation, find_java
from cleaner.paths import cache_dir

READY_TIMEOUT = 120.0
HEAP = "1g"
MAIN_CLASS = "org.languagetool.server.HTTPServer"


@dataclass(frozen=True)
class ServerHandle:
    url: str
    pid: int | None = None
    version: str | None = None
    owned: bool = False
    """Started by this process for this run, and so stopped at its end."""


def server_properties(threads: int | None = None, cache_size: int = 2000) -> str:
    threads = threads or max(1, os.cpu_count() or 1)
    return "\n".join(
        [
            f"cacheSize={cache_size}",
            "cacheTTLSeconds=3600",
            "pipelineCaching=true",
            f"maxPipelinePoolSize={max(4, threads * 2)}",
            "pipelineExpireTimeInSeconds=3600",
            f"maxCheckThreads={threads}",
            "maxCheckTimeMillis=60000",
            "maxTextLength=200000",
            "",
        ]
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_alive(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/v2/languages", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, TimeoutError):
        return False


def start_server(
    install: Installation, detach: bool = False, timeout: float = READY_TIMEOUT, cache_size: int = 2000
) -> ServerHandle:
    """Start a LanguageTool server and wait until it answers; raise EngineUnavailable if it cannot."""
    java = find_java()
    if java is None:
        raise EngineUnavailable(
            "Java was not found: install Java 17 or newer (e.g. `apt-get install openjdk-17-jre-headless`), "
            "or use a LanguageTool server with --languagetool-url"
        )
    if not install.complete:
        raise EngineUnavailable(
            "LanguageTool is not installed: run `cleaner setup` (fetches it from Maven Central)"
        )
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    properties = folder / "languagetool-server.properties"
    properties.write_text(server_properties(cache_size=cache_size), encoding="utf-8")
    port = free_port()
    command = [
        java,
        f"-Xmx{HEAP}",
        "-cp",
        install.classpath,
        MAIN_CLASS,
        "--port",
        str(port),
        "--config",
        str(properties),
    ]
    log_path = folder / "languagetool-server.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=detach
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EngineUnavailable(
                f"LanguageTool server exited at start (code {process.returncode}); "
                f"see {log_path}: {_tail(log_path)}"
            )
        if is_alive(url, timeout=1.0):
            return ServerHandle(url, process.pid, install.version, owned=not detach)
        time.sleep(0.2)
    process.kill()
    raise EngineUnavailable(f"LanguageTool server did not answer within {timeout:.0f} s; see {log_path}")


def stop_server(handle: ServerHandle, grace: float = 10.0) -> None:
    if handle.pid is None:
        return
    try:
        os.kill(handle.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _pid_alive(handle.pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(handle.pid, signal.SIGKILL)


def _pid_alive(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == pid:
            return False
    except ChildProcessError:
        pass  # not our child: fall back to a signal probe
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _tail(path: Path, lines: int = 3) -> str:
    try:
        return " | ".join(path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


# The long-lived server for pre-commit hooks and editors: its address is kept in the cache folder.


def state_file() -> Path:
    return cache_dir() / "languagetool-server.json"


def running_server() -> ServerHandle | None:
    """The server left running by ``cleaner server start``, if it is still there and answers."""
    path = state_file()
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        handle = ServerHandle(state["url"], state.get("pid"), state.get("version"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if (handle.pid is None or _pid_alive(handle.pid)) and is_alive(handle.url):
        return handle
    path.unlink(missing_ok=True)  # stale: the server is gone
    return None


def start_persistent(install: Installation) -> ServerHandle:
    current = running_server()
    if current is not None:
        return current
    handle = start_server(install, detach=True)
    path = state_file()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(handle)), encoding="utf-8")
    temporary.replace(path)
    return handle


def stop_persistent() -> ServerHandle | None:
    handle = running_server()
    if handle is not None:
        stop_server(handle)
    state_file().unlink(missing_ok=True)
    return handle
