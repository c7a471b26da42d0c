"""A solve tells its progress through a callback (the engine never prints): the best value
and the bound after each stage, in the result's units, improving monotonically; the view
shows them on stderr only on a terminal."""

from __future__ import annotations

from typer.testing import CliRunner

from genofab.engines.scheduling.run import schedule_plan
from genofab.engines.scheduling.solve import Progress
from genofab.io.plan_file import load_plan
from genofab.views.cli import app
from genofab.views.progress import solve_line
from tests.helpers import EXAMPLES

TIGHT = EXAMPLES / "schedule-4-suites-due-26.yaml"


def test_reports_improve_and_end_at_the_result() -> None:
    reports: list[Progress] = []
    plan = load_plan(TIGHT).plan
    result = schedule_plan(plan, "lateness", time_limit=3, progress=reports.append)
    assert reports[0].stage == "rule-based schedules"
    assert all(report.unit == "lot·wk" for report in reports)
    values = [report.value for report in reports if report.value is not None]
    bounds = [report.bound for report in reports if report.bound is not None]
    assert values == sorted(values, reverse=True)  # the best only gets better
    assert bounds == sorted(bounds)  # the bound only rises (lateness is minimised)
    assert values[-1] == result.objective_value
    assert bounds[-1] == result.bound
    assert [r.seconds for r in reports] == sorted(r.seconds for r in reports)


def test_a_progress_line_shows_best_bound_and_gap() -> None:
    line = solve_line(Progress("order search", 12.0, 9.0, 1.5, 10.0, "lot·wk"))
    assert line == "order search: best 12 lot·wk, bound 9 lot·wk, gap 25.0%"
    assert solve_line(Progress("rule-based schedules", None, 4.0, 0.1, 10.0)) == (
        "rule-based schedules: best –, bound 4"
    )


def test_no_progress_when_not_on_a_terminal() -> None:
    result = CliRunner().invoke(app, ["schedule", str(TIGHT), "--time-limit", "1", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "best" not in result.stderr and "bound" not in result.stderr
