"""briefgen's own composer over libyaml (:mod:`briefgen.yamlcompose`), called directly with
small caps: what it accepts (YAML 1.2 scalars, anchors and aliases within the caps, the
line of every path) and what it refuses, each time with the line and a hint: tags, merge
keys, duplicate keys, keys that are lists or mappings, nesting, values, long numbers,
aliases that expand too far or name nothing, a second document.

(That it reads every file as the round-trip reader does is tests/test_yamlfile.py's.)"""

from __future__ import annotations

import math
from typing import Any

import pytest

from briefgen.errors import LocatedError
from briefgen.yamlcompose import Caps, Composer, resolve, to_float, to_int

CAPS = Caps(values=1000, depth=50, number_length=40)
NO_TAGS = "remove the tag: facts are plain text, numbers, dates, lists and mappings"
DUPLICATE = "each key may appear once in a mapping: remove or rename one of them"
FLAT = "facts are flat: a list of mappings of texts, dates and lists"
ANCHORS = "write the values out instead of repeating anchors"


def compose(text: str, caps: Caps = CAPS) -> tuple[Any, dict[tuple[Any, ...], int]]:
    return Composer(text, "facts/base.yaml", caps).compose()


def refused(text: str, caps: Caps = CAPS) -> tuple[int | None, str, str | None]:
    """The line, message and hint of the error composing ``text`` raises."""
    with pytest.raises(LocatedError) as caught:
        compose(text, caps)
    error = caught.value
    assert error.location.file == "facts/base.yaml"
    assert error.location.fact_id is None
    return error.location.line, error.message, error.hint


# -- What it accepts -------------------------------------------------------------------------


def test_plain_data_and_the_line_of_every_path() -> None:
    data, lines = compose("a: 1\nb:\n  c: [x, y]\n  d:\n    - e\n    - f: 2\n")
    assert data == {"a": 1, "b": {"c": ["x", "y"], "d": ["e", {"f": 2}]}}
    assert lines == {
        (): 1, ("a",): 1,
        ("b",): 3,  # a key's path has the line of its value
        ("b", "c"): 3, ("b", "c", 0): 3, ("b", "c", 1): 3,
        ("b", "d"): 5, ("b", "d", 0): 5,  # a list item's path the line of the item
        ("b", "d", 1): 6, ("b", "d", 1, "f"): 6,
    }


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n"])
def test_an_empty_document_is_none(text: str) -> None:
    assert compose(text) == (None, {})


def test_a_document_marker_and_end_are_fine() -> None:
    assert compose("---\na: 1\n...\n") == ({"a": 1}, {(): 2, ("a",): 2})


@pytest.mark.parametrize(("scalar", "value"), [
    ("yes", "yes"), ("NO", "NO"), ("on", "on"), ("y", "y"),  # YAML 1.1 booleans stay text
    ("true", True), ("False", False),
    ("0755", 755), ("0o17", 15), ("0x1F", 31), ("0b101", 5), ("1_000", 1000), ("-12", -12),
    ("1.5", 1.5), ("1e3", 1000.0), (".inf", math.inf), ("-.Inf", -math.inf),
    ("~", None), ("null", None), ("", None),
    ("2022-05-10", "2022-05-10"), ("2022-05", "2022-05"), ("2022", 2022),  # dates as written
    ('"12"', "12"), ("'true'", "true"), ('"~"', "~"),  # quoted: always text
    ("Morocco", "Morocco"), ("12 km", "12 km"),
])
def test_scalars_are_read_as_yaml_1_2(scalar: str, value: object) -> None:
    data, _ = compose(f"key: {scalar}\n")
    assert data["key"] == value
    assert type(data["key"]) is type(value)


def test_nan_is_a_float() -> None:
    data, _ = compose("key: .NaN\n")
    assert math.isnan(data["key"])


def test_a_yaml_directive_does_not_bring_back_yaml_1_1() -> None:
    assert compose("%YAML 1.1\n---\na: yes\nb: 0755\n")[0] == {"a": "yes", "b": 755}


def test_keys_are_text_as_the_round_trip_reader_names_them() -> None:
    data, lines = compose("1_000: a\ntrue: b\n2022-05-10: c\n~: d\n")
    assert data == {"1000": "a", "True": "b", "2022-05-10": "c", "None": "d"}
    assert lines[("1000",)] == 1 and lines[("None",)] == 4


def test_a_quoted_merge_key_is_an_ordinary_key() -> None:
    assert compose("'<<': x\n")[0] == {"<<": "x"}


def test_aliases_are_expanded_within_the_caps() -> None:
    data, lines = compose("base: &b {x: 1, y: [2, 3]}\nother: *b\nlist: [&k v, *k]\n")
    assert data == {"base": {"x": 1, "y": [2, 3]}, "other": {"x": 1, "y": [2, 3]},
                    "list": ["v", "v"]}
    assert lines[("other", "y", 1)] == 1  # where the anchor wrote it
    assert lines[("other",)] == 1  # the alias's own path too, as ruamel has it


def test_the_values_cap_counts_aliases_expanded() -> None:
    """Root, two keys, the list and its four items, and the alias's five: 13 values."""
    text = "a: &x [1, 2, 3, 4]\nb: *x\n"
    assert compose(text, Caps(values=13, depth=50, number_length=40))[0]["b"] == [1, 2, 3, 4]
    assert refused(text, Caps(values=12, depth=50, number_length=40)) == (
        2, "aliases expand to more than 12 values", ANCHORS)


# -- What it refuses -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "tag"), [
    ("a: 1\nb: !!str 12\n", 2, "tag:yaml.org,2002:str"),
    ("a: !custom x\n", 1, "!custom"),
    ("a:\n  b: !!map {c: 1}\n", 2, "tag:yaml.org,2002:map"),
    ("a: !!seq [1]\n", 1, "tag:yaml.org,2002:seq"),
    ("- !!binary aGk=\n", 1, "tag:yaml.org,2002:binary"),
    ("a: =\n", 1, "tag:yaml.org,2002:value"),  # what YAML 1.2 resolves '=' to
])
def test_tags_are_refused_with_their_line(text: str, line: int, tag: str) -> None:
    assert refused(text) == (line, f"YAML tag '{tag}' is not allowed", NO_TAGS)


def test_a_long_tag_is_quoted_as_a_short_excerpt() -> None:
    line, message, _ = refused("a: !!python/object/apply:os.system ['rm -rf /']\n")
    assert line == 1
    assert message == "YAML tag 'tag:yaml.org,2002:python/object/apply:os…' is not allowed"
    assert len(message.split("'")[1]) == 41  # 40 characters and the ellipsis


def test_merge_keys_are_refused() -> None:
    text = "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n"
    assert refused(text) == (3, "YAML tag 'tag:yaml.org,2002:merge' is not allowed", NO_TAGS)


@pytest.mark.parametrize(("text", "line", "key", "first"), [
    ("a: 1\nb: 2\na: 3\n", 3, "a", 1),
    ("a: 1\nb: {c: 1, c: 2}\n", 2, "c", 2),
    ("a:\n  x: [1]\n  y: 2\n  x: {b: 1}\n", 4, "x", 2),
    ("1: x\n0x1: y\n", 2, "1", 1),  # the same number
    ("1: x\n1.0: y\n", 2, "1.0", 1),  # named as written the second time
    ("~: x\nnull: y\n", 2, "None", 1),
    ("- {a: 1}\n- {b: 1, b: 1}\n", 2, "b", 2),
])
def test_a_duplicate_key_is_refused_with_both_lines(text: str, line: int, key: str,
                                                    first: int) -> None:
    assert refused(text) == (line, f'duplicate key "{key}" (first on line {first})', DUPLICATE)


def test_keys_that_differ_are_kept() -> None:
    assert compose("a: 1\nA: 2\n'a ': 3\n")[0] == {"a": 1, "A": 2, "a ": 3}


@pytest.mark.parametrize("text", ["1: x\n'1': y\n", "true: x\n'True': y\n"])
def test_two_keys_that_become_the_same_text_are_a_duplicate(text: str) -> None:
    line, message, _ = refused(text)
    assert line == 2 and message.startswith("duplicate key")


@pytest.mark.parametrize(("text", "line"), [
    ("? [a]\n: b\n", 1),
    ("? {a: 1}\n: b\n", 1),
    ("a: &x {b: 1}\n*x : c\n", 2),  # a mapping through an alias
])
def test_a_key_must_not_be_a_list_or_mapping(text: str, line: int) -> None:
    assert refused(text) == (line, "a key must be text, a number or a date, not a list or "
                             "mapping", "write the key as plain text")


def test_nesting_is_capped_counting_every_level() -> None:
    """The mapping, two lists and the number are four levels."""
    caps = Caps(values=1000, depth=4, number_length=40)
    assert compose("a: [[1]]\n", caps)[0] == {"a": [[1]]}
    assert refused("a: 1\nb: [[[1]]]\n", caps) == (
        2, "the YAML is nested more than 4 levels deep", FLAT)
    assert compose("a: [[[]]]\n", caps)[0] == {"a": [[[]]]}  # an empty list holds no level
    assert refused("a: [[[[]]]]\n", caps)[1] == "the YAML is nested more than 4 levels deep"


def test_nesting_through_aliases_is_capped() -> None:
    caps = Caps(values=1000, depth=50, number_length=40, expanded_depth=4)
    assert compose("a: &x [[1]]\nb: [*x]\n", caps)[0]["b"] == [[[1]]]
    assert refused("a: &x [[1]]\nb: [[*x]]\n", caps) == (
        2, "the YAML is nested too deeply (with its aliases expanded)", ANCHORS)


def test_the_values_cap_stops_at_the_value_that_passes_it() -> None:
    text = "".join(f"k{i}: v\n" for i in range(10))  # the root and 20 keys and values
    assert len(compose(text, Caps(values=21, depth=50, number_length=40))[0]) == 10
    assert refused(text, Caps(values=20, depth=50, number_length=40)) == (
        10, "the file holds more than 20 values; reading stopped here",
        "split it into several fact bases (one file each) and list them in the packs")


@pytest.mark.parametrize("number", ["123456", "1.2345", "-12345", "0x1FFF", "1_0000"])
def test_a_number_longer_than_the_cap_is_refused(number: str) -> None:
    caps = Caps(values=1000, depth=50, number_length=5)
    assert refused(f"a: 1\nb: {number}\n", caps) == (
        2, f"the number {number} is longer than 5 characters", "write a number of sensible size")


def test_long_text_is_not_a_long_number() -> None:
    caps = Caps(values=1000, depth=50, number_length=5)
    assert compose("a: '123456'\nb: abcdefgh\nc: 12345\n", caps)[0] == {
        "a": "123456", "b": "abcdefgh", "c": 12345}


@pytest.mark.parametrize("text", ["a: &x [1, *x]\n", "a: &x {b: *x}\n", "a: &x [[*x]]\n"])
def test_an_alias_inside_its_own_anchor_is_refused(text: str) -> None:
    assert refused(text) == (1, "aliases expand to more than 1000 values", ANCHORS)


def test_an_alias_must_follow_its_anchor() -> None:
    assert refused("a: 1\nb: *later\nc: &later 2\n") == (
        2, "the alias *later names no anchor before it",
        "define the anchor (&name) before using it, or write the value")


def test_a_second_document_is_refused() -> None:
    assert refused("a: 1\n---\nb: 2\n") == (
        2, "expected a single document in the stream but found another document",
        "a fact base or pack is one YAML document: remove the '---'")


@pytest.mark.parametrize("scalar", ["+_", "._", "0x_", "0b_"])
def test_what_resolves_as_a_number_but_is_none_is_refused(scalar: str) -> None:
    line, message, hint = refused(f"a: 1\nb: {scalar}\n")
    assert (line, message) == (2, f"'{scalar}' is not a number")
    assert hint == "write the number with digits, or quote it to make it text"


# -- The resolver and number readers ---------------------------------------------------------


@pytest.mark.parametrize(("value", "tag"), [
    ("", "null"), ("~", "null"), ("Null", "null"), ("nul", "str"),
    ("true", "bool"), ("TRUE", "bool"), ("tRue", "str"), ("yes", "str"), ("off", "str"),
    ("12", "int"), ("0o17", "int"), ("0x1f", "int"), ("1.5", "float"), (".inf", "float"),
    ("1e3", "float"), ("1.2.3", "str"),
    ("2022-05-10", "timestamp"), ("2001-12-14 21:59:43.10", "timestamp"), ("2022-05", "str"),
    ("<<", "merge"), ("=", "value"), ("Morocco", "str"), ("-", "str"),
])
def test_resolve_names_the_yaml_1_2_type(value: str, tag: str) -> None:
    assert resolve(value) == tag


@pytest.mark.parametrize(("text", "value"), [
    ("0755", 755), ("-0b101", -5), ("+0o17", 15), ("0x1F", 31), ("1_000", 1000), ("-12", -12),
])
def test_to_int_reads_as_ruamel_does(text: str, value: int) -> None:
    assert to_int(text) == value


@pytest.mark.parametrize(("text", "value"), [
    ("1_0.5", 10.5), ("1E3", 1000.0), ("-.Inf", -math.inf), ("+.inf", math.inf), (".5", 0.5),
])
def test_to_float_reads_as_ruamel_does(text: str, value: float) -> None:
    assert to_float(text) == value
