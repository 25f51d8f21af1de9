"""The adapter over language-tool-python: one client for one server, answers as RawMatch lists, and
every failure of the library or the network as one exception type.

Imported only when a paragraph is not in the cache: language-tool-python brings an HTTP stack whose
import costs more than a cached run takes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import language_tool_python
import requests
from language_tool_python.exceptions import LanguageToolError

from cleaner.grammar.annotation import annotation
from cleaner.grammar.errors import ClientError
from cleaner.grammar.mapping import RawMatch, raw_match

if TYPE_CHECKING:
    from cleaner.grammar.engine import GrammarSettings

REQUEST_TIMEOUT = 60
"""Seconds one paragraph may take; language-tool-python's own default is five minutes."""


class Client:
    def __init__(self, url: str, settings: GrammarSettings) -> None:
        try:
            self._tool = language_tool_python.LanguageTool(settings.language, remote_server=url)
        except (LanguageToolError, requests.RequestException, OSError, ValueError) as exc:
            raise ClientError(str(exc)) from exc
        self._tool._TIMEOUT = REQUEST_TIMEOUT  # the library has no public option for it
        self._tool.disabled_rules = set(settings.disabled_rules)
        self._tool.disabled_categories = set(settings.disabled_categories)
        self._tool.enabled_rules = set(settings.enabled_rules)

    def check(self, paragraph: str, markup: list[tuple[int, int]] | None = None) -> list[RawMatch]:
        """LanguageTool's matches; with ``markup``, the paragraph goes as annotated text (offsets still
        into the whole paragraph), which language-tool-python cannot send, so it is posted directly."""
        if markup:
            return self._check_annotated(paragraph, markup)
        try:
            matches = self._tool.check(paragraph)
        except (LanguageToolError, requests.RequestException, OSError) as exc:
            raise ClientError(str(exc)) from exc
        return [
            raw_match(
                paragraph,
                _utf16_offset(paragraph, m.offset),
                m.error_length,
                m.rule_id,
                m.category,
                m.rule_issue_type,
                m.message,
                list(m.replacements),
            )
            for m in matches
        ]

    def _check_annotated(self, paragraph: str, markup: list[tuple[int, int]]) -> list[RawMatch]:
        params = self._tool._create_params("")  # the library's own language and rule parameters
        params.pop("text", None)
        params["data"] = json.dumps({"annotation": annotation(paragraph, markup)}, ensure_ascii=False)
        try:
            response = requests.post(self._tool.url + "check", data=params, timeout=REQUEST_TIMEOUT)
            response.raise_for_status()
            matches = response.json()["matches"]
        except (requests.RequestException, OSError, ValueError, KeyError) as exc:
            raise ClientError(str(exc)) from exc
        return [
            raw_match(
                paragraph,
                m["offset"],
                m["length"],
                m["rule"]["id"],
                m["rule"]["category"]["id"],
                m["rule"].get("issueType", ""),
                m["message"],
                [r["value"] for r in m["replacements"]],
            )
            for m in matches
        ]


def _utf16_offset(text: str, code_point_offset: int) -> int:
    """language-tool-python turns match offsets into code points but leaves lengths in UTF-16 units;
    go back to UTF-16 for the start so that start and length are in the same units."""
    return code_point_offset + sum(1 for char in text[:code_point_offset] if ord(char) > 0xFFFF)
