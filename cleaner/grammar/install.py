"""Getting LanguageTool onto a machine: its jars from Maven Central, through the pom.xml shipped with
cleaner, into the cache folder. No zip from the web: only a package registry is needed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree

from cleaner.paths import cache_dir

_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}
_COMPLETE = "COMPLETE"


class SetupError(Exception):
    """LanguageTool could not be installed; the message says what to do."""


def pom_path() -> Path:
    return Path(str(resources.files("cleaner.grammar").joinpath("pom.xml")))


def languagetool_version() -> str:
    root = ElementTree.parse(pom_path()).getroot()
    version = root.find("m:properties/m:languagetool.version", _POM_NS)
    assert version is not None and version.text
    return version.text


@dataclass(frozen=True)
class Installation:
    """An installed LanguageTool: a folder of jars, complete when its marker file is there."""

    folder: Path
    version: str

    @property
    def lib(self) -> Path:
        return self.folder / "lib"

    @property
    def complete(self) -> bool:
        return (self.folder / _COMPLETE).is_file() and any(self.lib.glob("languagetool-server-*.jar"))

    @property
    def classpath(self) -> str:
        return str(self.lib / "*")


def installation() -> Installation:
    version = languagetool_version()
    return Installation(cache_dir() / "languagetool" / version, version)


def find_java() -> str | None:
    return shutil.which("java")


def setup(quiet: bool = True) -> Installation:
    """Fetch LanguageTool's server and English module with Maven; a no-op when already installed.

    The jars land in a temporary folder first and are moved into place whole, so an interrupted setup
    never leaves a half-installed engine that looks complete.
    """
    target = installation()
    if target.complete:
        return target
    maven = shutil.which("mvn")
    if maven is None:
        raise SetupError(
            "Maven (mvn) is needed to fetch LanguageTool from Maven Central: install it (e.g. "
            "`apt-get install maven`), or point cleaner at a LanguageTool server with --languagetool-url"
        )
    target.folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.folder.parent, prefix=".setup-") as scratch:
        staging = Path(scratch) / "install"
        command = [
            maven,
            "-B",
            *(["-q"] if quiet else []),
            "-f",
            str(pom_path()),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={staging / 'lib'}",
            "-Dmdep.includeScope=runtime",
        ]
        result = subprocess.run(command, capture_output=quiet, text=True, check=False)
        if result.returncode != 0:
            detail = (result.stdout or "")[-2000:] if quiet else ""
            raise SetupError(
                f"Maven could not fetch LanguageTool {target.version} (exit {result.returncode}).\n{detail}"
            )
        (staging / _COMPLETE).write_text(target.version + "\n", encoding="utf-8")
        if target.folder.exists():
            shutil.rmtree(target.folder)
        staging.rename(target.folder)
    return target
