"""How fast ``cleaner batch`` checks a corpus: documents/s and characters/s for ``--jobs 1``, ``--jobs 2``
and ``--ray local``, rules only and with grammar, each the whole command (start-up, Ray's included).

The corpus is real machine-translated English from ``../shared/eval`` (Bio-MQM and WMT TED documents,
WMT22 segments, TED segments grouped by talk and system) and the fixtures, each text once: no repeats,
so neither cleaner's result cache (off: ``--no-cache``) nor LanguageTool's own (off: a fresh server with
``cacheSize=0`` for each grammar run) can make a run look faster than it is. Grammar runs use
``--grammar-documents`` documents spread evenly over the corpus (raw LanguageTool manages about 6k
characters/s on 2 cores, so the whole corpus would take hours per row).

    python bench/corpus_speed.py                      # 5,000 documents rules only, 300 with grammar
    python bench/corpus_speed.py --grammar-documents 0
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval"
MODES = {"--jobs 1": ["--jobs", "1"], "--jobs 2": ["--jobs", "2"], "--ray local": ["--ray", "local"]}
NODE_CORES = 16
"""Cores of a cluster node in projection b)."""
ARCHIVE_CHARS = 3e9
"""The archive of the projection: a million 3,000-character articles."""


def corpus(documents: int) -> list[tuple[str, str]]:
    """(id, text) of up to ``documents`` distinct real texts, longest sources first."""
    found: dict[str, str] = {}
    for name in ("mqm_ted_zhen_docs.jsonl", "biomqm_x2en_docs.jsonl", "artefacts_dev_wmt22.jsonl"):
        with open(EVAL_DIR / name, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                found.setdefault(record["id"], record["text"])
    talks: dict[str, list[str]] = defaultdict(list)
    with open(EVAL_DIR / "mqm_ted_zhen.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            talks[f"{record['doc']}:{record['system']}:{record['seg'] // 4}"].append(record["text"])
    found.update((f"ted-segments:{key}", " ".join(texts)) for key, texts in talks.items())
    for path in sorted((REPO / "fixtures").rglob("*.txt")):
        found[f"fixture:{path.stem}"] = path.read_text(encoding="utf-8")
    distinct = {text: name for name, text in found.items()}
    return [(name, text) for text, name in distinct.items()][:documents]


def run(corpus_file: Path, out: Path, extra: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds of one ``cleaner batch`` run. CPU is summed over the run's whole
    process tree (its workers, Ray's processes), sampled while it runs, as Ray's workers are not the
    run's children: a measure of cost that the load from other processes on the machine does not skew."""
    import psutil

    command = [
        sys.executable,
        "-m",
        "cleaner",
        "batch",
        str(corpus_file),
        "-o",
        str(out),
        "--no-cache",
        *extra,
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    used: dict[int, float] = {}
    root = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            for member in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = member.cpu_times()
                    used[member.pid] = times.user + times.system
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    return seconds, sum(used.values())


def _server_cpu(pid: int | None) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--grammar-documents", type=int, default=300)
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES))
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",")]

    from cleaner.grammar.install import installation, setup
    from cleaner.grammar.server import start_server, stop_server

    installed = setup()
    scratch = Path(tempfile.mkdtemp(prefix="cleaner-corpus-bench-"))
    (scratch / "languagetool").symlink_to(installed.folder.parent, target_is_directory=True)
    env = {**os.environ, "CLEANER_CACHE_DIR": str(scratch), "NO_COLOR": "1"}
    env.pop("CLEANER_LANGUAGETOOL_URL", None)
    os.environ["CLEANER_CACHE_DIR"] = str(scratch)

    texts = corpus(args.documents)
    print(f"corpus: {len(texts):,} distinct documents of real MT English ({os.cpu_count()} cores)")
    rows: list[tuple[str, str, int, int, float, float]] = []
    for label, count in (("rules only", len(texts)), ("grammar", args.grammar_documents)):
        if count <= 0:
            continue
        part = texts[:: max(1, len(texts) // count)][:count]  # a spread over every source
        chars = sum(len(text) for _, text in part)
        corpus_file = scratch / f"corpus-{count}.jsonl"
        with open(corpus_file, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps({"id": n, "text": t}, ensure_ascii=False) + "\n" for n, t in part)
        for mode in modes:
            out = scratch / f"{label.replace(' ', '-')}-{mode.replace(' ', '')}.jsonl"
            if label == "rules only":
                seconds, cpu = run(corpus_file, out, ["--no-grammar", *MODES[mode]], env)
            else:
                handle = start_server(installation(), cache_size=0)  # fresh: nothing cached server-side
                try:
                    _warm(handle.url, env)
                    before = _server_cpu(handle.pid)
                    seconds, cpu = run(
                        corpus_file, out, ["--languagetool-url", handle.url, *MODES[mode]], env
                    )
                    cpu += _server_cpu(handle.pid) - before
                finally:
                    stop_server(handle)
            rows.append((label, mode, count, chars, seconds, cpu))
            print(
                f"{label:10}  {mode:11}  {count:6,} docs  {chars:10,} chars  {seconds:6.1f} s  "
                f"{count / seconds:7.1f} docs/s  {chars / seconds:9,.0f} chars/s  "
                f"CPU {cpu:6.1f} s = {chars / cpu:9,.0f} chars/CPU-s  (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    _projection(rows)
    return 0


def _warm(url: str, env: dict[str, str]) -> None:
    """Sentences the corpus does not contain, so a fresh JVM has compiled its hot paths before timing."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cleaner",
            "check",
            "--no-cache",
            "--exit-zero",
            "--languagetool-url",
            url,
            "-",
        ],
        input="The server warms up. He go to the market on Sunday yesterday.\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _projection(rows: list[tuple[str, str, int, int, float, float]]) -> None:
    """Hours for the archive on N nodes, two ways: from the best wall-clock rate measured here (this
    machine as it was, shared), and from the CPU cost per character (LanguageTool's included) on
    nodes of ``NODE_CORES`` cores given to the run alone."""
    grammar = [r for r in rows if r[0] == "grammar"]
    if not grammar:
        return
    best = max(grammar, key=lambda r: r[3] / r[4])
    wall = best[3] / best[4]
    cheapest = min(grammar, key=lambda r: r[5] / r[3])
    per_core = cheapest[3] / cheapest[5]
    print(
        f"\nprojection for {ARCHIVE_CHARS:.0e} characters with grammar, assuming the documents are like "
        "these, one LanguageTool server per node, and throughput linear in nodes (blocks are independent; "
        "the driver only writes parts, ~1 KB per document):"
    )
    print(f"  a) wall clock as measured here ({best[1]}): {wall:,.0f} chars/s per node")
    print(
        f"  b) CPU cost ({cheapest[1]}): {per_core:,.0f} chars per CPU-second, so "
        f"{per_core * NODE_CORES:,.0f} chars/s on a {NODE_CORES}-core node given to the run alone"
    )
    for nodes in (1, 10, 50, 100):
        hours = [ARCHIVE_CHARS / (rate * nodes) / 3600 for rate in (wall, per_core * NODE_CORES)]
        print(f"  {nodes:4} nodes: a) {hours[0]:8.1f} h   b) {hours[1]:8.1f} h")


if __name__ == "__main__":
    sys.exit(main())
