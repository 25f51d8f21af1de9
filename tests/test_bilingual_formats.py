"""Bilingual files: each format's units read as a localisation library reads them, and repairs spliced
into the target's own characters with every other byte of the file unchanged."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.bilingual import open_document
from cleaner.bilingual.model import BilingualError, BilingualFile, Gap
from cleaner.bilingual.pairs import sibling_sources
from cleaner.bilingual.textdiff import map_offset, text_edits
from cleaner.config import SourceConfig
from cleaner.document import Document
from cleaner.findings import Applicability, Category, Finding, Fix, Severity
from cleaner.sources import UnreadableSource, read_document
from tests.conftest import FIXTURES

BILINGUAL = FIXTURES / "bilingual"
FILES = {
    "xliff-1.2": BILINGUAL / "energy.de-en.xlf",
    "xliff-2": BILINGUAL / "briefing.ja-en.xlf",
    "tmx": BILINGUAL / "memory.ru-en.tmx",
    "po": BILINGUAL / "newsroom.de-en.po",
    "tsv": BILINGUAL / "sirens.uk-en.tsv",
    "jsonl": BILINGUAL / "summit.zh-en.jsonl",
}


def container(path: Path) -> BilingualFile:
    document = open_document(str(path))
    assert document.container is not None
    return document.container


def toolkit_units(path: Path, kind: str) -> list[tuple[str, str]]:
    """(source, target) of every translated unit as translate-toolkit reads the file: the reference."""
    from translate.storage import factory, xliff2

    store = xliff2.Xliff2File.parsefile(str(path)) if kind == "xliff-2" else factory.getobject(str(path))
    units = []
    for unit in store.units:
        if unit.isheader() or getattr(unit, "obsolete", False) or not unit.target:
            continue
        if hasattr(unit, "xmlelement") and unit.xmlelement.get("translate") == "no":
            continue
        if unit.hasplural():
            sources = unit.source.strings  # msgid, msgid_plural: form n > 0 translates the plural
            forms = [(sources[min(n, len(sources) - 1)], form) for n, form in enumerate(unit.target.strings)]
        else:
            forms = [(str(unit.source), str(unit.target))]
        units += [(source, target) for source, target in forms if target]
    return units


@pytest.mark.parametrize("kind", ["xliff-1.2", "xliff-2", "tmx", "po"])
def test_units_read_as_translate_toolkit_reads_them(kind: str) -> None:
    ours = [(t.source, t.text) for t in container(FILES[kind]).targets]
    theirs = toolkit_units(FILES[kind], kind)
    if kind == "tmx":  # translate-toolkit renders a <ph>'s native code into the text; cleaner leaves it out
        theirs = [(re.sub(r"<br/>", "", s), re.sub(r"<br/>", "", t)) for s, t in theirs]
    if kind == "xliff-2":  # its XLIFF 2 reader collapses runs of spaces; cleaner must see them as written
        ours = [(s, re.sub(" +", " ", t)) for s, t in ours]
    assert ours == theirs


def test_tables_read_as_the_standard_readers_read_them() -> None:
    rows = [line.split("\t") for line in FILES["tsv"].read_text(encoding="utf-8").splitlines()[1:]]
    assert [(t.unit, t.source, t.text) for t in container(FILES["tsv"]).targets] == [
        (row[0], row[1], row[2]) for row in rows
    ]
    lines = [json.loads(line) for line in FILES["jsonl"].read_text(encoding="utf-8").splitlines()]
    assert [(t.unit, t.source, t.text) for t in container(FILES["jsonl"]).targets] == [
        (row["id"], row["source"], row["target"]) for row in lines
    ]


def test_units_are_named_as_their_files_name_them() -> None:
    names = {kind: [t.unit for t in container(path).targets] for kind, path in FILES.items()}
    assert names["xliff-1.2"] == ["t1", "t2", "t3", "t6"]  # t4 translate="no", t5 has no target
    assert names["xliff-2"] == ["u1", "u2/s1", "u2/s2", "u3"]  # u4 has no target
    assert names["tmx"] == ["talks-1", "tu2", "prices-3"]
    assert names["po"] == ["L22", "L27", "L32", "L40[0]", "L40[1]", "L47"]
    assert names["tsv"] == ["ua-1", "ua-2", "ua-3"]


def test_languages_come_from_the_file() -> None:
    assert (container(FILES["xliff-1.2"]).source_language, container(FILES["xliff-1.2"]).target_language) == (
        "de",
        "en",
    )
    assert container(FILES["xliff-2"]).source_language == "ja"
    assert container(FILES["tmx"]).source_language == "ru"
    assert container(FILES["po"]).source_language == "de"  # X-Source-Language; Language is the target's
    assert open_document(str(FILES["po"]), SourceConfig(language="de-AT")).alignment.source_language == (
        "de-AT"
    )


@pytest.mark.parametrize("kind", FILES)
def test_unchanged_text_writes_the_file_byte_for_byte(kind: str) -> None:
    document = open_document(str(FILES[kind]))
    assert document.encode(document.text) == FILES[kind].read_bytes()


@pytest.mark.parametrize("kind", FILES)
def test_alignment_segments_are_the_targets(kind: str) -> None:
    document = open_document(str(FILES[kind]))
    assert document.alignment is not None
    for segment, target in zip(document.alignment.segments, document.container.targets, strict=True):
        assert document.text[segment.start : segment.end] == target.text
        assert (segment.source, segment.unit) == (target.source, target.unit)


EDIT_TEXT = st.text(alphabet=st.sampled_from([*"ab .,&<>\"'\\é—日", "\u00a0"]), min_size=0, max_size=6)


@pytest.mark.parametrize("kind", FILES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_edit_inside_a_target_changes_only_that_target(kind: str, data: st.DataObject) -> None:
    """Any edit inside one target (escapes, entities, quotes included) reads back exactly as edited,
    and every character of the file outside that target's span is as it was."""
    document = open_document(str(FILES[kind]))
    file = document.container
    index = data.draw(st.integers(0, len(file.targets) - 1))
    target, offset = file.targets[index], file.starts[index]
    start = data.draw(st.integers(0, len(target.text)))
    end = data.draw(st.integers(start, min(len(target.text), start + 5)))
    replacement = data.draw(EDIT_TEXT)
    new = document.text[: offset + start] + replacement + document.text[offset + end :]
    markup = [offset + p.end for p in target.pieces[:-1] if p.gap_after is not Gap.JOIN]
    if any(s < m < e for s, e, _ in text_edits(document.text, new) for m in markup):
        with pytest.raises(BilingualError, match="inline markup"):
            file.splice(new)
        return
    spliced = file.splice(new)
    first, last = target.pieces[0].raw_start, target.pieces[-1].raw_end
    assert spliced[:first] == file.raw.text[:first]
    assert spliced[len(spliced) - (len(file.raw.text) - last) :] == file.raw.text[last:]
    again = file.parse(Document(file.raw.path, spliced, file.raw.bom, file.raw.encoding))
    assert again.text == new


def test_inline_markup_is_kept_and_never_crossed() -> None:
    document = open_document(str(FILES["xliff-2"]))
    file = document.container
    text = document.text
    inside = text.replace("official website..", "official website.")
    assert '<pc id="1">official website</pc>.</target>' in file.splice(inside)
    across = text.replace("the official", "the_official")  # the space before <pc> and "official" inside
    assert file.splice(across)  # a space before the tag and the word after it: each in its own piece
    with pytest.raises(BilingualError, match="inline markup"):
        file.splice(text.replace("the official", "XYZW"))  # one edit from before the tag to inside it


def test_an_edit_across_two_units_is_refused() -> None:
    document = open_document(str(FILES["tmx"]))
    joined = document.text.replace("crisis.\n\nThe talks", "crisis. The talks")
    with pytest.raises(BilingualError):
        document.container.splice(joined)


def test_repairs_that_cannot_be_written_are_withheld_and_placeholder_findings_dropped() -> None:
    document = open_document(str(FILES["xliff-2"]))
    file, text = document.container, document.text
    website = text.index("official website")
    crossing = Finding(
        "x.y",
        Category.PUNCTUATION,
        Severity.ERROR,
        "m",
        website - 4,
        website + 8,
        fixes=(Fix(website - 4, website + 8, ""),),
    )
    call = text.index("call ") + 4  # "call " then <ph/> then "."
    touching = Finding(
        "x.z", Category.PUNCTUATION, Severity.WARNING, "m", call, call + 1, fixes=(Fix(call, call + 1, ""),)
    )
    inside = Finding("x.w", Category.PUNCTUATION, Severity.ERROR, "m", 4, 14, fixes=(Fix(4, 14, "g"),))
    kept = file.confine([crossing, touching, inside], text)
    assert [(f.rule, len(f.fixes)) for f in kept] == [("x.y", 0), ("x.w", 1)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "a.xlf",
            '<xliff version="1.2"><file><body><trans-unit id="1"><target>x</body></xliff>',
            "not well-formed",
        ),
        ("a.xlf", "<html><body>x</body></html>", "not an XLIFF or TMX"),
        ("a.tsv", "src\ttgt\nEin\tOne\n", "no column 'source'"),
        ("a.tsv", "source\ttarget\nEin\tOne\textra\n", "line 2 has 3 cells"),
        ("a.jsonl", '{"source": "Ein", "target": "One"}\n[1, 2]\n', "line 2 is not one JSON object"),
        ("a.jsonl", '{"source": "Ein", "target": 1}\n', "must be strings"),
        ("a.po", 'msgid "a"\nmsgstr "b\n', "msgstr at line 1 reads differently"),
    ],
)
def test_unreadable_bilingual_files_are_refused_with_the_reason(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UnreadableSource) as caught:
        open_document(str(path))
    assert message in caught.value.error.message


def test_configured_columns(tmp_path: Path) -> None:
    path = tmp_path / "pairs.tsv"
    path.write_text("de\ten\nAm Montag.\tOn Tuesday.\n", encoding="utf-8")
    document = open_document(str(path), SourceConfig(source_column="de", target_column="en"))
    assert [(s.source, document.text[s.start : s.end], s.unit) for s in document.alignment.segments] == [
        ("Am Montag.", "On Tuesday.", "L2")
    ]


def test_xml_declared_in_a_legacy_encoding_gets_character_references(tmp_path: Path) -> None:
    path = tmp_path / "latin.xlf"
    path.write_text(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<xliff version="1.2"><file source-language="fr" '
        'target-language="en"><body><trans-unit id="1"><source>Caf</source><target>Cafe</target>'
        "</trans-unit></body></file></xliff>\n",
        encoding="ascii",
    )
    document = open_document(str(path))
    assert b"<target>Caf&#233;</target>" in document.encode("Café")


def test_utf16_xliff_is_written_back_in_utf16(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlf"
    original = FILES["xliff-1.2"].read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path.write_bytes(original.encode("utf-16"))
    document = open_document(str(path))
    assert document.encode(document.text) == path.read_bytes()
    repaired = document.encode(document.text.replace("hour .", "hour."))
    assert repaired.decode("utf-16") == original.replace("hour .", "hour.")


def test_text_edits_and_offsets() -> None:
    old = "One two.\n\nThree  four .\nFive"
    new = "One two.\n\nThree four.\nFive!"
    edits = text_edits(old, new)
    rebuilt, position = [], 0
    for start, end, replacement in edits:
        rebuilt += [old[position:start], replacement]
        position = end
    assert "".join(rebuilt) + old[position:] == new
    assert map_offset(edits, old.index("Five")) == new.index("Five")
    assert map_offset(edits, len(old)) == len(new)  # an insertion at the end belongs before the end
    assert map_offset(edits, len(old), before=True) == len(old) - 2


def test_document_positions_point_into_the_file() -> None:
    document = open_document(str(FILES["po"]))
    offset = document.text.index("Thursday")
    line, column = document.position(offset)
    assert read_document(str(FILES["po"])).line_text(line)[column - 1 :].startswith("Thursday")
    assert document.unit_at(offset) == ("L22", document.container.targets[0].text.index("Thursday"))


def test_a_target_with_cdata_is_checked_but_never_written_into(tmp_path: Path) -> None:
    path = tmp_path / "cdata.xlf"
    path.write_text(
        '<xliff version="1.2"><file source-language="de" target-language="en"><body>'
        '<trans-unit id="1"><source>Am Montag.</source>'
        "<target><![CDATA[On <b>Monday</b> .]]></target></trans-unit>"
        '<trans-unit id="2"><source>Am Dienstag.</source><target>On Tuesday .</target></trans-unit>'
        "</body></file></xliff>",
        encoding="utf-8",
    )
    document = open_document(str(path))
    assert document.text == "On <b>Monday</b> .\n\nOn Tuesday ."
    fix = Fix(16, 17, "", Applicability.SAFE)
    finding = Finding("p.q", Category.PUNCTUATION, Severity.WARNING, "m", 16, 17, fixes=(fix,))
    assert document.container.confine([finding], document.text)[0].fixes == ()
    with pytest.raises(BilingualError, match="CDATA"):
        document.container.splice(document.text.replace("</b> .", "</b>."))
    assert "<target>On Tuesday.</target>" in document.container.splice(
        document.text.replace("Tuesday .", "Tuesday.")
    )


def test_source_language_given_named_or_detected(tmp_path: Path) -> None:
    pair = BILINGUAL / "pair"
    named = open_document(str(pair / "report.txt"))  # report.de.txt beside it
    assert named.alignment.source_language == "de"
    source = tmp_path / "original.txt"
    source.write_text((pair / "report.de.txt").read_text(encoding="utf-8"), encoding="utf-8")
    detected = open_document(str(pair / "report.txt"), source=str(source))
    assert detected.alignment.source_language == "de"
    given = open_document(str(pair / "report.txt"), SourceConfig(language="de-CH"), str(source))
    assert given.alignment.source_language == "de-CH"
    assert [s.unit for s in given.alignment.segments] == ["p1", "p2", "p3"]


@pytest.mark.parametrize("kind", FILES)
def test_crlf_files_keep_their_line_endings(tmp_path: Path, kind: str) -> None:
    path = tmp_path / FILES[kind].name
    path.write_bytes(FILES[kind].read_bytes().replace(b"\n", b"\r\n"))
    document = open_document(str(path))
    assert document.encode(document.text) == path.read_bytes()
    first = document.container.targets[0].text
    repaired = document.encode(document.text.replace(first, first[:-1] + "!", 1))
    assert repaired.count(b"\r\n") == path.read_bytes().count(b"\r\n")
    assert open_document_bytes(tmp_path, path.name, repaired).container.targets[0].text == first[:-1] + "!"


def open_document_bytes(folder: Path, name: str, data: bytes) -> Document:
    again = folder / "again" / name
    again.parent.mkdir(exist_ok=True)
    again.write_bytes(data)
    return open_document(str(again))


def test_unit_ids_repeated_across_files_are_named_with_their_file(tmp_path: Path) -> None:
    path = tmp_path / "two.xlf"
    unit = '<unit id="u1"><segment><source>Am Montag.</source><target>{}</target></segment></unit>'
    path.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="de" trgLang="en">'
        f'<file id="a">{unit.format("On Monday.")}</file>'
        f'<file id="b">{unit.format("On Tuesday.")}</file></xliff>',
        encoding="utf-8",
    )
    assert [t.unit for t in container(path).targets] == ["a/u1", "b/u1"]


def test_a_repair_between_units_is_withheld() -> None:
    document = open_document(str(FILES["tsv"]))
    gap = len(document.container.targets[0].text)  # the blank line after the first target
    joining = Finding(
        "p.j", Category.PUNCTUATION, Severity.ERROR, "m", gap, gap + 2, fixes=(Fix(gap, gap + 2, " "),)
    )
    assert document.container.confine([joining], document.text)[0].fixes == ()


@settings(max_examples=200, deadline=None)
@given(old=st.text(alphabet="ab \n.", max_size=60), new=st.text(alphabet="ab \n.", max_size=60))
def test_text_edits_rebuild_the_new_text(old: str, new: str) -> None:
    edits = text_edits(old, new)
    assert all(a[1] <= b[0] for a, b in pairwise(edits))  # sorted and disjoint
    rebuilt, position = [], 0
    for start, end, replacement in edits:
        rebuilt += [old[position:start], replacement]
        position = end
    assert "".join(rebuilt) + old[position:] == new


def test_source_is_refused_for_a_file_that_holds_its_sources() -> None:
    with pytest.raises(UnreadableSource, match="holds its own sources"):
        open_document(str(FILES["po"]), source=str(FILES["tsv"]))


def test_a_source_added_beside_an_article_is_seen_though_the_folder_was_listed_before(tmp_path: Path) -> None:
    """The folder listing is kept between articles of one folder, and read again when the folder changes."""
    (tmp_path / "article.txt").write_text("The talks resumed on Monday.\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("Delegates met again.\n", encoding="utf-8")
    assert sibling_sources(str(tmp_path / "article.txt")) == []
    (tmp_path / "article.de.txt").write_text(
        "Die Gespräche wurden am Montag fortgesetzt.\n", encoding="utf-8"
    )
    (tmp_path / "article.old.txt").write_text("An older draft.\n", encoding="utf-8")
    assert sibling_sources(str(tmp_path / "article.txt")) == [(str(tmp_path / "article.de.txt"), "de")]
    assert sibling_sources(str(tmp_path / "other.txt")) == []
