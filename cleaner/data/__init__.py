"""Word lists the detectors read (package data, so they ship in the wheel), and the one YAML reader
for them and for rule files.

Every run reads the same rule files and word lists; parsing them (and importing PyYAML) was a tenth of
a one-article run. Parsed documents are therefore kept in the user cache folder, addressed by the
SHA-256 of their text: an edited rule file or word list is simply a new address, so the cache never
needs invalidating, and a cache that cannot be read or written is only a slower run.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import pickle
import tempfile
from functools import cache
from importlib import resources
from typing import Any

from cleaner import __version__
from cleaner.paths import cache_dir


class YamlError(ValueError):
    """A document that is not valid YAML; the message is PyYAML's."""


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` (with libyaml where PyYAML has it) that refuses a key given twice in one
    mapping, cached by content; raises ``YamlError``.

    YAML forbids duplicate keys, but PyYAML keeps the last silently: a rule with two ``where`` tests on
    one group, or two ``message`` lines, would lose one without a word."""
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    cache = _cached()
    if key not in cache.parsed:
        import yaml  # only a document not parsed before needs the parser

        try:
            data = yaml.load(text, Loader=_strict_loader())
        except yaml.YAMLError as exc:
            raise YamlError(str(exc)) from exc
        cache.add(key, pickle.dumps(data))
    cache.used.add(key)
    return pickle.loads(cache.parsed[key])  # a fresh copy each time: callers may change what they get


@cache
def _strict_loader() -> Any:
    """PyYAML's safe loader (libyaml's where there is one) whose mappings refuse a duplicate key."""
    import yaml
    from yaml.constructor import ConstructorError

    class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"found the key {key!r} twice",
                        key_node.start_mark,
                    )
                seen.add(key)
            return super().construct_mapping(node, deep)

    return StrictLoader


def read_yaml(name: str) -> Any:
    """A YAML file of this package."""
    return load_yaml(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


KEPT = 400
"""Documents the cache file holds at most: every one this process used, then the most recently saved
of the others (another project's rules, which a run of this one must not evict), so that documents of
edited or removed files do not pile up. Cleaner's own rules and word lists are about 50."""


class _ParsedCache:
    """The cache file's documents, and which of them this process used (written back last, as the most
    recent)."""

    def __init__(self, parsed: dict[bytes, bytes]) -> None:
        self.parsed = parsed
        self.used: set[bytes] = set()
        self.changed = False

    def add(self, key: bytes, data: bytes) -> None:
        if not self.changed:
            atexit.register(self.save)  # once, at exit: a run parses its rules at start-up, together
            self.changed = True
        self.parsed[key] = data

    def save(self) -> None:
        """Write atomically (a reader sees the old file or the new one); a folder that cannot be written
        only means the next run parses again."""
        try:
            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".parsed-yaml-")
            try:
                others = [(k, v) for k, v in self.parsed.items() if k not in self.used]
                used = [(k, v) for k, v in self.parsed.items() if k in self.used]
                with os.fdopen(descriptor, "wb") as handle:
                    pickle.dump(dict([*others, *used][-KEPT:]), handle)
                os.replace(temporary, _cache_file())
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass


def _cache_file() -> str:
    return os.path.join(cache_dir(), f"parsed-yaml-{__version__}.pickle")


@cache
def _cached() -> _ParsedCache:
    try:
        with open(_cache_file(), "rb") as handle:
            parsed = pickle.load(handle)
    except Exception:  # missing, unreadable or damaged: every document is parsed afresh
        parsed = {}
    return _ParsedCache(parsed if isinstance(parsed, dict) else {})
