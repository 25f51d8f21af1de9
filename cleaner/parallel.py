"""Checking in parallel: worker processes on this machine (``--jobs N``) or tasks on a Ray cluster
(``--ray``). This module only distributes; what a task does is the caller's top-level function
``fn(session, task)``, run in the worker with the worker's own ``Session`` (so its own LanguageTool
connection and result cache handle), built once per process from a picklable ``WorkerSpec``.

LanguageTool is the expensive part and a JVM per worker would not fit in memory, so workers share
servers the run starts and stops: one for this machine (``shared_languagetool``), or one per Ray node,
held by an actor on that node and started when a task on the node first asks for it. A configured
server (``--languagetool-url``) or a long-lived one (``cleaner server start``) is used as it is.

Local workers are forked on Linux when this process runs no other thread, and spawned otherwise: a
forked worker starts with cleaner already imported (a spawned one spends some 0.15 s of a core importing
it again), but a fork taken while another thread holds a lock leaves the child that lock held forever.
Threads are counted by the kernel, so those of a native library (Arrow's pool, a model's) count too.
The parent's open connections come along but are never used there: each worker builds its own
``Session``. On Ray, scheduling, object transfer and retries of tasks whose worker died are Ray's own.
"""

from __future__ import annotations

import ctypes
import itertools
import logging
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Generic, TypeVar

from cleaner.config import ConfigError, settings_for
from cleaner.document import Document
from cleaner.findings import Finding
from cleaner.grammar.errors import EngineUnavailable
from cleaner.ruleset import on_time_budget_exceeded, time_budget_exceeded
from cleaner.session import FileListener, FileResult, RunResult, Session, WorkerDied
from cleaner.sources import STDIN_PATH, SourceError, UnreadableSource

T = TypeVar("T")
R = TypeVar("R")

SKIPPED = "grammar check skipped, rules only: "
"""How a run's warnings start when LanguageTool could not be used (the engine's own wording)."""
WINDOW_PER_WORKER = 4
"""Tasks queued per worker: enough to keep every worker busy, few enough to bound memory."""
TASK_BYTES = 256 * 1024
"""Bytes of files a ``check`` task holds at most (a bigger file is a task of its own): some eighty
articles, a few tens of milliseconds of checking. A task's round trip through the pool costs about half
a millisecond of CPU; with 64 KiB tasks that was 4 % of a run's CPU over 3,800 articles."""
RAY_MAX_RETRIES = 3
"""Times Ray runs a task again when the worker running it dies (a killed process, a lost node)."""
RAY_NAMESPACE = "cleaner"
_PR_SET_PDEATHSIG = 1
RAY_INSTALL = "pip install 'cleaner[corpus]'"


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to build the same Session as the command that started it."""

    overrides: dict[str, Any] = field(default_factory=dict)
    grammar: bool = True
    use_cache: bool = True
    report_unused: bool = False
    node_server: bool = False
    """On Ray: ask the node's server actor for LanguageTool's URL before the first task."""
    source: str | None = None
    """The original of the one translation checked (``--source``), which the worker reads it with."""

    @classmethod
    def of(cls, session: Session) -> WorkerSpec:
        """The spec of a session this process made: its workers' sessions are made the same way."""
        return cls(
            dict(session.overrides),
            grammar=session.grammar,
            use_cache=session.use_cache,
            report_unused=session.report_unused,
            source=session.source,
        )

    def session(self) -> Session:
        return Session(
            dict(self.overrides),
            grammar=self.grammar,
            use_cache=self.use_cache,
            report_unused_suppressions=self.report_unused,
            source=self.source,
        )


@dataclass
class Done(Generic[R]):
    """A task's result, with what the worker's session has to say about the run so far."""

    value: R
    warnings: list[str]
    languagetool: str | None
    grammar_skipped: bool
    skipped_rules: list[str]
    """User rules skipped for lack of time during the task (``ruleset.time_budget_exceeded``)."""


_worker: tuple[WorkerSpec, Session, list[str]] | None = None
"""This process's session, the spec it was built from, and warnings about how it was set up."""


def _session(spec: WorkerSpec) -> tuple[Session, list[str]]:
    global _worker
    if _worker is None or _worker[0] != spec:
        if _worker is not None:
            _worker[1].close()
        ready, said = _node_languagetool(spec) if spec.node_server else (spec, [])
        _worker = (spec, ready.session(), said)
    return _worker[1], _worker[2]


def run_task(fn: Callable[[Session, T], R], spec: WorkerSpec, task: T) -> Done[R]:
    """Run one task in this process with its session (top-level, so workers can unpickle it)."""
    session, said = _session(spec)
    skipped: list[str] = []
    with on_time_budget_exceeded(skipped.append):
        value = fn(session, task)
    url, warnings, grammar_skipped = session.grammar_report()
    return Done(value, [*said, *warnings], url, grammar_skipped or bool(said), skipped)


# -- one machine ---------------------------------------------------------------------------------------


@contextmanager
def shared_languagetool(
    spec: WorkerSpec,
    paths: Sequence[str],
    starting: Callable[[], AbstractContextManager[object]] | None = None,
) -> Iterator[tuple[WorkerSpec, list[str]]]:
    """The spec the run's workers use, and warnings: with the URL of a LanguageTool server started for
    the run (and stopped after it) when grammar is wanted and neither a configured nor a long-lived
    server is there. A server that will not start makes the run rules only, said once, rather than
    letting each worker try its own."""
    if not _needs_server(spec, paths):
        yield spec, []
        return
    from cleaner.grammar.install import installation
    from cleaner.grammar.server import running_server, start_server, stop_server

    if running_server() is not None:  # each worker's engine finds it by itself
        yield spec, []
        return
    try:
        with starting() if starting is not None else nullcontext():
            handle = start_server(installation())
    except (EngineUnavailable, OSError) as exc:
        yield replace(spec, grammar=False), [f"{SKIPPED}{exc}"]
        return
    try:
        yield replace(spec, overrides={**spec.overrides, "languagetool.url": handle.url}), []
    finally:
        stop_server(handle)


def _needs_server(spec: WorkerSpec, paths: Sequence[str]) -> bool:
    if not spec.grammar:
        return False
    try:
        configs = [settings_for(path, spec.overrides).languagetool for path in paths]
    except ConfigError:
        return False  # the workers' sessions report it
    return any(config.enabled and not config.url for config in configs)


def run_local(
    fn: Callable[[Session, T], R],
    tasks: Iterable[T],
    spec: WorkerSpec,
    jobs: int,
    ordered: bool = False,
    prepare: Callable[[Session], object] | None = None,
) -> Iterator[Done[R]]:
    """``fn`` over ``tasks`` in ``jobs`` worker processes (in this one for 1); results as they finish,
    or in task order with ``ordered``. At most ``WINDOW_PER_WORKER`` tasks per worker are queued.

    The workers start before ``tasks`` is first asked for, so a lazy ``tasks`` (one that walks folders)
    is made while they set up: each builds its session and, given ``prepare`` (a top-level function, or
    a ``partial`` of one, so that a spawned worker can unpickle it), runs it on that session, e.g. to
    build the checker its first task needs. Forked workers are spared that: the session is built and
    prepared here, once, before the fork, and each worker starts with it (on two cores, two workers
    building and warming up their own checkers cost 0.4-0.8 s of CPU, the run's whole gain on 1 MB)."""
    if jobs <= 1:
        for task in tasks:
            yield run_task(fn, spec, task)
        return
    context = _start_method()
    if context.get_start_method() == "fork":
        _warm_up(spec, prepare)  # once, here: every forked worker finds the session made and prepared
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=context,
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    for _ in range(jobs):  # starts the workers now, while the caller makes its first tasks
        pool.submit(_warm_up, spec, prepare)
    pending: deque[Future[Done[R]]] = deque()
    try:
        for task in tasks:
            pending.append(pool.submit(run_task, fn, spec, task))
            if len(pending) >= jobs * WINDOW_PER_WORKER:
                yield from _finished(pending, ordered, until=jobs * WINDOW_PER_WORKER - 1)
        yield from _finished(pending, ordered, until=0)
    except BrokenProcessPool as exc:
        raise WorkerDied(f"a worker process died ({exc})") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_method() -> multiprocessing.context.BaseContext:
    """Fork where it is safe (see the module's docstring): on Linux, with no thread but this one (a
    progress bar, a spinner or a native library may run one). Elsewhere ``fork`` is unsafe (macOS) or
    missing (Windows)."""
    return multiprocessing.get_context("fork" if _single_threaded() else "spawn")


def _single_threaded() -> bool:
    """Whether the kernel lists one thread for this process (Linux only: elsewhere, False)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _warm_up(spec: WorkerSpec, prepare: Callable[[Session], object] | None) -> None:
    """A worker's first task: its session, built (and ``prepare`` run on it) before any work arrives. A
    pool starts its processes at its first task, so this one starts them as soon as the pool is made;
    one is submitted per worker, and a worker that takes two, or was forked from a process that ran
    this already, finds its session ready and prepared."""
    global _prepared
    session, _ = _session(spec)
    done = (id(session), _same(prepare))
    if prepare is not None and _prepared != done:
        prepare(session)
        _prepared = done


_prepared: tuple[int, object] | None = None
"""The session (its id) and the ``prepare`` (``_same``) last run on it in this process, or in the one
it was forked from."""


def _same(prepare: Callable[[Session], object] | None) -> object:
    """What tells one ``prepare`` from another across a pickling: a ``partial`` unpickled is another
    object, equal to none, but its function is the same one and its arguments are equal."""
    if isinstance(prepare, partial):
        return prepare.func, prepare.args, tuple(sorted(prepare.keywords.items()))
    return prepare


def _die_with_parent(parent: int) -> None:
    """Worker initializer: the kernel ends the worker when the run that spawned it dies (Linux's
    PR_SET_PDEATHSIG), so a run killed with ``kill -9`` leaves no workers waiting for tasks forever."""
    if not sys.platform.startswith("linux"):
        return
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    if os.getppid() != parent:  # the run died before the signal was armed
        os._exit(1)


def _finished(pending: deque[Future[Done[R]]], ordered: bool, until: int) -> Iterator[Done[R]]:
    """Results of finished tasks until at most ``until`` are pending."""
    while len(pending) > until:
        if ordered:
            yield pending.popleft().result()
            continue
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in [f for f in pending if f in done]:
            pending.remove(future)
            yield future.result()


# -- a Ray cluster -------------------------------------------------------------------------------------


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError(f"--ray needs Ray: {RAY_INSTALL}") from exc
    return ray


def server_actor_name(node_id: str) -> str:
    return f"languagetool-{node_id}"


class NodeServer:
    """A Ray actor on one node: that node's LanguageTool server, started on the first request (a node
    that gets no task starts none) and dying with the actor (the kernel's parent-death signal)."""

    def __init__(self) -> None:
        self._url: str | None = None
        self._problem: str | None = None

    def url(self) -> tuple[str | None, str | None]:
        """The server's URL, or None and why it could not be started."""
        if self._url is None and self._problem is None:
            from cleaner.grammar.install import installation
            from cleaner.grammar.server import running_server, start_server

            try:
                self._url = (running_server() or start_server(installation())).url
            except (EngineUnavailable, OSError) as exc:
                self._problem = str(exc)
        return self._url, self._problem


def _node_languagetool(spec: WorkerSpec) -> tuple[WorkerSpec, list[str]]:
    """In a Ray worker: the spec with this node's server, or rules only and why."""
    ray = _ray()
    actor = ray.get_actor(server_actor_name(ray.get_runtime_context().get_node_id()), namespace=RAY_NAMESPACE)
    url, problem = ray.get(actor.url.remote())
    plain = replace(spec, node_server=False)
    if url is None:
        return replace(plain, grammar=False), [f"{SKIPPED}{problem}"]
    return replace(plain, overrides={**spec.overrides, "languagetool.url": url}), []


def cleaner_task(fn: Callable[[Session, T], R], spec: WorkerSpec, task: T) -> Done[R]:
    """The Ray task (its worker's process title is ``ray::cleaner_task``)."""
    return run_task(fn, spec, task)


def run_ray(
    fn: Callable[[Session, T], R], tasks: Iterable[T], spec: WorkerSpec, paths: Sequence[str], address: str
) -> Iterator[Done[R]]:
    """``fn`` over ``tasks`` as Ray tasks, results as they finish. ``address`` is a cluster's address
    (``auto``, ``ray://host:10001``…) or ``local`` for a cluster of this machine, started and stopped
    here. A task whose worker dies is run again by Ray (``RAY_MAX_RETRIES``); an error raised by ``fn``
    is not retried and ends the run. cleaner must be installed on every node."""
    ray = _ray()
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    from cleaner.grammar.engine import BUDGET_ENV, TIMEOUT_ENV

    passed = {name: os.environ[name] for name in (BUDGET_ENV, TIMEOUT_ENV) if name in os.environ}
    ray.init(
        address=address,
        namespace=RAY_NAMESPACE,
        runtime_env={"env_vars": passed} if passed else None,
        include_dashboard=False,
        logging_level=logging.WARNING,
        log_to_driver=False,
    )
    try:
        servers = []
        if _needs_server(spec, paths):
            actor = ray.remote(num_cpus=0)(NodeServer)
            for node in ray.nodes():
                if node.get("Alive"):
                    strategy = NodeAffinitySchedulingStrategy(node["NodeID"], soft=False)
                    name = server_actor_name(node["NodeID"])
                    servers.append(actor.options(name=name, scheduling_strategy=strategy).remote())
            spec = replace(spec, node_server=True)
        remote = ray.remote(max_retries=RAY_MAX_RETRIES, retry_exceptions=False)(cleaner_task)
        window = max(1, int(ray.cluster_resources().get("CPU", 1))) * WINDOW_PER_WORKER
        pending: list[Any] = []
        for task in tasks:
            pending.append(remote.remote(fn, spec, task))
            while len(pending) >= window:
                done, pending = ray.wait(pending, num_returns=1)
                yield ray.get(done[0])
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield ray.get(done[0])
    finally:
        ray.shutdown()


# -- `cleaner check --jobs N` ----------------------------------------------------------------------------


@dataclass
class Checked:
    """One file of a task as its worker read and checked it, with its findings and the user rules skipped
    on it for lack of time: the document where it has findings (a report reads a file's text only to
    place them), else its path alone; or why it could not be read. A clean file's text sent back would
    cross the pipe for nothing: on 3,800 articles, 4 % of the run's wall clock."""

    read: Document | str | SourceError
    findings: list[Finding] = field(default_factory=list)
    skipped_rules: list[str] = field(default_factory=list)


def _check_files(session: Session, files: tuple[str | Document, ...]) -> list[Checked]:
    """A task's files read (``Session.read``, the one way a file is read) and checked here, in the
    worker, exactly as one job reads and checks them; standard input comes already read."""
    checked = []
    for file in files:
        try:
            document = session.read(file) if isinstance(file, str) else file
        except UnreadableSource as exc:
            checked.append(Checked(exc.error))
            continue
        skipped: list[str] = []
        with on_time_budget_exceeded(skipped.append):
            findings = session.check_document(document, session.settings(document.path))
        checked.append(Checked(document if findings else document.path, findings, skipped))
    return checked


def _tasks(
    session: Session, items: Iterable[str | SourceError], jobs: int
) -> list[tuple[str | Document, ...] | SourceError]:
    """``_task_stream``'s tasks, all of them."""
    return list(_task_stream(session, items, jobs))


def _task_stream(
    session: Session, items: Iterable[str | SourceError], jobs: int
) -> Iterator[tuple[str | Document, ...] | SourceError]:
    """The files in order, cut into tasks of at most ``TASK_BYTES`` together or one bigger file (less
    when the whole run is small, so that every worker gets some), with each path that could not be
    walked in its place between them. Standard input is read here.

    A task per file would cost more than checking it: each task is a round trip through the pool's
    queues and threads, about as long as checking a short article.

    ``items`` is read only as far as it must be to size the tasks: once the files found hold a full
    task for every place in the workers' queues, no run can be small, every task may be full, and tasks
    are handed out while the rest of the folders are walked (the same tasks as with all files found
    first: on 3,800 articles the workers start 0.1-0.2 s sooner)."""
    iterator = iter(items)
    places = jobs * WINDOW_PER_WORKER
    found: list[tuple[str | Document, int] | SourceError] = []
    total = 0
    for item in iterator:
        entry = _sized(session, item)
        found.append(entry)
        if not isinstance(entry, SourceError):
            total += entry[1]
            if total >= places * TASK_BYTES:
                break
    budget = max(1, min(TASK_BYTES, total // places))
    files: list[str | Document] = []
    size = 0
    for entry in itertools.chain(found, (_sized(session, item) for item in iterator)):
        if files and (isinstance(entry, SourceError) or size + entry[1] > budget):
            yield tuple(files)
            files, size = [], 0
        if isinstance(entry, SourceError):
            yield entry
        else:
            files.append(entry[0])
            size += entry[1]
    if files:
        yield tuple(files)


def _sized(session: Session, item: str | SourceError) -> tuple[str | Document, int] | SourceError:
    """A file to check with its size (standard input read, with its text's), or why it cannot be."""
    if isinstance(item, SourceError):
        return item
    if item == STDIN_PATH:
        try:
            document = session.read(item)
        except UnreadableSource as exc:
            return exc.error
        return document, len(document.text)
    return item, _size(item)


def _size(path: str) -> int:
    """A file's size in bytes, 0 when it cannot be had (its worker then says why it cannot be read)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def check_files(
    session: Session,
    paths: Sequence[str],
    items: Iterable[str | SourceError],
    jobs: int,
    progress: Callable[[int, str], None] | None = None,
    on_file: FileListener | None = None,
) -> RunResult:
    """``Session.check_paths`` with the reading and checking done in ``jobs`` worker processes: the same
    result, in the same order. ``items`` are the files ``session.files(paths)`` finds (given as that
    lazy walk, it runs here while the workers start, and tasks go out as it goes), sent as paths, several
    to a task; each worker reads them as ``session`` does (its ``--source`` too) and sends back the
    documents with their findings. A user rule skipped for lack of time is passed on here, after
    ``progress`` has been told the file, as a run of one does; ``on_file`` hears of each checked file
    in order, as there."""
    result = RunResult()
    planned: deque[tuple[str | Document, ...] | SourceError] = deque()
    """Tasks handed to the workers and paths that could not be walked, in order, not yet reported."""
    total = 0

    def tasks() -> Iterator[tuple[str | Document, ...]]:
        nonlocal total
        found: Iterable[str | SourceError] = items
        if progress is not None:  # it counts the files first; without it, tasks go out during the walk
            found = list(items)
            total = len(found)
            progress(total, "")
        for task in _task_stream(session, found, jobs):
            planned.append(task)
            if isinstance(task, tuple):
                yield task

    def unwalkable() -> None:
        while planned and isinstance(planned[0], SourceError):
            error = planned.popleft()
            if progress is not None:
                progress(total, error.path)
            result.errors.append(error)

    with shared_languagetool(WorkerSpec.of(session), paths, session.starting_server) as (ready, said):
        result.warnings.extend(said)
        prepare = partial(_build_checker, paths[0]) if paths else None
        for outcome in run_local(_check_files, tasks(), ready, jobs, ordered=True, prepare=prepare):
            unwalkable()
            planned.popleft()
            for checked in outcome.value:
                read = checked.read
                path = read if isinstance(read, str) else read.path
                if progress is not None:
                    progress(total, path)
                if isinstance(read, SourceError):
                    result.errors.append(read)
                    continue
                for rule in checked.skipped_rules:
                    time_budget_exceeded(rule)
                file = FileResult(path, checked.findings, session.settings(path))
                if on_file is not None:
                    on_file(read if isinstance(read, Document) else None, file)
                result.files.append(file)
            result.languagetool = result.languagetool or outcome.languagetool
            result.grammar_skipped = result.grammar_skipped or outcome.grammar_skipped
            result.warnings.extend(w for w in outcome.warnings if w not in result.warnings)
        unwalkable()
    return result


def _build_checker(path: str, session: Session) -> None:
    """A worker's checker for the settings of the run's first path, built and warmed up (what its first
    texts would load: ``Checker.warm_up``) before its first task, in the worker while the files are
    found, or once before the workers are forked."""
    session.checker(session.settings(path)).warm_up()
