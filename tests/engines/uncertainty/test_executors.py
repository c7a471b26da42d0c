"""Dask: a real distributed.LocalCluster (worker processes) gives bit for bit the result of
one process, with 1 or 4 workers, for a Monte Carlo and for a sweep; the command line reaches
a cluster through --scheduler. The clusters start while Dask's default dashboard port (8787)
is taken, so the suite never depends on a fixed port being free."""

from __future__ import annotations

import errno
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from genofab.engines.uncertainty.executors import ClusterExecutor
from genofab.engines.uncertainty.monte_carlo import monte_carlo
from genofab.engines.uncertainty.sweep import sweep
from genofab.io.scenario_file import load_scenario
from genofab.views.cli import app
from tests.helpers import EXAMPLES

IGT = EXAMPLES / "lv-sickle-cell-industrial.yaml"
YIELD = "process.steps[4].step_yield"

pytestmark = pytest.mark.slow


#: Dask's default dashboard port, which another program may hold.
DASHBOARD_PORT = 8787


@pytest.fixture(scope="module")
def dashboard_port_taken() -> Iterator[None]:
    """Port 8787 held by a listening socket (or by someone else already) while clusters run."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        try:
            held.bind(("127.0.0.1", DASHBOARD_PORT))
            held.listen()
        except OSError as error:  # in use already (another run of the suite): just as good
            if error.errno != errno.EADDRINUSE:
                raise
        yield


@pytest.fixture(scope="module", params=[1, 4], ids=["1 worker", "4 workers"])
def client(request: Any, dashboard_port_taken: None) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=request.param,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: never the default 8787
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


def test_a_cluster_starts_while_port_8787_is_taken(client: Any) -> None:
    services = client.scheduler_info()["services"]
    assert DASHBOARD_PORT not in services.values()
    assert client.scheduler_info()["workers"]


def test_a_cluster_gives_the_result_of_one_process(client: Any) -> None:
    scenario = load_scenario(IGT).scenario
    here = monte_carlo(scenario, 30_000, 8, chunk_size=5_000)
    there = monte_carlo(scenario, 30_000, 8, chunk_size=5_000, executor=ClusterExecutor(client))
    assert there.model_dump() == here.model_dump()
    assert there.distributions == here.distributions


def test_a_sweep_on_a_cluster_gives_the_result_of_one_process(client: Any) -> None:
    scenario = load_scenario(IGT).scenario
    grid = {YIELD: [0.35, 0.45, 0.55]}
    here = sweep(scenario, grid, 4_000, 2, chunk_size=2_000)
    there = sweep(scenario, grid, 4_000, 2, chunk_size=2_000, executor=ClusterExecutor(client))
    assert there == here


def test_the_command_line_uses_a_cluster_by_its_address(client: Any) -> None:
    address = client.scheduler.address
    runner = CliRunner()
    on_cluster = runner.invoke(
        app, ["run", str(IGT), "-n", "3000", "-f", "json", "--scheduler", address]
    )
    assert on_cluster.exit_code == 0, on_cluster.output
    local = runner.invoke(app, ["run", str(IGT), "-n", "3000", "-f", "json"])
    assert json.loads(on_cluster.stdout) == json.loads(local.stdout)
