"""Bad outlook files: every problem named with its line and field; nothing is computed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from genofab.io.outlook_file import load_outlook
from tests.engines.demand.test_outlook_run import tiny_outlook, write_outlook
from tests.helpers import load_only_problem, load_problems


def problems_for(tmp_path: Path, change: Any) -> list[str]:
    outlook = tiny_outlook()
    change(outlook)
    issues = load_problems(load_outlook, write_outlook(tmp_path, outlook))
    assert all(issue.line is not None for issue in issues)
    return [f"{issue.path}: {issue.message}" for issue in issues]


def test_the_tiny_outlook_is_valid(tmp_path: Path) -> None:
    loaded = load_outlook(write_outlook(tmp_path, tiny_outlook()))
    assert [s.name for s in loaded.scenarios["p"]] == ["tiny"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda o: o["products"][0].update(indications=["dd"]),
            "products[0].indications[0]: 'dd' is not an indication of the outlook"
            " (did you mean 'd'?)",
        ),
        (
            lambda o: o["products"][0].update(stages=[{"scenario": "../tiny.yaml"}]),
            "products[0].stages[0].scenario: '../tiny.yaml' climbs outside the folder",
        ),
        (
            lambda o: o["products"][0].update(stages=[{"scenario": "/etc/passwd"}]),
            "products[0].stages[0].scenario: '/etc/passwd' is an absolute path",
        ),
        (
            lambda o: o["products"][0].update(stages=[{"scenario": "missing.yaml"}]),
            "products[0].stages[0].scenario: 'missing.yaml':",
        ),
        (
            lambda o: o.pop("waiting_penalty"),
            "waiting_penalty: objective 'cost' needs a waiting_penalty",
        ),
        (lambda o: o.update(years=61), "years: Input should be less than or equal to 60"),
        (
            lambda o: o.update(start_year=1800),
            "start_year: Input should be greater than or equal to 1990",
        ),
        (
            lambda o: o.update(cases=[{"name": "a", "products": ["x"]}]),
            "cases[0].products[0]: 'x' is not a product of the outlook",
        ),
        (
            lambda o: o.update(build_plan=[{"candidate": "nope", "year": 2030}]),
            "build_plan[0].candidate: 'nope' is not a candidate",
        ),
        (
            lambda o: o["resources"][0].update(existing="1e9"),
            "resources[0].existing: '1e9' (1e+09) is outside the plausible range",
        ),
        (
            lambda o: o["indications"][0].update(eligible_share=1.5),
            "indications[0].eligible_share: 1.5 is above 1",
        ),
    ],
)
def test_bad_outlooks_are_refused_at_their_field(
    tmp_path: Path, change: Any, expected: str
) -> None:
    found = problems_for(tmp_path, change)
    assert any(problem.startswith(expected) for problem in found), found


def test_a_cdmo_with_capital_and_a_ramp_longer_than_life(tmp_path: Path) -> None:
    outlook = tiny_outlook()
    outlook["candidates"] = [
        {"name": "rent", "type": "cdmo", "adds": {"suite": 1}, "capital": "1 MEUR"},
        {
            "name": "slow",
            "type": "suite",
            "adds": {"suitex": 1},
            "ramp_up": "20 yr",
            "lifetime": "10 yr",
        },
    ]
    found = {issue.path for issue in load_problems(load_outlook, write_outlook(tmp_path, outlook))}
    assert found == {"candidates[0].capital", "candidates[1].ramp_up", "candidates[1].adds.suitex"}


def test_a_stage_that_is_not_a_scenario(tmp_path: Path) -> None:
    outlook = tiny_outlook()
    path = write_outlook(tmp_path, outlook)
    (tmp_path / "tiny.yaml").write_text("format: genofab-plan/1\nname: x\n", encoding="utf-8")
    issue = load_only_problem(load_outlook, path)
    assert issue.path == "products[0].stages[0].scenario"
