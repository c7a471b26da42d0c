"""Sweeps as jobs (on Dask's threads, or on a real Dask cluster given to the server), and the
Parquet artifacts of Monte Carlo and sweep jobs, downloadable from the API and the run page."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from genofab.io.templates import template_text
from tests.web.workbench import Workbench

WEIGHT = "product.dose.body_weight"
SWEEP = {"kind": "sweep", "samples": 300, "seed": 5, "grid": {WEIGHT: ["60 kg", "80 kg"]}}


def _parquet(bench: Workbench, run_id: int, name: str, user: str = "alice") -> Any:
    import pyarrow.parquet as pq

    response = bench.client.get(f"/api/runs/{run_id}/artifacts/{name}", headers=bench.headers[user])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    return pq.read_table(io.BytesIO(response.content))


def _run(bench: Workbench, body: dict[str, Any], user: str = "alice") -> dict[str, Any]:
    started = bench.client.post(
        "/api/runs",
        headers=bench.headers[user],
        json={"document_id": bench.scenarios["a"]} | body,
    )
    assert started.status_code == 202, started.text
    run = bench.wait(started.json()["id"])
    assert run["state"] == "done", run["error"]
    return run


def _point_by_hand(values: dict[str, float], samples: int, seed: int) -> Any:
    """The Monte Carlo of one sweep point, run by the engine directly."""
    from genofab.engines.uncertainty.monte_carlo import monte_carlo
    from genofab.service.checks import check_scenario

    loaded, _ = check_scenario(template_text("car-t-autologous"), "a.yaml")
    return monte_carlo(loaded.scenario, samples, seed, fixed=values, histograms=False)


def test_a_sweep_runs_as_a_job_and_its_table_downloads_as_parquet(bench: Workbench) -> None:
    run = _run(bench, SWEEP)
    assert run["options"] == {"grid": SWEEP["grid"]}
    result = run["result"]
    assert result["parameters"] == [WEIGHT]
    assert [point["values"][WEIGHT] for point in result["points"]] == [60.0, 80.0]
    # each point is the Monte Carlo of the scenario with the weight fixed, same seed
    for point in result["points"]:
        alone = _point_by_hand(point["values"], 300, 5)
        assert point["results"]["cogs_per_dose"] == alone.results["cogs_per_dose"].model_dump(
            mode="json"
        )
    table = _parquet(bench, run["id"], "sweep.parquet")
    assert table.num_rows == 2
    assert table.column(WEIGHT).to_pylist() == [60.0, 80.0]
    assert table.column("cogs_per_dose p50").to_pylist() == [
        point["results"]["cogs_per_dose"]["p50"] for point in result["points"]
    ]
    assert table.schema.metadata[b"seed"] == b"5"
    names = {artifact["name"] for artifact in run["artifacts"]}
    assert names == {"sweep.parquet", "sweep.csv"}


def test_a_monte_carlos_samples_download_as_parquet(bench: Workbench) -> None:
    run = _run(bench, {"kind": "monte_carlo", "samples": 400, "seed": 9})
    table = _parquet(bench, run["id"], "samples.parquet")
    assert table.num_rows == 400
    assert table.schema.metadata[b"seed"] == b"9"
    drawn = np.asarray(table.column("cogs_per_dose").to_numpy(zero_copy_only=False), float)
    assert np.nanmean(drawn) == pytest.approx(run["result"]["cogs_per_dose"]["mean"], rel=1e-9)


def test_a_bad_sweep_is_refused_and_stores_nothing(bench: Workbench) -> None:
    alice, doc = bench.headers["alice"], bench.scenarios["a"]
    before = bench.client.get("/api/runs", headers=alice).json()
    bad = [
        ({WEIGHT: ["60 L"]}, "expected a body weight"),
        ({"product.dose.body_weigh": ["60 kg"]}, "did you mean 'product.dose.body_weight'"),
        ({WEIGHT: ["-5 kg"]}, WEIGHT),
        ({WEIGHT: [f"{60 + n} kg" for n in range(50)], "a": ["1"] * 50}, "samples in all"),
    ]
    for grid, words in bad:
        response = bench.client.post(
            "/api/runs",
            headers=alice,
            json={"document_id": doc, "kind": "sweep", "samples": 10_000, "grid": grid},
        )
        assert response.status_code == 422, (grid, response.text)
        assert words in response.text
    no_grid = {"document_id": doc, "kind": "sweep"}
    assert bench.client.post("/api/runs", headers=alice, json=no_grid).status_code == 422
    stray = {"document_id": doc, "kind": "run", "grid": {WEIGHT: ["60 kg"]}}
    assert bench.client.post("/api/runs", headers=alice, json=stray).status_code == 422
    viewer = bench.client.post(
        "/api/runs", headers=bench.headers["vic"], json={"document_id": doc} | SWEEP
    )
    assert viewer.status_code == 403
    other = bench.client.post(
        "/api/runs", headers=bench.headers["bob"], json={"document_id": doc} | SWEEP
    )
    assert other.status_code == 404
    assert bench.client.get("/api/runs", headers=alice).json() == before


def test_a_sweep_started_from_the_page_shows_its_points_and_downloads(bench: Workbench) -> None:
    import re

    browser = bench.login("alice")
    doc = bench.scenarios["a"]
    page = browser.get(f"/documents/{doc}").text
    assert 'id="sweep-form"' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    started = browser.post(
        f"/documents/{doc}/runs",
        data={
            "kind": "sweep",
            "version": "1",
            "samples": "200",
            "grid_path": WEIGHT,
            "grid_values": "60 kg, 70 kg, 80 kg",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    run_id = int(started.headers["location"].rsplit("/", 1)[1])
    bench.app.state.jobs.wait(run_id)
    shown = browser.get(f"/runs/{run_id}").text
    assert 'id="sweep-points"' in shown and shown.count("<tr>") >= 4  # head and 3 points
    assert f"/api/runs/{run_id}/artifacts/sweep.parquet" in shown
    assert browser.get(f"/api/runs/{run_id}/artifacts/sweep.parquet").status_code == 200
    assert bench.login("bob").get(f"/runs/{run_id}").status_code == 404


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A real Dask cluster (one worker process) on loopback; its scheduler's address."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
    ) as cluster:
        yield str(cluster.scheduler_address)


def test_a_sweep_job_on_a_dask_cluster_gives_the_result_of_the_server_alone(
    scheduler: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from tests.web.conftest import copy_sqlite
    from tests.web.workbench import opened

    seeded = request.getfixturevalue("seeded_sqlite")
    alone = tmp_path / "alone"
    alone.mkdir()
    with opened(copy_sqlite(seeded.url, alone), seeded) as bench:
        here = _run(bench, SWEEP)
    clustered = tmp_path / "cluster"
    clustered.mkdir()
    with opened(copy_sqlite(seeded.url, clustered), seeded, dask_scheduler=scheduler) as bench:
        assert bench.app.state.jobs.scheduler == scheduler
        there = _run(bench, SWEEP)
    assert there["result"]["points"] == here["result"]["points"]
    from distributed import Client

    with Client(scheduler, timeout="30s") as client:  # the points ran on the cluster
        prefixes = client.run_on_scheduler(
            lambda dask_scheduler: sorted(dask_scheduler.task_prefixes)
        )
    assert "run_point" in prefixes
