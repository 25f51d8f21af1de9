"""Where the peak memory of ``cleaner check --no-grammar`` on one big file comes from (issue 16's goal:
at most 150 MB for rules only).

Prints the whole command's peak resident memory, then, in a fresh process, the peak after start-up
(imports, rules), after reading the file (``Session.read``: its bytes and its text are held together
while it is decoded) and after checking it; then, with ``tracemalloc``, what each step of the check
adds above the text: the analysis the detectors share (sentences, protected spans) is built by the first
detector that asks and kept until the check ends. Python holds a text as 1 byte a character while every
character is at most U+00FF, else 2 (4 beyond U+FFFF): a 51 MiB file of English holding one curly quote
is a 102 MiB string.

The default file is bench/speed.py's: the bench corpus repeated to 50 MiB.

    python bench/memory_peak.py
    python bench/memory_peak.py some/big.txt
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

MIB = 2**20
STAGES = """
import resource, sys, tracemalloc
def peak(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from cleaner.analysis import TextAnalysis
from cleaner.session import Session
session = Session(grammar=False)
path = sys.argv[1]
settings = session.settings(path)
checker = session.checker(settings)
print(f"start-up (imports, rules):       peak {peak():6.0f} MiB")
document = session.read(path)
text = document.text
print(f"read ({len(text):,} characters, a {sys.getsizeof(text) / 2**20:.0f} MiB string): "
      f"peak {peak():6.0f} MiB")
findings = session.check_document(document, settings)
print(f"checked ({len(findings):,} findings):    peak {peak():6.0f} MiB")
tracemalloc.start()
analysis = TextAnalysis(text, document.alignment)
for detector in checker.detectors_for(document.alignment):
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    found = list(detector.find(analysis))
    now, top = tracemalloc.get_traced_memory()
    print(f"  {type(detector).__name__:28} +{(top - before) / 2**20:6.1f} MiB at its peak, "
          f"+{(now - before) / 2**20:6.1f} MiB kept (the shared analysis, its findings)")
    del found
print(f"  all detectors: the analysis and findings hold {tracemalloc.get_traced_memory()[0] / 2**20:.0f} MiB "
      "beside the text")
"""


def command_peak(path: Path) -> float:
    """Peak resident MiB of the whole ``cleaner check --no-grammar --format json`` (``wait4``)."""
    command = [sys.executable, "-m", "cleaner", "check", "--no-grammar", "--format", "json", str(path)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", nargs="?", type=Path, help="a big file (default: 50 MiB of the corpus)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cleaner-memory-") as scratch:
        path = args.path
        if path is None:
            from speed import corpus_texts

            path, blob = Path(scratch) / "big.txt", "\n".join(corpus_texts())
            with open(path, "w", encoding="utf-8") as handle:
                while handle.tell() < 50 * MIB:
                    handle.write(blob)
        print(f"{path}: {path.stat().st_size / MIB:.0f} MiB")
        print(f"cleaner check --no-grammar --format json: peak {command_peak(path):.0f} MiB")
        subprocess.run([sys.executable, "-c", STAGES, str(path)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
