"""How fast the grammar stage is, against raw LanguageTool on the same text.

Every figure is characters of the corpus per second (one MT translation of each TED talk, then of each
Bio-MQM abstract, from ../shared/eval, up to --chars),
the median of --runs runs, the runs of the different contenders taken in turns so that a busy machine
slows them alike. Beside the wall time, the CPU seconds of the whole work (both LanguageTool servers,
this process and the commands it runs), which a machine shared with other work disturbs less:

- raw /v2/check with LanguageTool's default rule set (nothing disabled), as shipped (no configuration
  file): the issue's baseline, the paragraphs cleaner sends, 1 thread and one thread per core, and whole
  documents; a new connection per request, as curl and language-tool-python make (``raw_pass`` says why
  a kept-alive connection is slower against this server; ``--keep-alive-baseline`` times that too);
- raw /v2/check: the same paragraphs with cleaner's language and disabled rules, 1 thread and one
  thread per core; once against LanguageTool as shipped and once (kept alive) against the server
  cleaner starts, and there also whole documents;
- cleaner in process: ``GrammarEngine.findings`` over the corpus, cold (an empty result cache) and warm
  (the cache filled by the cold run), with the connections it opened;
- the whole command: ``cleaner check`` on the corpus files with a running server, cold and warm, and
  ``--no-grammar`` for the part that is cleaner's own rules and start-up.

Both servers run with their result caches off (``cacheSize=0``), so a repeated run costs what a new text
costs. Ratios are printed against raw with the default rules (1 thread, N threads), raw with cleaner's
rule choice, and raw with cleaner's rule choice on cleaner's server.

    python bench/grammar_speed.py --chars 60000 --runs 3
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval"


def corpus(limit: int) -> list[str]:
    """Real MT documents up to ``limit`` characters, one translation of each source document (the
    sets hold several systems' translations of the same talk or abstract, which share sentences: a
    cache, or cleaner's sending each paragraph once a run, would make those free)."""
    texts: list[str] = []
    seen: set[str] = set()
    for name in ("mqm_ted_zhen_docs.jsonl", "biomqm_x2en_docs.jsonl"):
        with open(EVAL_DIR / name, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record["doc"] in seen or record.get("human_reference"):
                    continue
                if sum(map(len, texts)) >= limit:
                    return texts
                seen.add(record["doc"])
                texts.append(record["text"])
    return texts


def start_plain_server(port: int) -> subprocess.Popen[bytes]:
    """LanguageTool as its documentation starts it: no configuration file, the same heap as cleaner's."""
    from cleaner.grammar.install import find_java, installation
    from cleaner.grammar.server import HEAP, MAIN_CLASS, is_alive

    command = [find_java() or "java", f"-Xmx{HEAP}", "-cp", installation().classpath, MAIN_CLASS]
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 180
    while not is_alive(f"http://127.0.0.1:{port}", 1.0):
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit("the plain LanguageTool server did not start")
        time.sleep(0.3)
    return process


REFUSED: list[str] = []
"""Answers other than 200 from raw passes (a check over the server's time limit on a machine too busy),
printed with the results: such a pass did not check everything, and its time is no good."""


def raw_pass(url: str, params: dict[str, str], texts: list[str], threads: int, fresh: bool = False) -> None:
    """Send each text to /v2/check, ``threads`` at a time; read every answer whole.

    ``fresh``: a new connection per request, as curl, ``requests.post`` and so language-tool-python do.
    Otherwise one kept-alive connection per thread, which against LanguageTool as shipped waits about
    40 ms a request: the JDK's HTTP server writes an answer's headers and body apart and, without
    TCP_NODELAY, holds the body until the client acknowledges the headers, which a kept-alive Linux
    client does only after its delayed-ACK timer (a new connection acknowledges at once). The issue's
    baseline is what a user of raw LanguageTool gets, so the rows against LanguageTool as shipped use
    fresh connections; ``--keep-alive-baseline`` adds the kept-alive rows for comparison."""
    parts = urllib.parse.urlsplit(url)
    chunks = [texts[i::threads] for i in range(threads)]
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def exchange(connection: http.client.HTTPConnection, text: str) -> None:
        body = urllib.parse.urlencode({**params, "text": text})
        connection.request("POST", "/v2/check", body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            REFUSED.append(f"HTTP {response.status}: {answer[:120].decode(errors='replace')}")
            return
        json.loads(answer)

    def worker(mine: list[str]) -> None:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=300)
        for text in mine:
            if fresh:
                connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=300)
            exchange(connection, text)
            if fresh:
                connection.close()
        connection.close()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, chunks))


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds so far of this process, its finished children, and the processes ``pids`` (Linux)."""
    own = os.times()
    total = own.user + own.system + own.children_user + own.children_system
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def timed(func: Callable[[], object], pids: list[int]) -> tuple[float, float]:
    """Wall and CPU seconds of ``func``, the CPU of the processes ``pids`` included."""
    cpu = cpu_seconds(pids)
    started = time.perf_counter()
    func()
    return time.perf_counter() - started, cpu_seconds(pids) - cpu


def warm_and_cold(runs: int) -> int:
    """Cold against warm cache on issue 16's corpus (the 380 documents of bench/speed.py), in process and
    as the whole command with a running server: does a warm run stay 30 times faster than a cold one?
    Runs cleaner from wherever Python finds it (``PYTHONPATH=../main`` times another checkout)."""
    from speed import corpus_texts

    import cleaner
    from cleaner.grammar.engine import GrammarEngine, GrammarSettings
    from cleaner.grammar.install import installation, setup
    from cleaner.grammar.server import start_server, stop_server

    installed = setup()
    scratch = Path(tempfile.mkdtemp(prefix="cleaner-bench-"))
    texts = corpus_texts()
    chars = sum(map(len, texts))
    folder = scratch / "corpus"
    folder.mkdir()
    for number, text in enumerate(texts):
        (folder / f"{number:04d}.txt").write_text(text, encoding="utf-8")
    print(
        f"cleaner from {Path(cleaner.__file__).parent}; corpus: {len(texts)} documents, {chars:,} characters"
    )

    def fresh_cache(name: str) -> Path:
        cache = scratch / name
        cache.mkdir()
        (cache / "languagetool").symlink_to(installed.folder.parent, target_is_directory=True)
        return cache

    os.environ["CLEANER_CACHE_DIR"] = str(fresh_cache("server"))
    server = start_server(installation(), cache_size=0)
    pids = [server.pid or 0]
    times: dict[str, list[tuple[float, float]]] = {}
    try:
        for run in range(runs):
            os.environ["CLEANER_CACHE_DIR"] = str(fresh_cache(f"in-process-{run}"))
            for label in ("cold", "warm"):
                with GrammarEngine(GrammarSettings(url=server.url)) as engine:
                    times.setdefault(f"in process, {label} cache", []).append(
                        timed(lambda engine=engine: [engine.findings(text) for text in texts], pids)
                    )
            env = {**os.environ, "CLEANER_CACHE_DIR": str(fresh_cache(f"command-{run}"))}
            command = [
                sys.executable,
                "-m",
                "cleaner",
                "check",
                "--languagetool-url",
                server.url,
                str(folder),
            ]
            for label in ("cold", "warm"):
                times.setdefault(f"cleaner check (whole command), {label} cache", []).append(
                    timed(
                        lambda c=command, e=env: subprocess.run(c, capture_output=True, env=e, check=False),
                        pids,
                    )
                )
            print(
                f"run {run + 1}: " + ", ".join(f"{k}: {v[-1][0]:.1f} s" for k, v in times.items()), flush=True
            )
    finally:
        stop_server(server)
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\n{'':44} {'wall s':>8} {'chars/s':>9} {'CPU s':>7}   (median; all walls)")
    for label, values in times.items():
        wall = statistics.median(w for w, _ in values)
        spent = statistics.median(c for _, c in values)
        walls = " ".join(f"{w:.1f}" for w, _ in values)
        print(f"{label:44} {wall:8.2f} {chars / wall:9,.0f} {spent:7.1f}   ({walls})")
    for where in ("in process", "cleaner check (whole command)"):
        cold = statistics.median(w for w, _ in times[f"{where}, cold cache"])
        warm = statistics.median(w for w, _ in times[f"{where}, warm cache"])
        print(f"warm against cold, {where}: {cold / warm:.1f}x")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chars", type=int, default=60_000, help="characters of TED talks to check")
    parser.add_argument("--runs", type=int, default=3, help="runs of each contender (median reported)")
    parser.add_argument(
        "--keep-alive-baseline",
        action="store_true",
        help="also time raw LanguageTool as shipped through kept-alive connections (about 40 ms a request)",
    )
    parser.add_argument(
        "--corpus",
        action="store_true",
        help="only cold against warm cache on issue 16's corpus (bench/speed.py's 380 documents)",
    )
    args = parser.parse_args()
    if args.corpus:
        return warm_and_cold(args.runs)

    from cleaner.grammar import transport
    from cleaner.grammar.engine import CHECKED_AS, GrammarEngine, GrammarSettings, paragraphs
    from cleaner.grammar.install import installation, setup
    from cleaner.grammar.server import free_port, start_server, stop_server

    installed = setup()
    scratch = Path(tempfile.mkdtemp(prefix="cleaner-bench-"))
    os.environ["CLEANER_CACHE_DIR"] = str(scratch / "server")
    (scratch / "server").mkdir()
    (scratch / "server" / "languagetool").symlink_to(installed.folder.parent, target_is_directory=True)

    texts = corpus(args.chars)
    chars = sum(map(len, texts))
    pieces = [p for text in texts for _, p in paragraphs(text)]
    folder = scratch / "corpus"
    folder.mkdir()
    for number, text in enumerate(texts):
        (folder / f"{number:04d}.txt").write_text(text, encoding="utf-8")
    cores = os.cpu_count() or 1
    print(
        f"corpus: {len(texts)} TED documents, {len(pieces)} paragraphs, {chars:,} characters; {cores} cores"
    )

    started = time.perf_counter()
    tuned = start_server(installation(), cache_size=0)
    print(f"cleaner's server start (JVM to first answer): {time.perf_counter() - started:.1f} s")
    plain_port = free_port()
    plain = start_plain_server(plain_port)
    plain_url = f"http://127.0.0.1:{plain_port}"
    settings = GrammarSettings(url=tuned.url)
    default_rules = {"language": CHECKED_AS}
    params = {
        "language": CHECKED_AS,
        "disabledRules": ",".join(sorted(settings.disabled_rules)),
        "disabledCategories": ",".join(sorted(settings.disabled_categories)),
    }
    times: dict[str, list[tuple[float, float]]] = {}
    pids = [tuned.pid or 0, plain.pid]
    connects: list[int] = []

    def cleaner_runs() -> None:
        cache = scratch / f"cache-{len(connects)}"
        cache.mkdir()
        (cache / "languagetool").symlink_to(installed.folder.parent, target_is_directory=True)
        os.environ["CLEANER_CACHE_DIR"] = str(cache)
        before = transport.Connection.opened
        with GrammarEngine(GrammarSettings(url=tuned.url)) as engine:
            times.setdefault("cleaner in process, cold cache", []).append(
                timed(lambda: [engine.findings(text) for text in texts], pids)
            )
        connects.append(transport.Connection.opened - before)
        with GrammarEngine(GrammarSettings(url=tuned.url)) as engine:  # a new run: the cache on disk
            times.setdefault("cleaner in process, warm cache", []).append(
                timed(lambda: [engine.findings(text) for text in texts], pids)
            )
        command = [sys.executable, "-m", "cleaner", "check", "--languagetool-url", tuned.url, str(folder)]
        env = {**os.environ, "CLEANER_CACHE_DIR": str(cache / "cli")}
        (cache / "cli").mkdir()
        (cache / "cli" / "languagetool").symlink_to(installed.folder.parent, target_is_directory=True)
        for label in ("cold cache", "warm cache"):
            times.setdefault(f"cleaner check (whole command), {label}", []).append(
                timed(lambda: subprocess.run(command, capture_output=True, env=env, check=False), pids)
            )
        times.setdefault("cleaner check --no-grammar (whole command)", []).append(
            timed(
                lambda: subprocess.run([*command, "--no-grammar"], capture_output=True, env=env, check=False),
                pids,
            )
        )

    contenders: dict[str, Callable[[], object]] = {
        "raw, default rules, LT as shipped, paragraphs, 1 thread": lambda: raw_pass(
            plain_url, default_rules, pieces, 1, fresh=True
        ),
        f"raw, default rules, LT as shipped, paragraphs, {cores} threads": lambda: raw_pass(
            plain_url, default_rules, pieces, cores, fresh=True
        ),
        "raw, LanguageTool as shipped, paragraphs, 1 thread": lambda: raw_pass(
            plain_url, params, pieces, 1, fresh=True
        ),
        f"raw, LanguageTool as shipped, paragraphs, {cores} threads": lambda: raw_pass(
            plain_url, params, pieces, cores, fresh=True
        ),
        "raw, cleaner's server, paragraphs, 1 thread": lambda: raw_pass(tuned.url, params, pieces, 1),
        f"raw, cleaner's server, paragraphs, {cores} threads": lambda: raw_pass(
            tuned.url, params, pieces, cores
        ),
        "raw, cleaner's server, whole documents, 1 thread": lambda: raw_pass(tuned.url, params, texts, 1),
        "raw, default rules, LT as shipped, whole documents, 1 thread": lambda: raw_pass(
            plain_url, default_rules, texts, 1, fresh=True
        ),
    }
    if args.keep_alive_baseline:
        contenders["raw, default rules, LT as shipped, kept alive, 1 thread"] = lambda: raw_pass(
            plain_url, default_rules, pieces, 1
        )
        contenders[f"raw, default rules, LT as shipped, kept alive, {cores} threads"] = lambda: raw_pass(
            plain_url, default_rules, pieces, cores
        )
    try:
        for url in (plain_url, tuned.url):  # the JVMs compile their hot paths on the first pass
            raw_pass(url, params, pieces, cores, fresh=True)
        raw_pass(plain_url, default_rules, pieces, cores, fresh=True)
        with GrammarEngine(GrammarSettings(url=tuned.url, use_cache=False)) as engine:  # and en-GB's too
            [engine.findings(text) for text in texts]
        REFUSED.clear()  # only the timed passes count
        for _ in range(args.runs):
            for label, run in contenders.items():
                times.setdefault(label, []).append(timed(run, pids))
            cleaner_runs()
    finally:
        stop_server(tuned)
        plain.terminate()
        plain.wait()
        shutil.rmtree(scratch, ignore_errors=True)

    median = {label: statistics.median(wall for wall, _ in values) for label, values in times.items()}
    cpu = {label: statistics.median(spent for _, spent in values) for label, values in times.items()}
    bases = [
        "raw, default rules, LT as shipped, paragraphs, 1 thread",
        f"raw, default rules, LT as shipped, paragraphs, {cores} threads",
        "raw, LanguageTool as shipped, paragraphs, 1 thread",
        f"raw, LanguageTool as shipped, paragraphs, {cores} threads",
        "raw, cleaner's server, paragraphs, 1 thread",
        f"raw, cleaner's server, paragraphs, {cores} threads",
    ]
    heads = " ".join(f"{head:>6}" for head in ("÷def1", "÷defN", "÷raw1", "÷rawN", "÷cl1", "÷clN"))
    print(f"\n{'contender':62} {'s':>7} {'chars/s':>8} {'CPU s':>7} {'c/CPUs':>7} {heads}")
    for label, seconds in median.items():
        ratios = " ".join(f"{median[base] / seconds:6.2f}" for base in bases)
        print(
            f"{label:62} {seconds:7.2f} {chars / seconds:8,.0f} {cpu[label]:7.1f} "
            f"{chars / max(cpu[label], 1e-9):7,.0f} {ratios}"
        )
    cold = median["cleaner in process, cold cache"]
    warm = median["cleaner in process, warm cache"]
    cli_cold = median["cleaner check (whole command), cold cache"]
    cli_warm = median["cleaner check (whole command), warm cache"]
    default_cpu = cpu[bases[0]]
    print(
        f"\n÷def1/÷defN: raw LanguageTool as shipped with its default rule set, 1 / {cores} threads; "
        f"÷raw1/÷rawN: the same with cleaner's disabled rules; ÷cl1/÷clN: that on cleaner's server"
        f"\ncleaner cold against raw default rules: {median[bases[0]] / cold:.2f}x (1 thread), "
        f"{median[bases[1]] / cold:.2f}x ({cores} threads) in wall time; "
        f"{default_cpu / cpu['cleaner in process, cold cache']:.2f}x in CPU seconds"
        f"\nwarm against cold, in process: {cold / warm:.0f}x; whole command: {cli_cold / cli_warm:.1f}x"
        f"\nconnections opened per cold run (in process): {statistics.median(connects):.0f} "
        f"for {len(pieces)} paragraphs"
    )
    if REFUSED:
        print(f"\nraw passes: {len(REFUSED)} paragraphs refused (times not valid); the first: {REFUSED[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
