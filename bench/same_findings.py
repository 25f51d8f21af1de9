"""Whether two checkouts of cleaner report the same findings: a speed change must change no finding.

Runs ``cleaner check --no-grammar --format json`` of this checkout and of ``--baseline`` (another
checkout, e.g. ``git worktree add ../base <commit>``; run with this interpreter and
``PYTHONPATH``) on the same files and compares the JSON reports finding by finding.

    python bench/same_findings.py --baseline ../base            # the bench corpus, 10x
    python bench/same_findings.py --baseline ../base some/folder
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import corpus_texts, write_corpus  # a sibling script, not a package


def report(checkout: Path | None, paths: list[str]) -> dict:
    env = {**os.environ, "NO_COLOR": "1"}
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
    command = [sys.executable, "-m", "cleaner", "check", "--no-grammar", "--format", "json", *paths]
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), check=False
    )
    if result.returncode not in (0, 1):
        raise SystemExit(
            f"{checkout or 'this checkout'} failed ({result.returncode}): {result.stderr[-500:]}"
        )
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("paths", nargs="*", help="files or folders (default: the bench corpus, ten times)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cleaner-same-") as scratch:
        paths = args.paths or [str(write_corpus(Path(scratch), corpus_texts(), 10))]
        ours, theirs = report(None, paths), report(args.baseline.resolve(), paths)
    files = len(ours["files"])
    findings = sum(len(f["findings"]) for f in ours["files"])
    if ours == theirs:
        print(f"identical: {files} files, {findings} findings, {len(ours['errors'])} errors")
        return 0
    theirs_by_path = {f["path"]: f["findings"] for f in theirs["files"]}
    for file in ours["files"]:
        if theirs_by_path.get(file["path"]) != file["findings"]:
            print(f"differs: {file['path']}")
    print(f"DIFFERENT reports ({files} files; {findings} findings here)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
