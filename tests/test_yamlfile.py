"""The two YAML readers agree: libyaml's (loading) and ruamel's (editing), value for value
and line for line, and both keep every guarantee (YAML 1.2, no duplicate keys, no tags,
caps on values, aliases and nesting)."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest
from benchmarks.synthetic import base_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from briefgen.errors import LocatedError
from briefgen.yamlfile import Limits, YamlDocument, parse_data, parse_yaml
from tests.support.projects import MINIMAL_BASE, MINIMAL_PACK, REPO


def typed(value: Any) -> Any:
    """``value`` with every scalar's type made part of it (``1``, ``1.0`` and ``True``
    differ), NaN comparable."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    return (type(value).__name__, value)


def without_empty_values(document: YamlDocument) -> dict[Any, int]:
    """The lines of every path but those of empty values, which ruamel puts on the next
    token's line and libyaml on their key's."""
    empty = set()

    def walk(data: Any, path: tuple[Any, ...]) -> None:
        if data is None:
            empty.add(path)
        items = data.items() if isinstance(data, dict) else enumerate(
            data if isinstance(data, list) else [])
        for key, item in items:
            walk(item, (*path, key))

    walk(document.data, ())
    return {path: line for path, line in document.lines.items() if path not in empty}


def both(text: str) -> tuple[Any, Any]:
    """What each reader makes of ``text``: its document, or its error's line."""
    results = []
    for parse in (parse_data, parse_yaml):
        try:
            results.append(parse(text, "f.yaml"))
        except LocatedError as error:
            results.append(("error", error.location.line))
    return results[0], results[1]


def assert_same(text: str) -> None:
    """Both readers read ``text`` the same, or both refuse it. (Tags are left out: the
    loading reader refuses all of them, the editing one only reads files that loaded.)"""
    if "!" in text:
        return
    fast, roundtrip = both(text)
    if isinstance(fast, tuple) or isinstance(roundtrip, tuple):
        assert isinstance(fast, tuple) and isinstance(roundtrip, tuple), (text, fast, roundtrip)
        return
    assert typed(fast.data) == typed(roundtrip.data), text
    assert without_empty_values(fast) == without_empty_values(roundtrip), text


def project_files() -> list[Path]:
    return sorted([*REPO.glob("facts/*.yaml"), *REPO.glob("packs/*.yaml"),
                   *REPO.glob("templates/grammar/*.yaml")])


@pytest.mark.parametrize("path", project_files(), ids=lambda path: path.name)
def test_the_readers_agree_on_the_shipped_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast, roundtrip = parse_data(text, path.name), parse_yaml(text, path.name)
    assert fast.data == roundtrip.data
    assert fast.lines == roundtrip.lines


def test_the_readers_agree_on_fixtures_and_a_synthetic_base() -> None:
    for text in (MINIMAL_BASE, MINIMAL_PACK, base_text(3, 60)):
        assert_same(text)
        assert parse_data(text, "f").lines == parse_yaml(text, "f").lines


SCALARS = [
    "NO", "yes", "On", "off", "y", "true", "True", "TRUE", "tRue", "false", "null", "Null",
    "NULL", "~", "", "0755", "0o17", "0x1F", "0b101", "1_000", "-12", "+12", "1.5", "1.",
    ".5", "-.5", "1e3", "1E3", "1.5e+3", "1_0.5", ".inf", "-.Inf", "+.INF", ".nan", ".NaN",
    "2022-05-10", "2022-05", "2022", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10",
    "12:30", "1:20:30", "a: b", "'quoted'", '"12"', "'true'", "0x", "+", "-", ".",
    "Morocco", "n", "N", "=", "<<", "!", "&a x", "*a", "'x' # comment", "x #y", "|-\n  text",
    ">-\n  folded\n  text", '"a\\tb"', '"\\u00e9"', '"\\/"', "[a, b]", "{a: 1}", "[]", "{}",
    "- a\n- b", "null x", "1 2", "0.5.1", "1e", "0b2", "0o8", "0xG", "--1",
]


@pytest.mark.parametrize("scalar", SCALARS)
def test_the_readers_agree_on_every_kind_of_scalar(scalar: str) -> None:
    assert_same(f"key: {scalar}\n")
    assert_same(f"- {scalar}\n- x\n")
    assert_same(f"{{k: {scalar}}}\n" if "\n" not in scalar else "k: 1\n")


@pytest.mark.parametrize("key", ["1", "1_000", "0x1F", "1.50", "1e3", "true", "~", "2022-05-10",
                                 "0755", "'quoted'", '"two words"', "é"])
def test_the_readers_agree_on_keys(key: str) -> None:
    assert_same(f"{key}: value\nother: 1\n")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="0123456789_-+.:eExXoObB aAfFnNtTlLuU~=<'\"#", max_size=12))
def test_the_readers_agree_on_any_plain_scalar(scalar: str) -> None:
    assert_same(f"key: {scalar}\nnext: 1\n")


def yaml_values() -> st.SearchStrategy[Any]:
    keys = st.text(alphabet="abcdefghijk-_é 19", min_size=1, max_size=6)
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                        st.floats(allow_nan=False, allow_infinity=True, width=32),
                        st.text(max_size=40).filter(lambda t: not _forbidden(t)))
    return st.recursive(scalars, lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
        max_leaves=30)


def _forbidden(text: str) -> bool:
    return any((ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0
               or 0xD800 <= ord(c) < 0xE000 or ord(c) in (0xFFFE, 0xFFFF, 0xFEFF,
                                                           0x2028, 0x2029, 0x85)
               for c in text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_values(), st.sampled_from([None, True, False]), st.integers(2, 6))
def test_the_readers_agree_on_any_document(value: Any, flow: bool | None,
                                           indent: int) -> None:
    yaml = YAML(typ="rt", pure=True)
    yaml.default_flow_style = flow
    yaml.indent(mapping=indent, sequence=indent + 2, offset=indent)
    yaml.width = 60
    from io import StringIO

    buffer = StringIO()
    yaml.dump({"root": value, "after": [1, "two"]}, buffer)
    assert_same(buffer.getvalue())


# -- The guarantees, on the loading reader --------------------------------------------------


def error_of(text: str, limits: Limits | None = None) -> LocatedError:
    with pytest.raises(LocatedError) as caught:
        parse_data(text, "f.yaml", limits or Limits())
    return caught.value


@pytest.mark.parametrize(("text", "line"), [
    ("a: 1\nb: 2\na: 3\n", 3),
    ("1: x\n1.0: y\n", 2),  # the same key as values
    ("true: x\nTrue: y\n", 2),
    ("k: {a: 1, 'a': 2}\n", 1),
])
def test_a_duplicate_key_is_an_error(text: str, line: int) -> None:
    error = error_of(text)
    assert "duplicate key" in error.message
    assert error.location.line == line


def test_keys_that_differ_as_values_are_not_duplicates() -> None:
    assert parse_data("1: x\n'1b': y\n", "f").data == {"1": "x", "1b": "y"}


@pytest.mark.parametrize("text", [
    "a: !!python/object:os.system x\n", "a: !!str 12\n", "a: !!int '12'\n", "a: ! 12\n",
    "a: !custom {b: 1}\n", "a: !!set {b: 1}\n", "- !!binary aGk=\n", "a: =\n", "<<: {b: 1}\n",
    "%TAG !e! tag:yaml.org,2002:\n---\na: !e!str x\n",
])
def test_no_tag_of_any_kind(text: str) -> None:
    assert "is not allowed" in error_of(text).message
    if text != "a: ! 12\n":  # ruamel reads a bare `!` as no tag
        with pytest.raises(LocatedError, match="is not allowed"):
            parse_yaml(text, "f.yaml")


def test_the_loading_reader_reads_yaml_12_syntax_that_libyaml_does_not() -> None:
    assert parse_data("a: [:0, b]\n", "f").data == {"a": [":0", "b"]}


def test_yaml_12_whatever_the_directive_says() -> None:
    assert parse_data("%YAML 1.1\n---\na: yes\nb: 0755\n", "f").data == {"a": "yes", "b": 755}


def test_an_alias_bomb_stops_at_the_alias_that_passes_the_cap() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 12)]
    started = time.process_time()
    error = error_of("\n".join(lines) + "\n")
    assert "aliases expand to more than 1000000 values" in error.message
    assert error.location.line == 6
    assert time.process_time() - started < 5  # a bound on runaway work, not a benchmark


def test_aliases_keep_the_lines_of_their_anchor() -> None:
    document = parse_data("base: &b\n  x: 1\n  y: [2, 3]\nother: *b\n", "f")
    assert document.data["other"] == {"x": 1, "y": [2, 3]}
    assert document.lines[("other",)] == 1  # the anchor's line, as ruamel has it
    assert document.lines[("other", "y", 1)] == 3


@pytest.mark.parametrize("text", ["a: &x [1, *x]\n", "a: &x {b: *x}\n"])
def test_an_alias_inside_its_own_anchor_is_refused(text: str) -> None:
    assert "aliases expand" in error_of(text).message


def test_hostile_nesting_is_refused_at_the_cap() -> None:
    for text in ("a: " + "[" * 100_000 + "\n", "a:\n" + "".join(
            " " * i + "- \n" for i in range(0, 200, 2)), "x: " + "{a: " * 60 + "1" + "}" * 60):
        assert "nested more than 50 levels deep" in error_of(text).message
    deepest = "a: " + "[" * 48 + "1" + "]" * 48 + "\n"  # 50 levels, the mapping's and 1's too
    assert parse_data(deepest, "f").data == parse_yaml(deepest, "f").data
    assert "nested more than 50" in error_of(deepest.replace("[", "[[", 1) + "]").message


def test_a_nest_of_aliases_is_refused() -> None:
    lines = ["a0: &a0 " + "[" * 40 + "1" + "]" * 40]
    lines += [f"a{i}: &a{i} " + "[" * 40 + f"*a{i - 1}" + "]" * 40 for i in range(1, 4)]
    assert "nested too deeply" in error_of("\n".join(lines) + "\n").message


def test_the_values_cap_counts_every_key_and_value() -> None:
    text = "".join(f"k{i}: v\n" for i in range(600))
    assert parse_data(text, "f", Limits(values=1201)).data["k599"] == "v"
    error = error_of(text, Limits(values=1200))
    assert error.message == "the file holds more than 1200 values; reading stopped here"
    assert error.location.line == 600


def test_a_long_number_is_refused_before_it_is_read() -> None:
    assert "longer than 40 characters" in error_of("a: " + "7" * 5000 + "\n").message
    assert parse_data("a: '" + "7" * 5000 + "'\n", "f").data["a"] == "7" * 5000


@pytest.mark.parametrize(("text", "message"), [
    ("a: 1\n---\nb: 2\n", "expected a single document"),
    ("a: [1\n", ""),
    ("a: *nowhere\n", "names no anchor"),
    ("? [a]\n: b\n", "a key must be text"),
    ("a: +_\n", "'+_' is not a number"),
    ("a: ._\n", "'._' is not a number"),  # ruamel's reader stopped on a ValueError
])
def test_other_errors_are_located(text: str, message: str) -> None:
    error = error_of(text)
    assert message in error.message
    assert error.location.line is not None and error.location.file == "f.yaml"


def test_an_empty_value_is_on_its_keys_line() -> None:
    assert parse_data("a:\n\n\nb: 1\n", "f").lines[("a",)] == 1
