"""Network files: the example runs through the real command; bad ones are refused at their
field with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genofab.io.network_file import load_network
from genofab.views.cli import app
from tests.helpers import EXAMPLES, dump_yaml, load_problems

runner = CliRunner()
LEG = "100 EUR/patient"


def tiny_network() -> dict[str, Any]:
    return {
        "format": "genofab-network/1",
        "name": "tiny network",
        "horizon": "30 d",
        "vein_to_vein_max": "18 d",
        "centres": [{"name": "north", "arrivals": [1, 10]}],
        "sites": [
            {
                "name": "near",
                "status": "existing",
                "capacity": 2,
                "manufacturing_time": "7 d",
                "qc_time": "7 d",
                "cost_per_therapy": "1000 EUR/patient",
            }
        ],
        "lanes": [
            {"from": "north", "to": "near", "mode": "road", "time": "1 d", "cost": LEG},
            {"from": "near", "to": "north", "mode": "road", "time": "1 d", "cost": LEG},
        ],
    }


def write(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "network.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    return path


def test_tiny_network_by_hand(tmp_path: Path) -> None:
    """Two patients, each 1 + 7 + 7 + 1 = 16 days vein to vein (no collection time given)
    at 1,000 + 2 × 100 = 1,200 each."""
    done = runner.invoke(app, ["run", str(write(tmp_path, tiny_network())), "-f", "json"])
    assert done.exit_code == 0, done.output
    level = json.loads(done.stdout)["levels"][0]
    assert level["patients_served"] == 2
    assert level["cost_per_therapy"] == pytest.approx(1200.0)
    assert level["turnaround"]["max_days"] == 16


def test_example_has_levels_from_tens_to_thousands() -> None:
    loaded = load_network(EXAMPLES / "car-t-network.yaml")
    levels = [level.value for level in loaded.network.demand_levels or ()]
    assert min(levels) < 100 and max(levels) >= 1000


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda n: n["lanes"][0].update({"to": "nowhere"}), "lanes[0].to"),
        (lambda n: n["centres"][0].update(arrivals=[40]), "centres[0].arrivals[0]"),
        (lambda n: n["sites"][0].pop("capacity"), "sites[0].capacity"),
        (lambda n: n["sites"][0].update(scenario="../x.yaml"), "sites[0].scenario"),
        (lambda n: n["sites"][0].update(manufacturing_time="12 h"), "sites[0].manufacturing_time"),
        (lambda n: n.update(max_sites=0), "max_sites"),
        (lambda n: n["lanes"].append(dict(n["lanes"][0])), "lanes[2]"),
        (lambda n: n.update(when_full="sometimes"), "when_full"),
        (lambda n: n["sites"][0].update(lot_failure=1.5), "sites[0].lot_failure"),
        (
            lambda n: n["sites"][0].update(
                cost_per_therapy={
                    "value": 1000,
                    "unit": "EUR/patient",
                    "source": "assumption: a test",
                    "uncertainty": {"kind": "uniform", "low": 900, "high": 1100},
                }
            ),
            "sites[0].cost_per_therapy.uncertainty",
        ),
    ],
)
def test_bad_networks_are_refused_at_their_field(tmp_path: Path, change: Any, path: str) -> None:
    data = tiny_network()
    change(data)
    file = write(tmp_path, data)
    found = [issue.path for issue in load_problems(load_network, file)]
    assert path in found, found
    done = runner.invoke(app, ["run", str(file)])
    assert done.exit_code == 2 and path in done.stderr and "Traceback" not in done.output


def test_samples_give_the_spread_of_a_queueing_network(tmp_path: Path) -> None:
    """Patients on days 1 and 2 at a one-place site with a queue: the second waits 6 days
    (7 - 1) for the place; each lot fails with probability 10 %."""
    data = tiny_network()
    data["when_full"] = "queue"
    data["vein_to_vein_max"] = "25 d"
    data["centres"][0]["arrivals"] = [1, 2]
    data["sites"][0].update(capacity=1, lot_failure="10 %")
    file = write(tmp_path, data)
    done = runner.invoke(app, ["run", str(file), "-f", "json", "--samples", "300"])
    assert done.exit_code == 0, done.output
    level = json.loads(done.stdout)["levels"][0]
    assert level["operation"]["patients_waited"] == 1
    assert level["operation"]["max_wait_days"] == 6
    spread = level["spread"]
    assert spread["samples"] == 300 and spread["patients"]["p50"] == 2
    assert spread["turnaround_days"]["p5"] == 16 and spread["turnaround_days"]["p95"] == 22
    table = runner.invoke(app, ["run", str(file), "--samples", "300"])
    assert table.exit_code == 0 and "P50 [P5–P95]" in table.stdout


@pytest.mark.parametrize("samples", ["0", "100001"])
def test_network_samples_out_of_range(tmp_path: Path, samples: str) -> None:
    done = runner.invoke(app, ["run", str(write(tmp_path, tiny_network())), "--samples", samples])
    assert done.exit_code == 2 and "--samples" in done.stderr and "Traceback" not in done.output


def test_a_network_serving_nobody_reports_no_spread_figure(tmp_path: Path) -> None:
    """Nobody can be served within 10 days (each route takes 16): the spread has no cost per
    therapy or turnaround (null, never NaN), and the report is written."""
    data = tiny_network()
    data["vein_to_vein_max"] = "10 d"
    file = write(tmp_path, data)
    done = runner.invoke(app, ["run", str(file), "-f", "json", "--samples", "20"])
    assert done.exit_code == 0, done.output
    spread = json.loads(done.stdout)["levels"][0]["spread"]
    assert spread["patients_served"]["p95"] == 0
    assert spread["cost_per_therapy"] == {"p5": None, "p50": None, "p95": None}
    assert spread["turnaround_days"]["p50"] is None
    report = runner.invoke(app, ["report", str(file), "-o", str(tmp_path / "out"), "-n", "20"])
    assert report.exit_code == 0, report.output
