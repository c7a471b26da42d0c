"""Bad values that used to get through, or got through with a poor message, through the real
command: each is refused with exit status 2 and a message naming the file, line, field and
rule (issue 9: units, numbers, dates, characters, tabs, step order)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genofab.views.cli import app
from tests.helpers import EXAMPLES, dump_yaml, edit, tiny_data
from tests.schedule_plans import benchmark_data

runner = CliRunner()
Write = Callable[..., Path]


def refused(args: list[str], *expected: str) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.stderr, result.stderr
    return result.stderr


def tiny_text(*changes: tuple[str, object]) -> str:
    data = tiny_data()
    for path, value in changes:
        data = edit(data, path, value)
    return dump_yaml(data)


@pytest.mark.parametrize(
    ("written", "reading"),
    [
        ("5 dd", "deci-day"),
        ("5 da", "deci-year"),
        ("5 cd", "centi-day"),
        ("2 dwk", "deci-week"),
        ("5 kmin", "kilo-minute"),
        ("90 ms", "milli-second"),
    ],
)
def test_a_prefix_on_a_time_unit_is_refused(write: Write, written: str, reading: str) -> None:
    file = write(tiny_text(("process.steps.2.duration", written)))
    refused(
        ["run", str(file)],
        f"{file}:25:5: process.steps[2].duration:",
        f"reads as {reading}",
        "time units take no prefix",
    )


@pytest.mark.parametrize("written", ["1 min", "60 s", "2 h", "1 d", "1 wk", "0.01 yr", "3 day"])
def test_time_units_without_prefix_are_read(write: Write, written: str) -> None:
    result = runner.invoke(
        app, ["validate", str(write(tiny_text(("process.steps.2.duration", written))))]
    )
    assert result.exit_code == 0, result.output  # '1 min' is the documented minimum, exactly


def test_a_bare_number_given_on_the_command_line_reads_as_in_the_file(write: Write) -> None:
    file = write(tiny_text())
    result = runner.invoke(
        app,
        [
            "sweep",
            str(file),
            "--set",
            "facility.operating_weeks_per_year=45",
            "-n",
            "10",
            "--format",
            "json",
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"facility.operating_weeks_per_year": 45.0' in result.stdout.replace("\n      ", " ")


@pytest.mark.parametrize(
    ("path", "raw", "line", "rule"),
    [
        ("process.steps.1.titer", "0x10", 21, "not a decimal number"),
        ("demand.cohort_patients", "1" + "0" * 4999, 59, "a number has too many digits"),
        ("product.name", '"test\\u200bvector"', 4, "U+200B (ZERO WIDTH SPACE)"),
        ("product.name", '"test\\x85vector"', 4, "U+0085"),
        ("product.name", '"red\\x1b[31mtext"', 4, "U+001B"),
        ("product.dose.amount", "1e9 GC", 9, "did you mean 'gc'?"),
        ("process.steps.1.duration", "30/06/2027", 19, "looks like a date"),
    ],
    ids=["hex", "5000 digits", "zero width", "C1", "escape", "unit case", "date"],
)
def test_bad_values_are_named_with_line_and_field(
    write: Write, path: str, raw: str, line: int, rule: str
) -> None:
    file = write(tiny_text((path, "RAW-VALUE")).replace("RAW-VALUE", raw))
    parts = path.split(".")
    field = ".".join(f"[{part}]" if part.isdigit() else part for part in parts).replace(".[", "[")
    message = refused(["validate", str(file)], f"{file}:{line}:", f"{field}:", rule)
    assert "0" * 100 not in message  # a long number is not echoed whole


def test_an_impossible_date_in_a_plan_is_named(write: Write) -> None:
    data = benchmark_data()
    data["demands"][0]["due"] = "DATE"
    file = write(dump_yaml(data).replace("DATE", "2024-02-30"), "plan.yaml")
    refused(
        ["validate", str(file)], f"{file}:30:8: demands[0].due:", "'2024-02-30' is not a valid date"
    )


def test_a_date_written_the_european_way_is_diagnosed_as_a_date(write: Write) -> None:
    data = benchmark_data()
    data["start"] = "2027-01-04"
    data["demands"][0]["due"] = "30/06/2027"
    file = write(dump_yaml(data), "plan.yaml")
    refused(["validate", str(file)], "demands[0].due", "looks like a date", "YYYY-MM-DD")


@pytest.mark.parametrize("line", ["\tname: y\n", "  name: y\n\t\n  unit: TU\n", " \tunit: TU\n"])
def test_tabs_are_named_as_tabs(write: Write, line: str) -> None:
    file = write("format: genofab/1\nname: x\nproduct:\n  name: y\n" + line)
    refused(["validate", str(file)], "a tab character where YAML needs spaces")


def test_a_plan_given_to_run_says_to_schedule_it() -> None:
    plan = EXAMPLES / "schedule-4-suites.yaml"
    message = refused(["run", str(plan)], "this is a plan (genofab-plan/1)", "genofab schedule")
    assert message.count("\n") == 1  # one problem, not a field error for each scenario section


def test_sterile_filtration_after_the_fill_is_refused(write: Write) -> None:
    data = tiny_data()
    steps = data["process"]["steps"]
    steps.append(
        {
            "name": "filter",
            "kind": "sterile_filtration",
            "room": "fill_room",
            "duration": "1 d",
            "step_yield": "95 %",
        }
    )
    file = write(dump_yaml(data))
    refused(["validate", str(file)], "process.steps[6].kind", "comes after the fill")
