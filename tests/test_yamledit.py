"""Round-trip YAML: a file written back unchanged byte for byte, and small edits that leave
everything else as it was (comments, blank lines, quoting, folding, indentation)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen import yamledit
from briefgen.yamledit import dump_roundtrip, guess_indent
from briefgen.yamlfile import parse_yaml
from tests.support.projects import MINIMAL_BASE, MINIMAL_PACK, REPO

STYLES = """\
# a comment at the top
id: styles   # end of line
when: 2022-05-10
month: 2022-05
answer: NO
quoted: 'single'
double: "double"
number: 0755
folded: >-
    a folded text that goes on
    over two lines
literal: |
    kept
    as is

block:
    nested:
        - one
        - {flow: map, with: [a, b]}
anchors:
    - &a {x: 1}
    - *a
"""


@pytest.mark.parametrize("text", [
    STYLES, MINIMAL_BASE, MINIMAL_PACK, STYLES.replace("\n", "\r\n"),
    f"\ufeff%YAML 1.2\n# before the start\n--- # the start\n# after it\n{STYLES}...\n# end\n",
    "---\na: 1\n", "\ufeffa: 1\n", "--- {a: 1}\n...\n", "\n\n# two blank lines\na: 1\n",
    *(path.read_text(encoding="utf-8") for path in sorted((REPO / "facts").glob("*.yaml"))),
    *(path.read_text(encoding="utf-8") for path in sorted((REPO / "packs").glob("*.yaml"))),
])
def test_an_unedited_file_is_written_back_byte_for_byte(text: str) -> None:
    document = parse_yaml(text, "file.yaml")
    assert dump_roundtrip(document.roundtrip, document.text) == text


def test_guess_indent() -> None:
    assert guess_indent((REPO / "facts/ma-coalition-daesh.yaml").read_text()) == (2, 4, 2)
    assert guess_indent("a:\n- x\nb:\n  c: 1\n") == (2, 2, 0)
    assert guess_indent(STYLES) == (4, 6, 4)


def test_a_key_goes_where_the_order_says_and_comments_stay_with_their_entry() -> None:
    text = textwrap.dedent("""\
        title:
          fr: Titre
          en: Title   # reviewed

        # the places
        place: {fr: Ici}
        facts: []
        """)
    document = parse_yaml(text, "file.yaml")
    yamledit.set_path(document.roundtrip, ("translated_from", "title", "en"), "abcdef12",
                      [["title", "translated_from", "place", "facts"], ["title"], ["en"]])
    assert dump_roundtrip(document.roundtrip, text) == textwrap.dedent("""\
        title:
          fr: Titre
          en: Title   # reviewed
        translated_from:
          title: {en: abcdef12}

        # the places
        place: {fr: Ici}
        facts: []
        """)


def test_a_text_replaced_in_a_folded_block_stays_folded_at_its_width() -> None:
    text = textwrap.dedent("""\
        text:
          fr: >-
            Un texte assez long pour être plié sur
            plusieurs lignes par qui l'a écrit.
          en: >-
            A text long enough to be folded over
            several lines by whoever wrote it.
        """)
    document = parse_yaml(text, "file.yaml")
    new = "A new English text, long enough to be folded over several lines once more."
    yamledit.set_text(document.roundtrip, ("text",), "en", new, ["fr", "en"])
    written = dump_roundtrip(document.roundtrip, text)
    assert written.split("  en: >-\n")[1] == (
        "    A new English text, long enough to\n"  # the English lines were 36 long at most
        "    be folded over several lines once\n"
        "    more.\n")
    assert parse_yaml(written, "file.yaml").data["text"]["en"] == new


def test_a_block_text_ending_with_a_line_break_stays_a_block_that_keeps_it() -> None:
    """``|`` and ``>`` (not ``|-``, ``>-``): the text ends with a line break, and so does the
    text written in its place; a short one stays in its block."""
    text = textwrap.dedent("""\
        literal:
          en: |
            One.
        folded:
          en: >
            A text folded
            over two lines.
        short:
          en: >
            Short, folded.
        """)
    document = parse_yaml(text, "file.yaml")
    new = {"literal": "Two.\n", "folded": "Another text, folded again.\n", "short": "Short.\n"}
    for key, value in new.items():
        yamledit.set_text(document.roundtrip, (key,), "en", value, ["en"])
    written = dump_roundtrip(document.roundtrip, text)
    assert written == textwrap.dedent("""\
        literal:
          en: |
            Two.
        folded:
          en: >
            Another text,
            folded again.
        short:
          en: >
            Short.
        """)
    assert parse_yaml(written, "file.yaml").data == {key: {"en": value}
                                                     for key, value in new.items()}


def test_a_short_text_in_a_folded_block_is_written_plain() -> None:
    text = "text:\n  fr: >-\n    Un texte plié\n    sur deux lignes.\n"
    document = parse_yaml(text, "file.yaml")
    yamledit.set_text(document.roundtrip, ("text",), "en", "Short.", ["fr", "en"])
    assert dump_roundtrip(document.roundtrip, text).endswith("  en: Short.\n")


@given(st.lists(st.text(alphabet="abcdéفي", min_size=1, max_size=15), min_size=1,
                max_size=40), st.integers(min_value=10, max_value=90))
def test_fold_positions(words: list[str], width: int) -> None:
    text = " ".join(words)
    positions = yamledit.fold_positions(text, width)
    assert all(text[p] == " " for p in positions)
    starts = [0, *(p + 1 for p in positions)]
    ends = [*positions, len(text)]
    for start, end in zip(starts, ends, strict=True):
        line = text[start:end]
        assert len(line) <= width or " " not in line  # only a single long word overflows
    for previous_end, start, end in zip(ends, starts[1:], ends[1:], strict=False):
        # greedy: the next line's first word did not fit on the line before
        first_word = text[start:end].split(" ")[0]
        line_start = starts[starts.index(start) - 1]
        assert previous_end - line_start + 1 + len(first_word) > width


def test_the_written_file_reads_back_to_the_same_data(tmp_path: Path) -> None:
    document = parse_yaml(STYLES, "file.yaml")
    written = dump_roundtrip(document.roundtrip, STYLES)
    assert parse_yaml(written, "file.yaml").data == document.data
    assert parse_yaml(written, "file.yaml").data["when"] == "2022-05-10"  # a date stays text


def test_append_keeps_what_followed_the_last_item_after_the_new_one() -> None:
    """`briefgen clear` appends a clearance entry: the blank line and comment that followed
    the last entry follow the new one, and the entry before keeps its own comment."""
    from ruamel.yaml.comments import CommentedMap

    text = ("a: 1\nclearance:\n  - name: X   # desk\n    date: 2026-11-19\n\n"
            "# the meeting\nmeeting: 2\n")
    document = parse_yaml(text, "pack.yaml")
    entry = CommentedMap()
    entry["name"], entry["date"] = "Y", "2026-11-20"
    yamledit.append(document.roundtrip["clearance"], entry)
    assert dump_roundtrip(document.roundtrip, text) == (
        "a: 1\nclearance:\n  - name: X   # desk\n    date: 2026-11-19\n  - name: Y\n"
        "    date: '2026-11-20'\n\n# the meeting\nmeeting: 2\n")
