"""The per-run configuration lookup answers as the plain upward search does, from its caches.

``SettingsLookup`` looks for each folder's configuration file once per run (the speed issue: two
walks of about sixteen ``stat`` calls per checked file); the answers must not change.
"""

from __future__ import annotations

from pathlib import Path

from cleaner.config import SettingsLookup, find_config_file, load_config


def _tree(root: Path) -> list[Path]:
    (root / "a" / "b" / "c").mkdir(parents=True)
    (root / "d" / "e").mkdir(parents=True)
    (root / "cleaner.toml").write_text('select = ["punctuation"]\n')
    (root / "a" / "b" / "pyproject.toml").write_text("[tool.black]\n")  # no [tool.cleaner]: not a config
    (root / "a" / "b" / "c" / ".cleaner.toml").write_text('ignore = ["typography"]\n')
    (root / "d" / "pyproject.toml").write_text('[tool.cleaner]\nmin-severity = "error"\n')
    files = [
        root / "top.txt",
        root / "a" / "one.txt",
        root / "a" / "b" / "two.txt",
        root / "a" / "b" / "c" / "three.txt",
        root / "d" / "e" / "four.txt",
    ]
    for path in files:
        path.write_text("text\n")
    return files


def test_lookup_finds_the_same_file_as_find_config_file(tmp_path: Path) -> None:
    files = _tree(tmp_path)
    lookup = SettingsLookup({"fail_on": "error"})
    for path in [*files, *files, tmp_path / "a" / "b", tmp_path / "d"]:
        found = find_config_file(path)
        assert found is not None
        settings = lookup.settings(str(path))
        assert settings.root == load_config(found).root == found.parent
        assert settings.select == load_config(found).select
        assert settings.origin("fail-on") == "command line"


def test_files_of_one_folder_share_one_answer(tmp_path: Path) -> None:
    files = _tree(tmp_path)
    lookup = SettingsLookup()
    first = lookup.settings(str(files[3]))
    sibling = files[3].parent / "five.txt"
    sibling.write_text("text\n")
    assert lookup.settings(str(sibling)) is first
    assert lookup.settings(str(files[4])).min_severity.value == "error"


def test_a_walked_file_gets_the_same_settings_without_asking_whether_it_is_a_folder(
    tmp_path: Path, monkeypatch
) -> None:
    """``file_settings`` (for the files a folder walk found) answers as ``settings`` does, without the
    ``isdir`` call per file that ``settings`` needs for a path that may be a folder."""
    files = _tree(tmp_path)
    expected = [SettingsLookup().settings(str(path)) for path in files]
    relative = "top.txt"
    monkeypatch.chdir(tmp_path)
    expected_relative = SettingsLookup().settings(relative)
    asked: list[str] = []
    monkeypatch.setattr("os.path.isdir", lambda path: asked.append(path) or False)
    lookup = SettingsLookup()
    assert [lookup.file_settings(str(path)) for path in files] == expected
    assert lookup.file_settings(relative) == expected_relative
    assert asked == []
