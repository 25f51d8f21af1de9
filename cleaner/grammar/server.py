"""Running LanguageTool's HTTP server: started on 127.0.0.1 and a free port, waited for until it
answers, and either owned by one run or left running (``cleaner server start``) for later runs.

Server options follow the maintainers' advice for throughput: pipeline caching, a result cache, as many
check threads as cores, no log line per check; the JVM's HTTP server sends answers without delay.

A server a run starts must not outlive the run, even when the run is killed (``kill -9`` runs no
clean-up code): on Linux the kernel sends it SIGTERM when its parent dies. The long-lived server's state
file is only read, written or removed under a file lock, so two ``cleaner server start`` at once leave
one server, and it is removed only once its process is gone, never because a busy server was slow to
answer.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from cleaner.grammar import transport
from cleaner.grammar.errors import ClientError, EngineUnavailable
from cleaner.grammar.install import Installation, find_java
from cleaner.paths import cache_dir

try:
    import fcntl
except ImportError:  # not POSIX: the state file goes unlocked
    fcntl = None  # type: ignore[assignment]

READY_TIMEOUT = 120.0
STATUS_TIMEOUT = 10.0
"""Seconds a health check of the long-lived server may take in ``server status/start``: generous, as a
server busy with another run's long paragraph answers late, and late is not gone."""
STATUS_TRIES = 3
RUN_HEALTH_TIMEOUT = 5.0
"""Seconds a run waits for the long-lived server's health check before starting its own server."""
LOCK_TIMEOUT = READY_TIMEOUT + 30.0
"""Seconds to wait for the state lock: another ``server start`` holds it while its server comes up."""
_PR_SET_PDEATHSIG = 1
HEAP = "1g"
JVM_OPTIONS = ("-Dsun.net.httpserver.nodelay=true",)
"""Measured (bench/grammar_speed.py): the JDK's HTTP server LanguageTool runs on writes an answer's
headers and body apart, so without TCP_NODELAY every answer waits for the client's delayed ACK,
about 40 ms a request: most of the time of a one-sentence paragraph."""
MAIN_CLASS = "org.languagetool.server.HTTPServer"


@dataclass(frozen=True)
class ServerHandle:
    url: str
    pid: int | None = None
    version: str | None = None
    owned: bool = False
    """Started by this process for this run, and so stopped at its end."""


MAX_TEXT_LENGTH = 200_000
"""The longest text (UTF-16 units) the server started by cleaner accepts; cleaner sends far less at a
time (see ``engine.MAX_CHUNK``), so only a server configured with a smaller limit refuses anything."""


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
            f"maxTextLength={MAX_TEXT_LENGTH}",
            "skipLoggingChecks=true",  # a log line per check costs the server I/O for nothing
            "skipLoggingRuleMatches=true",
            "",
        ]
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_alive(url: str, timeout: float = 2.0) -> bool:
    """Whether a LanguageTool server answers at ``url`` within ``timeout`` seconds, whole answer
    included (a server that trickles bytes is not alive for this purpose)."""
    try:
        response = transport.get(url.rstrip("/") + "/v2/languages", time.monotonic() + timeout)
    except ClientError:
        return False
    return response.status == 200


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that has the kernel send the child SIGTERM when its parent dies (Linux's
    PR_SET_PDEATHSIG), so a server started for a run goes with the run even under ``kill -9``;
    None where there is no prctl.

    The signal comes when the *thread* that started the child ends, so start servers for a run from a
    thread that lives as long as the run (the main thread, in the command line). The lookup is done
    here, in the parent: between fork and exec only the call itself runs.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def arm() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os.kill(os.getpid(), signal.SIGKILL)

    return arm


def start_server(
    install: Installation, detach: bool = False, timeout: float = READY_TIMEOUT, cache_size: int = 2000
) -> ServerHandle:
    """Start a LanguageTool server and wait until it answers; raise EngineUnavailable if it cannot.

    ``detach``: a server for later runs, in its own session; otherwise the server is this run's and
    dies with this process.
    """
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
    _write_atomically(properties, server_properties(cache_size=cache_size))
    port = free_port()
    command = [
        java,
        f"-Xmx{HEAP}",
        *JVM_OPTIONS,
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
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=detach,
            preexec_fn=None if detach else _die_with_parent(),
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
    process.wait()
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
    _pid_alive(handle.pid)  # reap it if it is ours


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
    except PermissionError:
        return True  # someone else's process
    return True


def is_languagetool_process(pid: int, port: int | None = None) -> bool:
    """Whether ``pid`` is a running LanguageTool server (on ``port``, when given), not a process that
    got the number after the server ended. Without /proc (not Linux) a live process is taken to be it:
    wrongly keeping a state file is harmless, wrongly deleting it orphans a server."""
    proc = Path(f"/proc/{pid}")
    for _ in range(20):
        try:
            raw = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[-1].split()
        except FileNotFoundError:
            return not Path("/proc/self").exists() and _pid_alive(pid)
        except OSError:
            return _pid_alive(pid)
        if raw or state[:1] in (["Z"], ["X"]):
            break
        time.sleep(0.05)  # a process in the middle of exec shows no command line for a moment
    args = raw.split(b"\0")  # a zombie (or a kernel thread) has none: not a server, for this purpose
    return MAIN_CLASS.encode() in args and (port is None or str(port).encode() in args)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _tail(path: Path, lines: int = 3) -> str:
    try:
        return " | ".join(path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


# The long-lived server for pre-commit hooks and editors: its address is kept in the cache folder.


def state_file() -> Path:
    return cache_dir() / "languagetool-server.json"


@contextlib.contextmanager
def _state_lock(timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the lock on the state file (a separate lock file, as the state file is replaced whole)."""
    path = cache_dir() / "languagetool-server.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path, "a+b")  # noqa: SIM115 (held across the yield)
    except OSError as exc:
        raise EngineUnavailable(f"cannot use the cache folder {path.parent}: {exc.strerror or exc}") from exc
    try:
        if fcntl is not None:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise EngineUnavailable(
                            f"another cleaner has held {path} for {timeout:.0f} s; try again"
                        ) from None
                    time.sleep(0.1)
        yield
    finally:
        lock.close()  # releases the lock


def _read_state() -> ServerHandle | None:
    try:
        state = json.loads(state_file().read_text(encoding="utf-8"))
        pid = state.get("pid")
        # Only a plausible process number is ever signalled: os.kill(0 or -1, …) hits process groups.
        valid = isinstance(pid, int) and not isinstance(pid, bool) and pid > 1
        return ServerHandle(str(state["url"]), pid if valid else None, state.get("version"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _port(url: str) -> int | None:
    try:
        return urllib.parse.urlsplit(url).port
    except ValueError:
        return None


@dataclass(frozen=True)
class Status:
    """The long-lived server as found: its handle while its process runs (None once it is gone), and
    whether it answered a health check (a busy server may not, and is still running)."""

    handle: ServerHandle | None
    answering: bool = False


def server_status(timeout: float = STATUS_TIMEOUT, tries: int = STATUS_TRIES, locked: bool = False) -> Status:
    """The long-lived server, if one is recorded and its process still runs; a record whose process is
    gone is removed (under the lock, and only if nobody replaced it meanwhile). ``locked``: the caller
    holds the lock already."""
    handle = _read_state()
    if handle is None:
        return Status(None)
    if handle.pid is not None and not is_languagetool_process(handle.pid, _port(handle.url)):
        _forget(handle, locked)
        return Status(None)
    for attempt in range(max(1, tries)):
        if attempt:
            time.sleep(1.0)
        if is_alive(handle.url, timeout=timeout):
            return Status(handle, answering=True)
    if handle.pid is None:  # nothing to tell a busy server from a dead one but the silence
        _forget(handle, locked)
        return Status(None)
    return Status(handle, answering=False)


def _forget(stale: ServerHandle, locked: bool) -> None:
    lock = contextlib.nullcontext() if locked else _state_lock(timeout=STATUS_TIMEOUT)
    with contextlib.suppress(EngineUnavailable, OSError), lock:
        if _read_state() == stale:
            state_file().unlink(missing_ok=True)


def running_server(timeout: float = RUN_HEALTH_TIMEOUT) -> ServerHandle | None:
    """The server left running by ``cleaner server start``, if it is there and answers now."""
    status = server_status(timeout=timeout, tries=1)
    return status.handle if status.answering else None


def start_persistent(install: Installation) -> ServerHandle:
    """The long-lived server: the one already running (busy or not), or a new one. Under the lock, so
    concurrent starts leave one server."""
    with _state_lock():
        current = server_status(locked=True)
        if current.handle is not None:
            return current.handle
        handle = start_server(install, detach=True)
        try:
            _write_atomically(state_file(), json.dumps(asdict(handle)))
        except OSError as exc:
            stop_server(handle)
            raise EngineUnavailable(f"cannot record the server in {state_file()}: {exc}") from exc
        return handle


def stop_persistent() -> ServerHandle | None:
    """Stop the long-lived server, busy or not; None when none was running. A record whose process is
    not a LanguageTool server (it ended, and its number went to another process) is only removed."""
    with _state_lock():
        handle = _read_state()
        stopped = None
        if handle is not None and handle.pid and is_languagetool_process(handle.pid, _port(handle.url)):
            stop_server(handle)
            stopped = handle
        state_file().unlink(missing_ok=True)
        return stopped
