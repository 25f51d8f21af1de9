"""Hostile files, links and folders (issue 14, points 1, 2, 4, 5, 7 and 18): no data loss, no write
outside the folder named, no hang, no traceback."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.repair.writer import WriteRefused, write_document
from cleaner.sources import SourceError, discover, read_document
from tests.conftest import REPO, run_cli

DAMAGED = "The talks ended. . Then it rained.\n"
REPAIRED = "The talks ended. Then it rained.\n"
NOBODY = 65534

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another owner needs root")


def fix(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    return run_cli("fix", "--no-grammar", "--no-cache", *args, cwd=cwd, env=env)


def check(*args: str, env: dict[str, str] | None = None):
    return run_cli("check", "--no-grammar", "--no-cache", *args, env=env)


def article(path: Path, text: str = DAMAGED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# 1. --backup


def test_backup_never_replaces_a_file_or_writes_through_a_link(tmp_path: Path) -> None:
    first = article(tmp_path / "a.txt")
    (tmp_path / "a.txt.orig").write_text("an older backup\n", encoding="utf-8")
    second = article(tmp_path / "b.txt")
    precious = tmp_path / "p.dat"
    precious.write_bytes(b"precious")
    (tmp_path / "b.txt.orig").symlink_to(precious)
    result = fix("--backup", str(first), str(second))
    assert result.returncode == 0, result.stderr
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8") == REPAIRED
    assert (tmp_path / "a.txt.orig").read_text(encoding="utf-8") == "an older backup\n"
    assert (tmp_path / "a.txt.orig.1").read_text(encoding="utf-8") == DAMAGED
    assert precious.read_bytes() == b"precious" and (tmp_path / "b.txt.orig").is_symlink()
    assert (tmp_path / "b.txt.orig.1").read_text(encoding="utf-8") == DAMAGED
    assert not (tmp_path / "b.txt.orig.1").is_symlink()


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


def test_backup_that_cannot_be_written_whole_leaves_nothing(tmp_path: Path) -> None:
    """A file-size limit stands in for a full disk: every write past 200 bytes fails."""
    text = DAMAGED + "A long enough article to pass the limit. " * 30 + "\n"
    target = article(tmp_path / "a.txt", text)
    result = subprocess.run(
        [sys.executable, "-m", "cleaner", "fix", "--no-grammar", "--no-cache", "--backup", str(target)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "NO_COLOR": "1"},
        preexec_fn=_limit_file_size,
        timeout=300,
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert target.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]  # no partial backup, no temporary


# 2. Links and folders


def test_walking_a_folder_never_follows_a_link_out_of_it(tmp_path: Path) -> None:
    outside = article(tmp_path / "outside" / "profile.txt")
    article(tmp_path / "outside" / "more" / "b.txt")
    inside = article(tmp_path / "repo" / "articles" / "a.txt")
    (tmp_path / "repo" / "articles" / "notes.txt").symlink_to("../../outside/profile.txt")
    (tmp_path / "repo" / "articles" / "more").symlink_to(tmp_path / "outside" / "more")
    result = fix(str(tmp_path / "repo"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert inside.read_text(encoding="utf-8") == REPAIRED
    assert outside.read_text(encoding="utf-8") == DAMAGED
    assert (tmp_path / "outside" / "more" / "b.txt").read_text(encoding="utf-8") == DAMAGED
    assert "notes.txt: symbolic link leading out of" in result.stderr
    assert "articles/more: symbolic link leading out of" in result.stderr
    named = fix(str(tmp_path / "repo" / "articles" / "notes.txt"))  # named: the user's call
    assert named.returncode == 0, named.stderr
    assert outside.read_text(encoding="utf-8") == REPAIRED
    assert (tmp_path / "repo" / "articles" / "notes.txt").is_symlink()


def test_a_link_to_a_sibling_folder_is_not_a_loop(tmp_path: Path) -> None:
    article(tmp_path / "tree" / "v2" / "a.txt")
    article(tmp_path / "tree" / ".versions" / "v3" / "b.txt")
    (tmp_path / "tree" / "sib").mkdir()
    (tmp_path / "tree" / "sib" / "current").symlink_to("../v2")  # found before the real v2
    (tmp_path / "tree" / "latest").symlink_to(".versions/v3")  # a folder only reachable by the link
    (tmp_path / "tree" / "v2" / "up").symlink_to("..")  # a real loop still ends, and is named
    items = list(discover([str(tmp_path / "tree")]))
    files = [i for i in items if isinstance(i, str)]
    errors = [i for i in items if isinstance(i, SourceError)]
    assert files == [str(tmp_path / "tree" / "v2" / "a.txt"), str(tmp_path / "tree" / "latest" / "b.txt")]
    assert [(e.path, "loop" in e.message) for e in errors] == [(str(tmp_path / "tree" / "v2" / "up"), True)]


@pytest.fixture
def deep_tree() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="cleaner-deep-"))
    deepest = root
    for _ in range(1100):  # Path.mkdir(parents=True) and os.makedirs recurse
        deepest = deepest / "d"
        deepest.mkdir()
    article(deepest / "a.txt")
    yield root
    for level in range(1100, -1, -1):  # shutil.rmtree recurses (RecursionError on Python 3.11)
        folder = root / Path(*["d"] * level) if level else root
        for child in folder.iterdir():
            if not child.is_dir():
                child.unlink()
        folder.rmdir()


def test_a_folder_tree_1100_levels_deep_is_walked(deep_tree: Path) -> None:
    result = check("--format", "json", str(deep_tree))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert '"rule": "punctuation.repeated-stop"' in result.stdout


# 4. Owner, group, mode, extended attributes, read-only files, hard links


@needs_root
def test_owner_group_and_mode_are_kept(tmp_path: Path) -> None:
    private = article(tmp_path / "private.txt")
    os.chown(private, NOBODY, NOBODY)
    os.chmod(private, 0o600)
    setuid = article(tmp_path / "setuid.txt")
    os.chown(setuid, NOBODY, NOBODY)
    os.chmod(setuid, 0o4755)
    result = fix(str(private), str(setuid))
    assert result.returncode == 0, result.stderr
    for path, mode in ((private, 0o600), (setuid, 0o4755)):
        info = path.stat()
        assert path.read_text(encoding="utf-8") == REPAIRED
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, NOBODY, mode)


@needs_root
def test_an_owner_that_cannot_be_kept_is_refused() -> None:
    """A real unprivileged user (nobody, in a forked child) may not give the rewrite root's ownership."""
    folder = Path(tempfile.mkdtemp(prefix="cleaner-owner-"))
    try:
        os.chmod(folder, 0o777)
        path = article(folder / "a.txt")
        os.chmod(path, 0o4666)  # writable by nobody; a rewrite by nobody would be setuid nobody
        document = read_document(str(path))
        reader, writer = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            os.close(reader)
            try:
                os.setgroups([])
                os.setresgid(NOBODY, NOBODY, NOBODY)
                os.setresuid(NOBODY, NOBODY, NOBODY)
                write_document(document, REPAIRED)
                message = "written"
            except WriteRefused as exc:
                message = f"refused: {exc}"
            except BaseException as exc:  # reported to the parent
                message = f"{type(exc).__name__}: {exc}"
            os.write(writer, message.encode())
            os._exit(0)
        os.close(writer)
        os.waitpid(child, 0)
        with os.fdopen(reader, "rb") as handle:
            message = handle.read().decode()
        assert message.startswith("refused: owned by root:root;"), message
        info = path.stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (0, 0, 0o4666)
        assert path.read_text(encoding="utf-8") == DAMAGED
        assert sorted(p.name for p in folder.iterdir()) == ["a.txt"]
    finally:
        shutil.rmtree(folder)


def test_user_extended_attributes_are_kept(tmp_path: Path) -> None:
    path = article(tmp_path / "a.txt")
    try:
        os.setxattr(path, "user.origin", b"wire service")
    except (AttributeError, OSError) as exc:
        pytest.skip(f"no user extended attributes here: {exc}")
    assert fix(str(path)).returncode == 0
    assert path.read_text(encoding="utf-8") == REPAIRED
    assert os.getxattr(path, "user.origin") == b"wire service"


def test_read_only_file_is_refused_unless_forced(tmp_path: Path) -> None:
    path = article(tmp_path / "a.txt")
    os.chmod(path, 0o444)
    refused = fix(str(path))
    assert refused.returncode == 2
    assert "is read-only (mode 0444); not written (use --force" in refused.stderr
    assert path.read_text(encoding="utf-8") == DAMAGED
    forced = fix("--force", str(path))
    assert forced.returncode == 0, forced.stderr
    assert path.read_text(encoding="utf-8") == REPAIRED
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_hard_linked_file_is_refused(tmp_path: Path) -> None:
    path = article(tmp_path / "a.txt")
    twin = tmp_path / "twin.txt"
    os.link(path, twin)
    result = fix(str(path))
    assert result.returncode == 2
    assert "has 2 hard links; not written" in result.stderr
    assert path.read_text(encoding="utf-8") == twin.read_text(encoding="utf-8") == DAMAGED
    assert os.path.samefile(path, twin)


# 5. Content, not size and mtime


def test_same_length_edit_with_restored_mtime_is_not_overwritten(tmp_path: Path) -> None:
    path = article(tmp_path / "a.txt")
    before = path.stat()
    document = read_document(str(path))
    edited = DAMAGED.replace("talks", "TALKS")
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # what `cp -p` or `rsync -t` do
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    with pytest.raises(WriteRefused, match="changed on disk"):
        write_document(document, REPAIRED)
    assert path.read_text(encoding="utf-8") == edited


# 7. Special files and size bound


def test_fifo_and_devices_are_not_read(tmp_path: Path) -> None:
    good = article(tmp_path / "articles" / "a.txt")
    os.mkfifo(tmp_path / "articles" / "pipe.txt")
    walked = check(str(tmp_path / "articles"))
    assert walked.returncode == 2
    assert "pipe.txt: a named pipe (FIFO), not a regular file; not checked" in walked.stderr
    assert f"{good}:1:17: punctuation.repeated-stop" in walked.stdout
    named = check(str(tmp_path / "articles" / "pipe.txt"), "/dev/zero")
    assert named.returncode == 2
    assert "/dev/zero: a character device, not a regular file; not checked" in named.stderr


def test_files_above_the_size_bound_are_refused(tmp_path: Path) -> None:
    small = article(tmp_path / "small.txt")
    large = article(tmp_path / "large.txt", DAMAGED * 100)
    result = check(str(small), str(large), env={"CLEANER_MAX_FILE_SIZE": "1K"})
    assert result.returncode == 2
    assert f"{large}: larger than 1 KiB; not checked" in result.stderr
    assert f"{small}:1:17: punctuation.repeated-stop" in result.stdout
    piped = run_cli(
        "fix", "--no-grammar", "-", stdin=(DAMAGED * 100).encode(), env={"CLEANER_MAX_FILE_SIZE": "1K"}
    )
    assert piped.returncode == 2 and "larger than 1 KiB" in piped.stderr and piped.stdout == ""
    wrong = check(str(small), env={"CLEANER_MAX_FILE_SIZE": "lots"})
    assert wrong.returncode == 2 and "CLEANER_MAX_FILE_SIZE='lots' is not a size" in wrong.stderr


def test_markup_and_data_files_are_refused_not_repaired_as_prose(tmp_path: Path) -> None:
    page = article(tmp_path / "page.html", '<p title="Done. . Now">Hi .</p><script>x = "a , b"</script>\n')
    data = article(tmp_path / "data.JSON", '{"note": "Done. . Now"}\n')
    before = page.read_bytes(), data.read_bytes()
    good = article(tmp_path / "a.txt")
    result = fix(str(page), str(data), str(good))
    assert result.returncode == 2
    assert f"{page}: HTML is not a format cleaner reads" in result.stderr
    assert f"{data}: JSON is not a format cleaner reads" in result.stderr
    assert (page.read_bytes(), data.read_bytes()) == before
    assert good.read_text(encoding="utf-8") == REPAIRED  # the readable file is still repaired


# 18. Empty files, UTF-16, BOM on stdin, leftover temporary files


def test_empty_file_is_checked_and_clean(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_cli("check", str(empty))  # with grammar, as the pre-commit hook runs it
    assert result.returncode == 0, result.stderr
    assert fix(str(empty)).returncode == 0
    assert empty.read_bytes() == b""


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_decoded_and_written_back_as_utf16(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(("\ufeff" + DAMAGED).encode(codec))
    found = check(str(path))
    assert found.returncode == 1 and f"{path}:1:17: punctuation.repeated-stop" in found.stdout
    assert fix(str(path)).returncode == 0
    assert path.read_bytes() == ("\ufeff" + REPAIRED).encode(codec)


def test_utf16_without_bom_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(DAMAGED.encode("utf-16-le"))
    result = check(str(path))
    assert result.returncode == 2 and "looks like UTF-16 without a byte-order mark" in result.stderr


def test_fix_on_stdin_keeps_the_bom() -> None:
    result = run_cli("fix", "--no-grammar", "-", stdin=("\ufeff" + DAMAGED).encode())
    assert result.stdout == "\ufeff" + REPAIRED


def test_stale_temporary_files_of_a_killed_fix_are_swept(tmp_path: Path) -> None:
    path = article(tmp_path / "a.txt")
    stale = tmp_path / ".a.txt.cleaner-k3j9x_0a.tmp"
    fresh = tmp_path / ".a.txt.cleaner-q8w7e6r5.tmp"  # perhaps another run writing right now
    others = [
        tmp_path / ".b.txt.cleaner-k3j9x_0a.tmp",  # another file's
        tmp_path / ".a.txt.k3j9x_0a.tmp",  # not our mark
        tmp_path / ".a.txt.cleaner-k3j9x_0a.tmp.keep",
    ]
    for leftover in (stale, fresh, *others):
        leftover.write_text("partial", encoding="utf-8")
    hour_ago = path.stat().st_mtime - 3600
    for old in (stale, *others):
        os.utime(old, (hour_ago, hour_ago))
    assert fix(str(path)).returncode == 0
    assert not stale.exists()
    assert fresh.exists() and all(p.exists() for p in others)
