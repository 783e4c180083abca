"""Data-file validation (README: The data file and its rules): one small broken file per
failure mode, hostile files, the JSON Schema, and a fuzz test that every input ends as a
dataset or a clean error."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handover.errors import DataFileError
from handover.library import load, parse
from handover.models import _check_url, json_schema
from handover.reading import MAX_BYTES

from .conftest import ROOT, SHIPPED, as_an_editor_reads

BROKEN = Path(__file__).parent / "broken"

# Every problem each file has, as LINE:COL: message, in the order they are reported.
EXPECTED = {
    "syntax.yaml": [
        "10:9: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence started at line 9)"
    ],
    "top-level-list.yaml": [
        "1:1: the top level must be a mapping with the keys schema, agreement and handovers, "
        "not a list"
    ],
    "unknown-key.yaml": [
        "8:5: missing required key 'deadline'",
        "12:5: unknown key 'deadlne'; did you mean 'deadline'?",
        "13:5: unknown key 'agred'; did you mean 'agreed'?",
    ],
    "missing-keys.yaml": ["8:5: missing required key 'name'"],
    "wrong-types.yaml": [
        "6:12: parties: expected a list, got 'North and South'",
        "9:11: name: expected text, got the number 42",
        "10:14: aliases: expected a list, got 'Hill'",
        "14:16: revisions: expected a list, got a mapping",
    ],
    "bad-dates.yaml": [
        "12:13: agreed: expected a date as YYYY-MM-DD, got the number 1614556800",
        "13:15: deadline: '2021-02-30' is not a real date",
        "14:16: completed: expected a date (YYYY-MM-DD) without a time, got '2021-03-09 10:00:00'",
    ],
    "duplicate-id.yaml": ["13:9: duplicate id 'hill' (first at line 8)"],
    "name-collision.yaml": [
        "15:11: name or alias 'hill district' is already used by another handover "
        "(first at line 9)",
        "16:23: name or alias 'kelbecer' is already used by another handover (first at line 10)",
    ],
    "parties.yaml": [
        "10:11: 'Nort' is not one of the agreement's parties (North, South)",
        "16:9: 'from' and 'to' are the same party",
    ],
    "revisions.yaml": [
        "18:20: revisions are out of order: announced 2021-03-06, after one announced 2021-03-08",
        "21:20: announced 2021-03-01, before the handover was agreed (2021-03-02)",
        "21:20: revisions are out of order: announced 2021-03-01, after one announced 2021-03-08",
        "22:19: deadline 2021-02-20 is before the handover was agreed (2021-03-02)",
    ],
    "before-agreed.yaml": [
        "12:15: deadline 2021-02-10 is before the handover was agreed (2021-03-01)",
        "13:16: completed 2021-02-28 is before the handover was agreed (2021-03-01)",
    ],
    "sources.yaml": [
        "6:13: timezone: unknown time zone 'Asia/Bakuu' (expected an IANA name such as Asia/Baku)",
        "9:7: sources: a source needs at least a publisher or a url",
        "11:12: url: expected an http(s) URL, got 'ftp://example.org/file'",
    ],
    "schema-version.yaml": [
        "1:9: unsupported schema: 4; this version reads schemas 1, 2 and 3",
        "3:7: id: 'Accord One' is not a slug (lowercase letters, digits, hyphens)",
        "4:10: title: must not be empty",
        "6:12: parties: needs at least 2 parties, got 1",
    ],
    "duplicate-key.yaml": ["13:5: duplicate key 'deadline'"],
    "python-tag.yaml": [
        "2:12: YAML tags are not allowed here (could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system')"
    ],
}


def test_every_file_in_the_corpus_has_expectations() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_reports_every_problem_at_its_line(name: str) -> None:
    path = BROKEN / name
    with pytest.raises(DataFileError) as caught:
        load(path)
    assert list(caught.value.lines) == [f"{path}:{line}" for line in EXPECTED[name]]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_command_through_the_installed_command(run: Callable[..., Any], name: str) -> None:
    path = BROKEN / name
    started = time.perf_counter()
    result = run("validate", str(path))
    assert time.perf_counter() - started < 30  # generous: the point is that it ends
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"{path}:{line}" for line in EXPECTED[name]]


def test_validate_a_good_file_prints_a_summary(run: Callable[..., Any]) -> None:
    result = run("validate", str(SHIPPED))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"{SHIPPED}: valid: agreement nk-2020-trilateral, 3 handovers, 4 events, 29 sources"
    )


def test_validate_without_a_file_checks_the_chosen_data(
    invoke: Callable[..., Any], tmp_path: Path
) -> None:
    bad = BROKEN / "duplicate-id.yaml"
    assert invoke("validate").exit_code == 0
    result = invoke("--data", str(bad), "validate")
    assert result.exit_code == 1
    assert result.stderr == f"{bad}:13:9: duplicate id 'hill' (first at line 8)\n"


def test_every_command_validates_first(invoke: Callable[..., Any]) -> None:
    bad = str(BROKEN / "parties.yaml")
    for args in (["status"], ["upcoming"], ["delays"], ["show", "hill"], ["export"]):
        result = invoke("--data", bad, *args, "--date", "2021-03-02")
        assert result.exit_code == 1, args
        assert "'Nort' is not one of the agreement's parties" in result.stderr
        assert result.stdout == ""


# --- hostile files --------------------------------------------------------------------------


def _bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


HOSTILE: dict[str, tuple[bytes, str]] = {
    "not-utf8": ("name: H\xfcgel\n".encode("latin-1"), "1:8: the file is not UTF-8 text"),
    "empty": (b"", "1:1: the file is empty"),
    "billion-laughs": (_bomb().encode(), "YAML aliases expand to more than 10000 extra values"),
    "bomb-in-a-handover": (
        (
            b"schema: 1\nhandovers:\n  - id: x\n    aliases: &a [x, x, x, x, x, x, x, x, x, x]\n"
            b"    notes: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            b"    sources: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            b"    revisions: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        ),
        "YAML aliases expand to more than",
    ),
    "recursive-alias": (b"a: &a [*a]\n", "a YAML alias refers to itself"),
    "deep-flow": (b"a: " + b"[" * 100_000 + b"]" * 100_000, "exceeded maximum nesting depth"),
    "deep-block": (
        (
            "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 2000)) + "  " * 2000 + "1\n"
        ).encode(),
        "exceeded maximum nesting depth",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_ends_in_a_clear_error(tmp_path: Path, name: str) -> None:
    data, words = HOSTILE[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(data)
    started = time.perf_counter()
    with pytest.raises(DataFileError) as caught:
        load(path)
    assert time.perf_counter() - started < 5  # fast, not a hang (about 0.01 s here)
    assert words in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_file_over_64_mib_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no disk used
    with pytest.raises(DataFileError, match="data files are limited to 64 MiB"):
        load(path)


def test_hostile_files_through_the_installed_command(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb())
    result = run("--data", str(path), "status")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


# --- JSON Schema ----------------------------------------------------------------------------


def test_committed_schema_matches_the_models() -> None:
    committed = json.loads((ROOT / "data" / "handover.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run: handover schema > data/handover.schema.json"


def test_schema_command_prints_the_schema(invoke: Callable[..., Any]) -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema()


def test_shipped_data_names_the_schema_and_satisfies_it() -> None:
    import jsonschema

    text = SHIPPED.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=handover.schema.json"
    # Editors read YAML 1.2, where dates are strings: load it the same way.
    data = yaml.load(text, Loader=yaml.BaseLoader)
    data = json.loads(json.dumps(data))
    data["schema"] = 1  # BaseLoader leaves every scalar a string; schema is the one integer
    jsonschema.validate(data, json_schema())
    broken = {**data, "handovers": [{**data["handovers"][0], "deadlne": "2020-11-15"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json_schema())


# --- fuzzing: every input is a dataset or a clean error -------------------------------------

SHIPPED_LINES = SHIPPED.read_text(encoding="utf-8").splitlines(keepends=True)


_PLACED = re.compile(r"fuzz\.yaml(?::(\d+):(\d+))?: (\S.*)")


def _outcome(text: str) -> None:
    """A dataset, or a DataFileError whose every line is `fuzz.yaml[:LINE:COL]: message`,
    with a line and column inside the text (or one past its end), and a message."""
    try:
        parse(text, "fuzz.yaml")
    except DataFileError as exc:
        assert exc.lines
        lines = re.split(r"\r\n|[\n\r\x85\u2028\u2029]", text)  # YAML's line breaks
        for line in exc.lines:
            placed = _PLACED.fullmatch(line)
            assert placed, line
            if placed.group(1):
                at, col = int(placed.group(1)), int(placed.group(2))
                assert 1 <= at <= len(lines) + 1, line
                assert 1 <= col <= max(len(lines[at - 1]) if at <= len(lines) else 0, 0) + 2, line


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_mutated_shipped_file_is_valid_or_a_clean_error(data: st.DataObject) -> None:
    lines = list(SHIPPED_LINES)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "char", "indent", "swap"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = "  " + lines[i]
        elif action == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif lines[i]:
            j = data.draw(st.integers(0, len(lines[i]) - 1))
            char = data.draw(st.sampled_from(list(":-[]{}&*!|>'\"#%@`,? 0aZé\t")))
            lines[i] = lines[i][:j] + char + lines[i][j + 1 :]
        if not lines:
            break
    _outcome("".join(lines))


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.dates().map(str),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "schema",
                    "agreement",
                    "handovers",
                    "id",
                    "name",
                    "from",
                    "to",
                    "deadline",
                    "signed",
                    "parties",
                    "revisions",
                    "announced",
                    "sources",
                    "url",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(yaml_values)
def test_random_yaml_is_valid_or_a_clean_error(value: object) -> None:
    _outcome(yaml.safe_dump(value, allow_unicode=True))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_text_is_valid_or_a_clean_error(text: str) -> None:
    _outcome(text)


@pytest.mark.parametrize("char,code", [("\x00", "0000"), ("\x08", "0008"), ("\x1b", "001B")])
def test_a_control_character_is_named_at_its_line_and_column(char: str, code: str) -> None:
    text = f"schema: 1\nagreement:\n  id: a{char}b\n"
    with pytest.raises(DataFileError) as caught:
        parse(text, "ctl.yaml")
    assert caught.value.lines == (
        f"ctl.yaml:3:8: the file contains the control character U+{code}, "
        "which YAML does not allow; remove it",
    )


def test_a_control_character_after_wide_characters_is_placed_by_character() -> None:
    with pytest.raises(DataFileError) as caught:
        parse("name: Kəlbəcər 𐀀\x00\n", "wide.yaml")
    assert caught.value.lines[0].startswith("wide.yaml:1:17: ")


@pytest.mark.parametrize("day", ["9999-12-31", "0999-12-31"])
def test_dates_outside_the_years_1000_to_8999_are_refused(day: str) -> None:
    data = SHIPPED.read_text(encoding="utf-8").replace(
        "    deadline: 2020-12-01", f"    deadline: {day}"
    )
    with pytest.raises(DataFileError) as caught:
        parse(data, "far.yaml")
    (line,) = caught.value.lines
    assert line.endswith(f"deadline: {day!r} is outside the years 1000 to 8999")


def test_full_width_digits_are_not_called_an_impossible_date() -> None:
    data = SHIPPED.read_text(encoding="utf-8").replace(
        "    deadline: 2020-12-01", "    deadline: ２０２０-１２-０１"
    )
    with pytest.raises(DataFileError) as caught:
        parse(data, "wide.yaml")
    (line,) = caught.value.lines
    assert line.endswith("deadline: expected a date as YYYY-MM-DD, got '２０２０-１２-０１'")


@pytest.mark.parametrize(
    "path", sorted((ROOT / "data" / "agreements").glob("*.yaml")), ids=lambda p: p.name
)
def test_every_bundled_agreement_names_the_schema_and_satisfies_it(path: Path) -> None:
    import jsonschema

    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../handover.schema.json"
    jsonschema.validate(as_an_editor_reads(text), json_schema())
    assert parse(text, str(path)).schema_ == 3  # the whole library is on schema 3


def test_the_bundled_nk_file_satisfies_the_schema_an_editor_reads() -> None:
    import jsonschema

    text = SHIPPED.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=handover.schema.json"
    jsonschema.validate(as_an_editor_reads(text), json_schema())
    assert parse(text, str(SHIPPED)).schema_ == 3


url_parts = st.sampled_from(
    [
        "http",
        "https",
        "HTTP",
        "ftp",
        "://",
        ":",
        "//",
        "/",
        "?",
        "#",
        "[",
        "]",
        "@",
        " ",
        "\t",
        "a",
        "example.org",
        "-",
        ".",
        ":80",
        ":99999",
        "x y",
        "é",
        "%20",
        "\x00",
        "\x7f",
        "\n",
        "\r",
        "\x1b",
        "\u0085",
        "\u00a0",
        "",
    ]
)


@settings(max_examples=500)
@given(st.lists(url_parts, max_size=7).map("".join))
@example("https://example.org/a?b#c")
@example("http://a:99999/ b")
@example("HTTPS://example.org")
@example("https://example.org/a\tb")
@example("https://exa\nmple.org/")
@example("https://example.org/\x1b[31m")
def test_url_rule_is_the_urlsplit_rule(text: str) -> None:
    """models._check_url recognises plain URLs by a pattern before asking urlsplit; it must
    accept exactly what the documented rule (urlsplit: http or https, a host; no white space
    and no control character, which urlsplit would silently drop) accepts. The rule is
    written out here with urlsplit as the oracle."""
    try:
        parts = urlsplit(text)
        unsafe = any(c.isspace() or unicodedata.category(c) == "Cc" for c in text)
        expected = parts.scheme in ("http", "https") and bool(parts.netloc) and not unsafe
    except ValueError:
        expected = False
    try:
        _check_url(text)
        accepted = True
    except ValueError:
        accepted = False
    assert accepted == expected
