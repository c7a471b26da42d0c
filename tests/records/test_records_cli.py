"""``genofab records …`` on the demo and on bad files: exit status, messages, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from genofab.views.cli import app

runner = CliRunner()


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_check_passes_on_the_demo(demo_folder: Path) -> None:
    result = runner.invoke(
        app,
        ["records", "check", str(demo_folder / "lots.csv"), str(demo_folder / "monitoring.csv")],
    )
    assert result.exit_code == 0, result.output
    assert "valid (40 lots, 3 failed; sites: Évry 24, Lyon 16" in result.stdout
    assert "valid monitoring (252 readings" in result.stdout


def test_check_json_lists_each_file(demo_folder: Path) -> None:
    result = runner.invoke(
        app, ["records", "check", str(demo_folder / "lots.xlsx"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    (summary,) = json.loads(result.stdout)
    assert summary["lots"] == 40 and summary["sites"] == {"Évry": 24, "Lyon": 16}


def test_check_on_every_bad_input_exits_2_lists_each_and_writes_nothing(
    demo_folder: Path,
) -> None:
    before = files_in(demo_folder)
    result = runner.invoke(app, ["records", "check", str(demo_folder / "bad-lots.xlsx")])
    assert result.exit_code == 2
    assert "7 problems in" in result.stderr
    for place in (
        "row 3, column K",
        "row 4, column K",
        "row 5, column L",
        "row 6, column D",
        "row 7, column C",
        "row 8, column G",
        "row 9, column G",
    ):
        assert f"sheet lots, {place}" in result.stderr
    assert "Traceback" not in result.output
    assert files_in(demo_folder) == before


def test_chart_writes_an_image_and_a_self_contained_page(demo_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "charts"
    result = runner.invoke(
        app,
        [
            "records",
            "chart",
            str(demo_folder / "lots.csv"),
            "-p",
            "production_bioreactor.titer",
            "--site",
            "Lyon",
            "--baseline",
            "8",
            "--image",
            "svg",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "PROVISIONAL" in result.stdout and "27% chance" in result.stdout
    page = (out / "production_bioreactor.titer.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<title>lot LYO-26-001:" in page
    assert "src=" not in page and "href=" not in page  # nothing fetched from anywhere
    assert (out / "production_bioreactor.titer.svg").read_text().lstrip().startswith("<?xml")


def test_capability_json_per_site(demo_folder: Path) -> None:
    result = runner.invoke(
        app,
        [
            "records",
            "capability",
            str(demo_folder / "lots.csv"),
            "-p",
            "chromatography.step_yield",
            "--lower",
            "35",
            "--upper",
            "70",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    sites = json.loads(result.stdout)
    assert [s["site"] for s in sites] == ["Évry", "Lyon"]
    assert sites[0]["lots"] == 24 and sites[0]["ppk"]["lower"] < sites[0]["ppk"]["estimate"]


def test_an_unknown_measurement_is_a_clear_error(demo_folder: Path) -> None:
    result = runner.invoke(
        app, ["records", "chart", str(demo_folder / "lots.csv"), "-p", "production.titer"]
    )
    assert result.exit_code == 2
    assert "no measurement 'production.titer'" in result.stderr
