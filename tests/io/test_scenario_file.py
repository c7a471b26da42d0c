"""Loading scenario files: good files load; each bad input gives one clear message naming the
file, line, field path and rule, and every problem of a file is reported at once."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from genofab.errors import Issue, ScenarioError
from genofab.io.scenario_file import load_scenario, parse_scenario
from genofab.io.yaml_source import MAX_BYTES
from tests.helpers import (
    dump_yaml,
    edit,
    load_only_problem,
    load_problems,
    scenario_examples,
    tiny_data,
)

Write = Callable[..., Path]


def problems(path: Path) -> list[Issue]:
    return load_problems(load_scenario, path)


def only_problem(path: Path) -> Issue:
    return load_only_problem(load_scenario, path)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_the_tiny_scenario_loads(write: Write) -> None:
    loaded = load_scenario(write(dump_yaml(tiny_data())))
    assert loaded.scenario.name == "tiny"
    assert len(loaded.sha256) == 64


@pytest.mark.parametrize("example", scenario_examples(), ids=lambda p: p.name)
def test_every_example_loads_and_every_number_has_a_source(example: Path) -> None:
    scenario = load_scenario(example).scenario
    unsourced = [path for path, parameter in scenario.parameters() if not parameter.source]
    assert unsourced == []


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        ("process.steps.2.step_yield", 1.4, "process.steps[2].step_yield", "1.4 is above 1"),
        ("process.steps.2.step_yield", -0.1, "process.steps[2].step_yield", "-0.1 is below 0"),
        (
            "process.steps.1.working_volume",
            "-10 L",
            "process.steps[1].working_volume",
            "is below 0",
        ),
        ("process.steps.1.working_volume", ".nan", "process.steps[1].working_volume", "finite"),
        ("process.steps.1.working_volume", "inf L", "process.steps[1].working_volume", "finite"),
        (
            "process.steps.1.working_volume",
            "10 kg",
            "process.steps[1].working_volume",
            "'10 kg' is a mass; expected a volume",
        ),
        ("process.steps.1.duration", "5 L", "process.steps[1].duration", "expected a duration"),
        (
            "process.steps.1.titer",
            "1e7 vg/mL",
            "process.steps[1].titer",
            "counts vg but the product is counted in TU",
        ),
        (
            "facility.operating_weeks_per_year",
            60,
            "facility.operating_weeks_per_year",
            "above 52.18",
        ),
        ("demand.cohort_patients", 12.5, "demand.cohort_patients", "not a whole number"),
        ("format", "genofab/2", "format", "'genofab/2' is not allowed"),
        (
            "product.modality",
            "lentivirus",
            "product.modality",
            "'lentivirus' is not allowed (did you mean 'lentiviral_vector'?)",
        ),
        (
            "process.steps.2.kind",
            "chromatografy",
            "process.steps[2].kind",
            "unknown kind 'chromatografy' (did you mean 'chromatography'?)",
        ),
        (
            "process.steps.2.room",
            "suit",
            "process.steps[2].room",
            "'suit' is not a room kind of the facility"
            " (it has: seed_lab, suite, fill_room, qc_lab); did you mean 'suite'?",
        ),
        ("process.steps.2.room", "Suite A", "process.steps[2].room", "not a valid name"),
        ("name", 42, "name", "expected text, got int 42"),
        (
            "product.dose.amount",
            "1e9 vg",
            "product.dose.amount",
            "'1e9 vg' counts vg but the product is counted in TU",
        ),
        ("process.steps.1.duration", ..., "process.steps[1].duration", "'duration' is required"),
        ("process.steps.2.kind", ..., "process.steps[2].kind", "'kind' is required"),
        ("process.steps", [], "process.steps", "at least 1 item"),
        ("facility.rooms.1.changeover", "-1 d", "facility.rooms[1].changeover", "is below 0"),
        ("facility.rooms.1.count", 0, "facility.rooms[1].count", "is below 1"),
        (
            "product.dose",
            {"rule": "fixed", "amount": "1e9 TU", "moi": 3},
            "product.dose",
            "unknown field 'moi'",
        ),
    ],
)
def test_a_bad_value_names_file_line_field_and_rule(
    write: Write, path: str, value: object, field: str, message: str
) -> None:
    data = edit(tiny_data(), path, value)
    text = dump_yaml(data)
    if value == ".nan":
        text = text.replace("'.nan'", ".nan")
    file = write(text)
    issue = only_problem(file)
    assert issue.path == field
    assert message in issue.message
    assert issue.line is not None and issue.column is not None
    rendered = ScenarioError([issue], str(file)).__str__()
    assert rendered.startswith(f"{file}:{issue.line}:{issue.column}: {field}: ")


def test_an_unknown_field_is_named_with_a_suggestion_at_its_line(write: Write) -> None:
    text = dump_yaml(edit(tiny_data(), "process.steps.2.step_yeild", 0.5))
    issue = only_problem(write(text))
    assert issue.path == "process.steps[2]"
    assert issue.message == "unknown field 'step_yeild' (did you mean 'step_yield'?)"
    assert issue.line == line_of(text, "step_yeild")


def test_millilitres_where_litres_are_expected_are_simply_converted(write: Write) -> None:
    data = edit(tiny_data(), "process.steps.1.working_volume", "10000 mL")
    scenario = load_scenario(write(dump_yaml(data))).scenario
    assert scenario.values()["process.steps[1].working_volume"] == pytest.approx(10.0)


def test_every_problem_of_a_file_is_reported_at_once(write: Write) -> None:
    data = tiny_data()
    data = edit(data, "process.steps.2.step_yield", 1.4)
    data = edit(data, "process.steps.1.working_volume", "10 kg")
    data = edit(data, "process.steps.3.room", "nowhere")
    data = edit(data, "product.colour", "blue")
    found = problems(write(dump_yaml(data)))
    assert [issue.path for issue in found] == [
        "product",
        "process.steps[1].working_volume",
        "process.steps[2].step_yield",
        "process.steps[3].room",
    ]
    lines = [issue.line for issue in found]
    assert lines == sorted(lines)


def test_duplicate_keys_are_refused(write: Write) -> None:
    text = dump_yaml(tiny_data()).replace(
        "    step_yield: 0.5\n", "    step_yield: 0.5\n    step_yield: 5.0\n"
    )
    issue = only_problem(write(text))
    assert "duplicate key" in issue.message and "step_yield" in issue.message
    assert issue.line == line_of(text, "step_yield: 5.0")


@pytest.mark.parametrize(
    "tagged",
    ["!!python/object/apply:os.system ['echo hacked']", "!!python/name:os.system", "!custom 3"],
)
def test_tags_are_refused_and_never_run(write: Write, tagged: str) -> None:
    text = dump_yaml(tiny_data()).replace("name: tiny\n", f"name: {tagged}\n")
    issue = only_problem(write(text))
    assert "not valid YAML" in issue.message and "tag" in issue.message
    assert issue.line == line_of(text, tagged)


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n"])
def test_an_empty_file_is_refused(write: Write, content: str) -> None:
    assert "the file is empty" in only_problem(write(content)).message


def test_a_file_over_10_mib_is_refused_before_it_is_read(write: Write) -> None:
    path = write(b"# " + b"x" * MAX_BYTES)
    assert "the limit is 10 MiB" in only_problem(path).message


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    assert "cannot read the file" in only_problem(tmp_path / "nope.yaml").message


def test_a_list_at_the_top_is_refused(write: Write) -> None:
    assert "a scenario is a mapping" in only_problem(write("- 1\n- 2\n")).message


def test_invalid_yaml_points_at_the_line(write: Write) -> None:
    issue = only_problem(write("format: genofab/1\nname: [unclosed\nproduct: {}\n"))
    assert "not valid YAML" in issue.message
    assert issue.line is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name: caf\xe9\n", "not valid UTF-8 at byte 9 ('\xe9' in Windows-1252 or Latin-1"),
        (b"\xff\xfen\x00a\x00", "the file is UTF-16: save it as UTF-8"),
        (b"name: " + b"9" * 5000 + b"\n", "a number has too many digits"),
        (b"name: x\x00\n", "NUL byte at offset 7"),
    ],
)
def test_bad_encodings_are_refused(write: Write, content: bytes, message: str) -> None:
    assert message in only_problem(write(content)).message


def test_a_utf8_bom_is_accepted(write: Write) -> None:
    path = write(b"\xef\xbb\xbf" + dump_yaml(tiny_data()).encode())
    assert load_scenario(path).scenario.name == "tiny"


def test_an_alias_bomb_is_refused(write: Write) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    issue = only_problem(write("\n".join(lines) + "\n"))
    assert "expands to more than" in issue.message


def test_yaml_12_reads_numbers_and_words_as_written(write: Write) -> None:
    data = edit(
        tiny_data(), "process.steps.1.titer", {"value": 1e7, "unit": "TU/mL", "source": "S12"}
    )
    text = dump_yaml(data).replace("10000000.0", "1e7")
    assert "1e7" in text
    scenario = load_scenario(write(text)).scenario
    assert scenario.values()["process.steps[1].titer"] == pytest.approx(1e10)
    text = dump_yaml(edit(tiny_data(), "name", "placeholder")).replace("placeholder", "NO")
    assert load_scenario(write(text)).scenario.name == "NO"


@pytest.mark.parametrize(
    ("path", "value", "where", "message"),
    [
        (
            "process.steps.1.kind",
            "tff",
            "process.steps",
            "needs exactly one production_bioreactor step, found 0",
        ),
        ("process.steps.4.kind", "tff", "process.steps", "needs exactly one fill step, found 0"),
        (
            "process.steps.2.name",
            "make",
            "process.steps[2].name",
            "repeats the name 'make' of steps[1]",
        ),
        (
            "facility.rooms.2.kind",
            "suite",
            "facility.rooms[2].kind",
            "repeats the kind 'suite' of rooms[1]",
        ),
    ],
)
def test_process_order_rules(
    write: Write, path: str, value: object, where: str, message: str
) -> None:
    data = edit(tiny_data(), path, value)
    if path.endswith("1.kind"):
        data = edit(edit(data, "process.steps.1.working_volume", ...), "process.steps.1.titer", ...)
    if path.endswith("4.kind"):
        data = edit(data, "process.steps.4.fill_volume", ...)
    if path.startswith("facility"):
        data = edit(data, "process.steps.4.room", "suite")  # no step left in the fill room
    text = dump_yaml(data)
    issue = only_problem(write(text))
    assert issue.path == where
    assert message in issue.message
    assert issue.line is not None


def test_a_processing_step_before_production_is_refused(write: Write) -> None:
    data = tiny_data()
    steps = data["process"]["steps"]
    steps.insert(0, steps.pop(2))
    issue = only_problem(write(dump_yaml(data)))
    assert issue.path == "process.steps[0]"
    assert "'capture' (chromatography) comes before the product is made" in issue.message


def test_scenario_errors_pickle(write: Write) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(dump_yaml(edit(tiny_data(), "process.steps.2.step_yield", 2))))
    copy = pickle.loads(pickle.dumps(caught.value))
    assert str(copy) == str(caught.value)


def test_text_can_be_validated_without_a_file() -> None:
    assert parse_scenario(dump_yaml(tiny_data()), "upload.yaml").path == "upload.yaml"
    with pytest.raises(
        ScenarioError, match=r"upload\.yaml:\d+:\d+: process\.steps\[2\]\.step_yield"
    ):
        parse_scenario(dump_yaml(edit(tiny_data(), "process.steps.2.step_yield", 3)), "upload.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: " + "[" * 70 + "]" * 70 + "\n", "nests deeper than 64 levels"),
        ("a: " + "[" * 500 + "]" * 500 + "\n", "nests deeper than 64 levels"),
        ("a: [" + ", ".join(["1"] * 30_000) + "]\n", "more than 20000 values"),
        ("b: &x {c: 1}\na:\n  <<: *x\n", "merge keys (<<) are not supported"),
        ("a: !!binary aGVsbG8=\n", "the tag 'tag:yaml.org,2002:binary' is not allowed"),
        ("a: !!set {x}\n", "the tag 'tag:yaml.org,2002:set' is not allowed"),
        ("a: !!omap [b: 1]\n", "the tag 'tag:yaml.org,2002:omap' is not allowed"),
    ],
)
def test_hostile_yaml_is_refused_quickly(write: Write, text: str, message: str) -> None:
    assert message in only_problem(write(text)).message
