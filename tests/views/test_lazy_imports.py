"""A command pays only for the libraries it uses: ``run`` (``--samples 0``: the deterministic
run alone; by default with its headline's spread) and ``run --samples`` import no
cluster (``distributed``), no sensitivity (SALib), no scheduler (OR-Tools) and no plotting
(matplotlib); Dask's threaded scheduler runs without ``distributed``. Checked on
``sys.modules`` in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.helpers import EXAMPLES, ROOT

IGT = EXAMPLES / "lv-sickle-cell-industrial.yaml"
NEVER = ("distributed", "SALib", "ortools", "matplotlib")

PROBE = textwrap.dedent(
    """
    import json, sys
    from typer.testing import CliRunner

    def loaded():
        return sorted({name.split(".")[0] for name in sys.modules} | set(sys.modules))

    from genofab.views.cli import app
    found = {"import": loaded()}
    runner = CliRunner()
    for name, arguments in (
        ("run", ["run", sys.argv[1], "--samples", "0"]),
        ("headline", ["run", sys.argv[1]]),
        ("sampled", ["run", sys.argv[1], "-n", "2000", "--no-progress"]),
    ):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 0, result.output
        found[name] = loaded()

    from genofab.engines.uncertainty.executors import LocalDaskExecutor
    from genofab.engines.uncertainty.monte_carlo import monte_carlo
    from genofab.io.scenario_file import load_scenario

    scenario = load_scenario(sys.argv[1]).scenario
    monte_carlo(scenario, 3000, 1, chunk_size=1000, executor=LocalDaskExecutor(workers=2))
    found["threads"] = loaded()
    print(json.dumps(found))
    """
)


def test_run_imports_no_cluster_sensitivity_scheduler_or_plotting() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(IGT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    found = {stage: set(modules) for stage, modules in json.loads(done.stdout).items()}
    for stage, modules in found.items():
        assert not modules & set(NEVER), stage
    assert "scipy.special" not in found["run"]  # a deterministic run computes no quantile
    assert "dask" not in found["headline"]  # the headline's spread: one chunk, in this thread
    assert "dask" not in found["sampled"]  # one chunk of samples runs in this thread
    assert "dask" in found["threads"]  # several chunks: Dask's threads, still no cluster
