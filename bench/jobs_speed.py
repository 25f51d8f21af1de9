"""How much ``cleaner check --jobs N`` gains on many small files: wall clock and CPU of the whole command
(its worker processes included) for ``--jobs 1`` and ``--jobs 2``, each the median of ``--runs``
interleaved runs, the CPU split between the driver (the command's own process: finding the files,
reports) and its workers, and whether every run printed the same JSON report as ``--jobs 1``.

Work: corpus10x of ``bench/speed.py`` (380 real machine-translated documents from ``../shared/eval``,
ten times over: 3,800 files, 11.6M characters), rules only, or the files and folders given. With
``--baseline CHECKOUT`` (another checkout, e.g. ``git worktree add ../base <commit>``) its ``--jobs``
rows run too, with this interpreter and ``PYTHONPATH``: before and after side by side. The machine's
load (``os.getloadavg``) is printed with each row: the wall clock only shows the gain on idle cores.

    python bench/jobs_speed.py
    python bench/jobs_speed.py --baseline ../base --runs 5
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import corpus_texts, write_corpus  # a sibling script, not a package

SAMPLE_SECONDS = 0.1


@dataclass
class Run:
    wall: float
    cpu: float
    """User and system CPU of the command and every worker it waited for (``wait4``'s own count)."""
    workers: float
    """The part of ``cpu`` spent in worker processes: sampled every ``SAMPLE_SECONDS`` while they ran, so
    it may miss their last fraction of a second (sampling more often would take CPU from the run)."""
    load: float
    report: bytes


def run(checkout: Path | None, jobs: int, paths: list[str]) -> Run:
    import psutil

    env = {**os.environ, "NO_COLOR": "1"}
    # as bench/speed.py: with PYTHONDONTWRITEBYTECODE set (as some sandboxes do) the command and each of
    # its workers would compile cleaner afresh, a cost no installed cleaner pays
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
    command = [sys.executable, "-m", "cleaner", "check", "--no-grammar", "--format", "json"]
    command += ["--exit-zero", "--jobs", str(jobs), *[str(Path(path).resolve()) for path in paths]]
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        # run outside any checkout: ``-m`` puts the working folder first on the path, before PYTHONPATH
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=tempfile.gettempdir()
        )
        root, workers = psutil.Process(process.pid), {}
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            with contextlib.suppress(psutil.Error):
                for child in root.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        times = child.cpu_times()
                        workers[child.pid] = times.user + times.system
            time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} failed with {os.waitstatus_to_exitcode(status)}")
        out.seek(0)
        report = out.read()
    return Run(wall, usage.ru_utime + usage.ru_stime, sum(workers.values()), os.getloadavg()[0], report)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", type=Path, help="another checkout of cleaner, run as 'before'")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="1,2", help="comma-separated job counts (default: 1,2)")
    parser.add_argument("paths", nargs="*", help="files or folders (default: corpus10x)")
    args = parser.parse_args()
    jobs = [int(n) for n in args.jobs.split(",")]
    with tempfile.TemporaryDirectory(prefix="cleaner-jobs-") as scratch:
        paths = args.paths or [str(write_corpus(Path(scratch), corpus_texts(), 10))]
        checkouts: list[tuple[str, Path | None]] = [("this", None)]
        if args.baseline is not None:
            checkouts.insert(0, ("baseline", args.baseline.resolve()))
        rows = [(name, checkout, n) for name, checkout in checkouts for n in jobs]
        runs: dict[tuple[str, int], list[Run]] = {(name, n): [] for name, _, n in rows}
        for _ in range(args.runs):  # interleaved: the machine's load changes from minute to minute
            for name, checkout, n in rows:
                runs[(name, n)].append(run(checkout, n, paths))
    print(f"{os.cpu_count()} cores; {paths if args.paths else 'corpus10x (3,800 files)'}; rules only")
    print("checkout  jobs   wall s   CPU s  driver s  workers s  load  speed-up  same report as --jobs 1")
    for name, _, n in rows:
        done = runs[(name, n)]
        wall, cpu = statistics.median(r.wall for r in done), statistics.median(r.cpu for r in done)
        workers = statistics.median(r.workers for r in done)
        one = runs.get((name, 1))
        speedup = f"{statistics.median(r.wall for r in one) / wall:6.2f}x" if one else "      -"
        same = "-" if not one else str(all(r.report == one[0].report for r in done))
        print(
            f"{name:9} {n:4} {wall:8.2f} {cpu:7.2f} {cpu - workers:9.2f} {workers:10.2f}"
            f" {statistics.median(r.load for r in done):5.1f}  {speedup}   {same}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
