"""Word lists the detectors read (package data, so they ship in the wheel), and the one YAML reader
for them and for rule files."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (the wheels are): the same documents, parsed
about seven times faster than by the pure-Python one, which matters when every run reads every rule."""


def load_yaml(text: str) -> Any:
    """``yaml.safe_load``, with libyaml when it is there; raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=_LOADER)


def read_yaml(name: str) -> Any:
    """A YAML file of this package."""
    return load_yaml(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
