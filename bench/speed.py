"""How fast ``cleaner check --no-grammar`` is, timed as a user runs it, next to its peers.

Every row is a whole command in a fresh process (start-up, imports, rule loading, output): the median
and the least of ``--runs`` runs, wall clock and CPU (on a shared machine the least CPU is the steadiest
figure), with the peak memory of the slowest-growing run; the in-process figures (what the checker
itself costs once started) follow for comparison. On the same files, in the same run:

- Vale (Go; installed by this script from the Go module proxy into the cache folder when ``go`` is
  there), with its built-in style plus a small local style of regular-expression rules like cleaner's;
- proselint (from PyPI, into a virtual environment of its own in the cache folder: it is no
  dependency of cleaner);
- the floor: one compiled Python regular expression over the files (the least any Python checker
  can do: start Python, read every file, scan it once), and ``grep -E`` on the same expression;
- with ``--baseline CHECKOUT``, another checkout of cleaner (e.g. the commit before a change, made with
  ``git worktree add``): before and after side by side. It runs with the checkout's own ``.venv`` when
  it has one (its own dependencies: a change may be a dependency's version), else with this interpreter
  and ``PYTHONPATH``.

Work: the seed article (JSON output, as Vale's, and cleaner's default text output: what a pre-commit
hook prints), an empty file, "corpus" (380 real machine-translated documents from ``../shared/eval``:
the 75 TED talks and the first 305 Bio-MQM abstracts, one file each, 1.16M characters) and "corpus10x"
(the same ten times, 3,800 files). "cold" runs have no bytecode cache (``PYTHONPYCACHEPREFIX`` set to an
empty folder) and no parsed-rule cache (an empty ``CLEANER_CACHE_DIR``): the first run after installing
or upgrading. "warm" runs have both, in a cache folder of the bench's own (warmed by a first run), so
other checkouts sharing the user cache folder cannot empty it between runs.

Goals (issue 16): one article, rules only, at most 0.3 s wall and within 1.5x of Vale on the same file;
corpus10x at least 2M characters a second, 3x Vale and 15x proselint. The bench prints each ratio after
its rows; the corpora are also checked with ``--jobs`` (this machine's cores), as an archive run would
and as ``check`` without ``--jobs`` does on runs of 2 MB or more; the other rows pass ``--jobs 1``.

    python bench/speed.py                                   # everything but the 50 MB file
    python bench/speed.py --baseline ../base --big   # before/after, and a 50 MB file
    python bench/speed.py --quick                           # one article and an empty file only
    python bench/speed.py --quick --runs 15 --baseline ../base --no-peers  # before/after start-up
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval"
SEED = next((REPO / "seeds").glob("*.txt"))
VALE_MODULE = "github.com/vale-cli/vale/v3/cmd/vale"
VALE_VERSIONS = ("latest", "v3.21.0")
"""v3.21.0: a version whose dependencies the Go module proxy serves (in November 2026 the latest needs
one it refuses); building it takes minutes (cgo)."""
FLOOR_PATTERN = r"[.!?][ \t]+\.|\.\.[A-Za-z]|  +|\b(?:the|a|an|of)\.[ \t]+[A-Z]"
"""One expression of the kind cleaner's rules hold, for the floor: a regex pass over the text."""
VALE_RULES = {
    "Doubled": ("existence", r"\.\.[A-Za-z]"),
    "Repeated": ("existence", r"[.!?][ \t]+\.(?![.\w])"),
    "Spaces": ("existence", r"[^\s]  +[^\s]"),
    "Dangling": ("existence", r"\b(?:the|a|an|and|or|of|to|not)\.[ \t]+[A-Z][a-z]+"),
    "Comma": ("existence", r",[ \t]*,"),
    "Invisible": ("existence", "[\u200b\u200c\u2060\u00ad\ufeff]"),
}


ONE_ARTICLE_GOAL_SECONDS = 0.3
ONE_ARTICLE_GOAL_VS_VALE = 1.5
CORPUS_GOAL_CHARS_PER_SECOND = 2_000_000
CORPUS_GOAL_VS_VALE = 3
CORPUS_GOAL_VS_PROSELINT = 15
JOBS = min(os.cpu_count() or 1, 4)
"""Workers for the ``--jobs`` row of the corpora: this machine's cores (at most 4)."""


@dataclass
class Timing:
    seconds: float
    cpu: float
    """User and system CPU seconds: on a loaded machine a steadier measure than the wall clock."""
    peak_mib: float
    exit_codes: set[int]
    least_seconds: float = 0.0
    least_cpu: float = 0.0
    """The least of the runs (the median is ``seconds``/``cpu``): what the command costs when the
    machine lets it run undisturbed."""


def corpus_texts() -> list[str]:
    texts: list[str] = []
    for name, count in (("mqm_ted_zhen_docs.jsonl", None), ("biomqm_x2en_docs.jsonl", 305)):
        with open(EVAL_DIR / name, encoding="utf-8") as handle:
            texts.extend(
                json.loads(line)["text"] for line, _ in zip(handle, range(count or 10**9), strict=False)
            )
    return texts


def write_corpus(folder: Path, texts: Sequence[str], copies: int) -> Path:
    for copy in range(copies):
        target = folder / f"copy{copy}" if copies > 1 else folder
        target.mkdir(parents=True, exist_ok=True)
        for index, text in enumerate(texts):
            (target / f"{index:04d}.txt").write_text(text, encoding="utf-8")
    return folder


def run(command: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Timing:
    """One whole command: wall time and peak resident memory (from the child's own rusage)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd or Path.cwd()
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Timing(seconds, cpu, usage.ru_maxrss / 1024, {process.returncode}, seconds, cpu)


def interleaved(runs: int, commands: Sequence[tuple[str, Callable[[], Timing]]]) -> list[tuple[str, Timing]]:
    """Each command once per round, ``runs`` rounds, then each one's medians: on a shared machine the
    load changes from minute to minute, and taking turns lays it on every tool alike."""
    timings: dict[str, list[Timing]] = {name: [] for name, _ in commands}
    for _ in range(runs):
        for name, command in commands:
            timings[name].append(command())
    return [
        (
            name,
            Timing(
                statistics.median(t.seconds for t in found),
                statistics.median(t.cpu for t in found),
                max(t.peak_mib for t in found),
                set().union(*(t.exit_codes for t in found)),
                min(t.seconds for t in found),
                min(t.cpu for t in found),
            ),
        )
        for name, found in timings.items()
    ]


class Cleaner:
    """``python -m cleaner check --no-grammar`` of one checkout (this one, or ``--baseline``)."""

    def __init__(self, name: str, checkout: Path | None, cache: Path) -> None:
        self.name = name
        self.python = sys.executable
        self.env = {**os.environ, "NO_COLOR": "1", "CLEANER_CACHE_DIR": str(cache)}
        # "warm" means Python's bytecode cache is there, as after the first run of an install; with
        # PYTHONDONTWRITEBYTECODE set (as some sandboxes do) every run would compile cleaner afresh.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        if checkout is not None:
            own = checkout / ".venv" / "bin" / "python"
            if own.exists():
                self.python = str(own)
            else:
                self.env["PYTHONPATH"] = str(checkout)
        self.cwd = Path(tempfile.gettempdir())  # not the checkout: -m would put it first on sys.path

    def check(self, target: Path, cold: bool = False, output_format: str = "json", jobs: int = 1) -> Timing:
        env = dict(self.env)
        if cold:
            env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="cleaner-cold-")
            env["CLEANER_CACHE_DIR"] = tempfile.mkdtemp(prefix="cleaner-cold-cache-")
        command = [self.python, "-m", "cleaner", "check", "--no-grammar", "--format", output_format]
        command += ["--jobs", str(jobs)]  # one process unless asked: `check` splits a big run by itself
        try:
            return run([*command, str(target)], env, self.cwd)
        finally:
            if cold:
                shutil.rmtree(env["PYTHONPYCACHEPREFIX"], ignore_errors=True)
                shutil.rmtree(env["CLEANER_CACHE_DIR"], ignore_errors=True)


def peers_folder() -> Path:
    from cleaner.paths import cache_dir

    folder = cache_dir() / "bench-peers"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def find_vale() -> Path | None:
    """Vale on PATH, else installed with ``go install`` into the cache folder; None if neither works."""
    found = shutil.which("vale")
    if found:
        return Path(found)
    binary = peers_folder() / "bin" / "vale"
    if binary.exists():
        return binary
    if shutil.which("go") is None:
        print("Vale: not on PATH and no Go toolchain to install it with; skipped")
        return None
    for version in VALE_VERSIONS:
        print(f"installing Vale {version} from the Go module proxy …", flush=True)
        env = {**os.environ, "GOBIN": str(binary.parent)}
        result = subprocess.run(
            ["go", "install", f"{VALE_MODULE}@{version}"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if binary.exists():
            return binary
        print(f"Vale {version} could not be installed: {result.stderr.strip().splitlines()[-1:]}")
    return None


def vale_config(folder: Path) -> Path:
    """A .vale.ini with Vale's built-in style and a local style of regular-expression rules."""
    style = folder / "styles" / "Bench"
    style.mkdir(parents=True, exist_ok=True)
    for name, (kind, pattern) in VALE_RULES.items():
        quoted = json.dumps(pattern)
        (style / f"{name}.yml").write_text(
            f"extends: {kind}\nmessage: '{name}'\nlevel: error\nnonword: true\nscope: raw\n"
            f"tokens:\n  - {quoted}\n",
            encoding="utf-8",
        )
    ini = folder / ".vale.ini"
    ini.write_text(
        f"StylesPath = {folder / 'styles'}\nMinAlertLevel = suggestion\n\n"
        "[*.txt]\nBasedOnStyles = Vale, Bench\n",
        encoding="utf-8",
    )
    return ini


def find_proselint() -> Path | None:
    """proselint in a virtual environment of its own (created and filled from PyPI on first use)."""
    venv = peers_folder() / "proselint-venv"
    binary = venv / "bin" / "proselint"
    if binary.exists():
        return binary
    print("installing proselint from PyPI into its own virtual environment …", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "proselint"],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        print(f"proselint could not be installed ({exc.stderr.decode(errors='replace')[-200:]}); skipped")
        return None
    return binary if binary.exists() else None


FLOOR_CODE = """
import os, re, sys
pattern = re.compile(sys.argv[1])
target = sys.argv[2]
files = [target] if os.path.isfile(target) else sorted(
    os.path.join(root, name) for root, _, names in os.walk(target) for name in names
)
count = 0
for path in files:
    with open(path, encoding="utf-8") as handle:
        count += sum(1 for _ in pattern.finditer(handle.read()))
print(count)
"""


def in_process(texts: list[str], seed: str) -> None:
    """The checker itself, started once: what a long-lived process (an editor, a server) pays."""
    started, cpu = time.perf_counter(), time.process_time()
    from cleaner.pipeline import Checker

    checker = Checker()
    checker.check_text("Warm up the lexicon. . Then go.")
    print(
        f"\nin process: import + rules loaded + lexicon warm: {time.perf_counter() - started:.2f} s "
        f"({time.process_time() - cpu:.2f} s CPU)"
    )
    chars = sum(map(len, texts))
    wall, cpu = min(_timed(lambda: [checker.check_text(t) for t in texts]) for _ in range(2))
    print(
        f"in process: corpus, {chars / wall / 1e6:.2f} M characters/s ({chars / cpu / 1e6:.2f} M per CPU "
        "second; the checker only, no reading)"
    )
    wall, cpu = min(_timed(lambda: checker.check_text(seed)) for _ in range(20))
    print(
        f"in process: one article (seed, {len(seed):,} characters): {wall * 1000:.1f} ms "
        f"({cpu * 1000:.1f} ms CPU)"
    )


def _timed(func: Callable[[], object]) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - started, time.process_time() - cpu


def one_article_goal(rows: dict[str, Timing]) -> str:
    """Issue 16's goal for one article, rules only, read off this run's rows: the wall clock against
    0.3 s, and cleaner against Vale on the same file (wall and CPU; median, then least)."""
    ours = rows["cleaner (warm)"]
    met = "met" if ours.seconds <= ONE_ARTICLE_GOAL_SECONDS else "not met"
    line = (
        f"goal: <= {ONE_ARTICLE_GOAL_SECONDS} s wall: {ours.seconds:.3f} s median, "
        f"{ours.least_seconds:.3f} s least ({met} by the median)"
    )
    vale = rows.get("vale")
    if vale is None:
        return line + "; no Vale to compare with"
    wall, least = ours.seconds / vale.seconds, ours.least_seconds / vale.least_seconds
    cpu, least_cpu = ours.cpu / vale.cpu, ours.least_cpu / vale.least_cpu
    verdict = "met" if wall <= ONE_ARTICLE_GOAL_VS_VALE else "not met"
    return (
        f"{line}; <= {ONE_ARTICLE_GOAL_VS_VALE}x Vale: wall {wall:.2f}x median, {least:.2f}x least "
        f"({verdict} by the median); CPU {cpu:.2f}x median, {least_cpu:.2f}x least"
    )


def corpus_goal(rows: dict[str, Timing], chars: int) -> str:
    """Issue 16's goal for corpus10x, rules only, read off this run's rows: at least 2M characters a
    second, 3x Vale and 15x proselint (wall clock, medians; CPU too where the peer uses every core),
    for one process and with ``--jobs``."""
    lines = []
    for name in ("cleaner (warm)", f"cleaner --jobs {JOBS}"):
        ours = rows.get(name)
        if ours is None:
            continue
        speed = chars / ours.seconds
        met = "met" if speed >= CORPUS_GOAL_CHARS_PER_SECOND else "not met"
        parts = [f"{speed / 1e6:.2f} M chars/s ({met})"]
        for peer, goal in (("vale", CORPUS_GOAL_VS_VALE), ("proselint", CORPUS_GOAL_VS_PROSELINT)):
            timing = rows.get(peer)
            if timing is not None:
                wall, cpu = timing.seconds / ours.seconds, timing.cpu / ours.cpu
                verdict = "met" if wall >= goal else "not met"
                parts.append(f"{wall:.1f}x {peer} wall, {cpu:.1f}x CPU (goal {goal}x: {verdict} by wall)")
        lines.append(f"goal ({name}): " + "; ".join(parts))
    return "\n".join(lines)


def big_file(cleaners: Sequence[Cleaner], texts: list[str], folder: Path, vale: list[str] | None) -> None:
    """One 50 MB file, once per tool: time, and the peak memory (the goal: well under a copy per
    character; the text itself is 2 bytes a character in Python once it holds a curly quote)."""
    big = folder / "big.txt"
    blob = "\n".join(texts)
    with open(big, "w", encoding="utf-8") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(blob)
    size = big.stat().st_size
    rows = [(cleaner.name, cleaner.check(big)) for cleaner in cleaners]
    if vale is not None:
        rows.append(("vale", run([*vale, str(big)])))
    for name, timing in rows:
        print(
            f"{name}: a {size / 2**20:.0f} MiB file: {timing.seconds:.1f} s ({timing.cpu:.1f} s CPU), "
            f"{size / timing.seconds / 1e6:.2f} M characters/s, peak {timing.peak_mib:.0f} MiB"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per row (the median is shown)")
    parser.add_argument("--baseline", type=Path, help="another cleaner checkout to time side by side")
    parser.add_argument("--quick", action="store_true", help="one article and an empty file only")
    parser.add_argument("--big", action="store_true", help="also a 50 MB file (time and peak memory)")
    parser.add_argument("--no-peers", action="store_true", help="skip Vale and proselint")
    args = parser.parse_args()

    texts = corpus_texts()
    seed = SEED.read_text(encoding="utf-8")
    vale = proselint = None
    if not args.no_peers:
        vale, proselint = find_vale(), find_proselint()

    with tempfile.TemporaryDirectory(prefix="cleaner-bench-") as scratch:
        root = Path(scratch)
        cleaners = [Cleaner("cleaner", None, root / "cache")]
        if args.baseline is not None:
            cleaners.append(Cleaner("baseline", args.baseline.resolve(), root / "baseline-cache"))
        article = root / "article" / SEED.name
        article.parent.mkdir()
        article.write_text(seed, encoding="utf-8")
        empty = root / "empty" / "empty.txt"
        empty.parent.mkdir()
        empty.write_text("", encoding="utf-8")
        for cleaner in cleaners:
            cleaner.check(article)  # "warm": bytecode and parsed rules cached, as from the second run on
        work: list[tuple[str, Path, int, str]] = [
            ("one article", article, len(seed), "json"),
            ("one article", article, len(seed), "text"),
            ("empty file", empty, 0, "json"),
        ]
        if not args.quick:
            chars = sum(map(len, texts))
            work.append(("corpus", write_corpus(root / "corpus", texts, 1), chars, "json"))
            work.append(("corpus10x", write_corpus(root / "corpus10x", texts, 10), chars * 10, "json"))
        ini = vale_config(root / "vale") if vale else None

        print(
            f"\nwhole commands, median and least of {args.runs} runs taken in turns (cleaner's output format "
            "in brackets; M chars/s from the median wall clock; peak resident MiB)"
        )
        print(
            f"{'work':<18} {'tool':<24} {'wall s':>7} {'least':>6} {'CPU s':>6} {'least':>6} "
            f"{'M chars/s':>9} {'peak MiB':>8}  time vs cleaner"
        )
        for label, target, chars, output_format in work:
            label = f"{label} ({output_format})"
            runs = args.runs if chars < 5_000_000 else max(1, args.runs // 2)
            commands: list[tuple[str, Callable[[], Timing]]] = []
            for cleaner in cleaners:
                if output_format == "json" and chars < 100_000:  # start-up: first run after installing
                    commands.append((f"{cleaner.name} (cold)", lambda c=cleaner, t=target: c.check(t, True)))
                warm = partial(cleaner.check, target, False, output_format)
                commands.append((f"{cleaner.name} (warm)", warm))
                if chars > 1_000_000 and JOBS > 1:  # many files: what --jobs adds on this machine
                    many = partial(cleaner.check, target, False, output_format, JOBS)
                    commands.append((f"{cleaner.name} --jobs {JOBS}", many))
            if vale is not None and ini is not None:
                command = [str(vale), "--config", str(ini), "--output", "JSON", str(target)]
                commands.append(("vale", lambda cmd=command: run(cmd)))
            if proselint is not None:  # about a minute on corpus10x: it runs there as often as cleaner
                command = [str(proselint), "check", str(target)]
                commands.append(("proselint", lambda cmd=command: run(cmd)))
            floor = [sys.executable, "-c", FLOOR_CODE, FLOOR_PATTERN, str(target)]
            commands.append(("floor: one Python regex", lambda cmd=floor: run(cmd)))
            grep = ["grep", "-r", "-c", "-E", FLOOR_PATTERN, str(target)]
            commands.append(("floor: grep -E", lambda cmd=grep: run(cmd)))
            rows = interleaved(runs, commands)
            ours = next(t for name, t in rows if name == "cleaner (warm)")
            for name, timing in rows:
                speed = f"{chars / timing.seconds / 1e6:9.2f}" if chars > 100_000 else f"{'-':>9}"
                print(
                    f"{label:<18} {name:<24} {timing.seconds:7.3f} {timing.least_seconds:6.3f} "
                    f"{timing.cpu:6.3f} {timing.least_cpu:6.3f} {speed} {timing.peak_mib:8.0f}  "
                    f"wall {timing.seconds / ours.seconds:5.2f}x, CPU {timing.cpu / ours.cpu:5.2f}x"
                )
            if label.startswith("one article"):
                print(one_article_goal(dict(rows)))
            if label.startswith("corpus10x"):
                print(corpus_goal(dict(rows), chars))
            print()
        if args.big:
            vale_command = [str(vale), "--config", str(ini), "--output", "JSON"] if vale and ini else None
            big_file(cleaners, texts, root, vale_command)

    in_process(texts, seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
