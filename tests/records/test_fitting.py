"""Fitting distributions to lots: the demo's generating parameters recovered within the fits'
intervals, AIC ranking, the few-lot rules, the failure-rate posterior, and the calibrated
scenario written, valid and traceable to the records."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from genofab.engines.records.fitting import (
    MIN_LOTS,
    failure_rate,
    fit_distributions,
    widening_factor,
)
from genofab.errors import UsageError
from genofab.io.records import read_lots
from genofab.io.scenario_file import load_scenario
from genofab.views.cli import app
from tests.helpers import EXAMPLES
from tests.records.conftest import demo_module

SCENARIO = EXAMPLES / "lv-sickle-cell-current.yaml"


def candidate(fit: object, kind: str) -> object:
    return next(c for c in fit.candidates if c.kind == kind)  # type: ignore[attr-defined]


def test_fits_recover_the_generating_parameters_of_the_demo(demo_folder: Path) -> None:
    generating = demo_module().GENERATING["Évry"]
    lots = read_lots(demo_folder / "lots.csv").select(site="Évry")
    titer = candidate(fit_distributions(lots.values("production_bioreactor.titer")), "lognormal")
    truth = generating["production_bioreactor.titer"]
    low, high = titer.intervals["median"]  # type: ignore[attr-defined]
    assert low <= truth["median"] <= high
    low, high = titer.intervals["gsd"]  # type: ignore[attr-defined]
    assert low <= truth["gsd"] <= high
    for name in ("clarification.step_yield", "chromatography.step_yield", "tff.step_yield"):
        spec = generating[name]
        m, s = spec["mean"] / 100, spec["sd"] / 100
        common = m * (1 - m) / s**2 - 1
        fit = candidate(fit_distributions(lots.values(name) / 100, fraction=True), "beta")
        for shape, true in (("alpha", m * common), ("beta", (1 - m) * common)):
            low, high = fit.intervals[shape]  # type: ignore[attr-defined]
            assert low <= true <= high, (name, shape, true, low, high)
    viability = candidate(fit_distributions(lots.values("seed_train.viability")), "normal")
    for name in ("mean", "sd"):
        low, high = viability.intervals[name]  # type: ignore[attr-defined]
        assert low <= generating["seed_train.viability"][name] <= high


def test_aic_ranks_the_generating_family_first_on_many_values() -> None:
    x = np.random.default_rng(1).lognormal(0.0, 0.8, 400)
    fit = fit_distributions(x)
    assert fit.candidates[0].kind == "lognormal" and fit.chosen == "lognormal"
    normal = candidate(fit, "normal")
    assert normal.aic == pytest.approx(4 - 2 * normal.log_likelihood)  # type: ignore[attr-defined]


@settings(max_examples=25)
@given(st.lists(st.floats(-1e3, 1e3), min_size=MIN_LOTS, max_size=30, unique=True))
def test_normal_mle_is_the_mean_and_the_sd_over_n(values: list[float]) -> None:
    x = np.array(values)
    normal = candidate(fit_distributions(x), "normal")
    assert normal.parameters["mean"] == pytest.approx(np.mean(x))  # type: ignore[attr-defined]
    assert normal.parameters["sd"] == pytest.approx(np.std(x))  # type: ignore[attr-defined]


def test_few_lots_are_refused_and_the_spread_widened_for_the_rest() -> None:
    with pytest.raises(UsageError, match="at least 5 lots"):
        fit_distributions(np.array([1.0, 2.0, 3.0, 4.0]))
    x = np.array([9.0, 10.0, 11.0, 10.5, 9.5])
    fit = fit_distributions(x)
    assert fit.chosen == "lognormal" or fit.chosen == "normal"
    assert widening_factor(5) == pytest.approx(math.sqrt(1.2 * 4 / 2))
    assert widening_factor(10_000) == pytest.approx(1.0, abs=1e-3)
    normal = fit_distributions(np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) * 7 - 20)
    if normal.chosen == "normal":
        assert normal.predictive["sd"] == pytest.approx(
            np.std(np.arange(6.0) * 7, ddof=1) * widening_factor(6)
        )


def test_failure_rate_is_a_beta_posterior_from_a_uniform_prior() -> None:
    rate = failure_rate(1, 24)
    assert (rate.alpha, rate.beta) == (2.0, 24.0)
    assert rate.mean == pytest.approx(2 / 26)
    assert rate.lower < rate.mean < rate.upper
    with pytest.raises(UsageError):
        failure_rate(3, 2)


def test_fit_writes_a_valid_scenario_that_names_the_records(
    demo_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "fitted.yaml"
    result = CliRunner().invoke(
        app,
        [
            "records",
            "fit",
            str(demo_folder / "lots.csv"),
            "--scenario",
            str(SCENARIO),
            "-o",
            str(out),
            "--site",
            "Évry",
        ],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith(SCENARIO.read_text(encoding="utf-8").splitlines()[0])  # comments kept
    scenario = load_scenario(out).scenario
    titer, _ = scenario.parameter("process.steps[1].titer")
    assert titer.uncertainty is not None and titer.uncertainty.kind == "lognormal"
    assert "batch records: 24 lots, site Évry, 2026-01 to 2026-10" in (
        titer.uncertainty.source or ""
    )
    failure, _ = scenario.parameter("economics.lot_failure_probability")
    assert failure.uncertainty is not None and failure.uncertainty.kind == "beta"
    # the records' estimate replaces the file's stated (assumed) rate, which may lie outside
    # what the records allow
    assert failure.source == "batch records: the mean of the posterior below"
    assert failure.value == pytest.approx(
        failure.uncertainty.alpha / (failure.uncertainty.alpha + failure.uncertainty.beta), rel=1e-5
    )
    assert "not fitted: qc.final_titer" in result.stdout
    valid = CliRunner().invoke(app, ["validate", str(out)])
    assert valid.exit_code == 0 and "5 with an uncertainty, all with a source" in valid.stdout
    run = CliRunner().invoke(
        app, ["run", str(out), "--samples", "2000", "--format", "json", "--no-progress"]
    )
    assert run.exit_code == 0, run.output


def test_fit_refuses_to_pool_sites_and_writes_nothing(demo_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "fitted.yaml"
    result = CliRunner().invoke(
        app,
        [
            "records",
            "fit",
            str(demo_folder / "lots.csv"),
            "--scenario",
            str(SCENARIO),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 2 and "one at a time with --site" in result.stderr
    assert not out.exists()


def test_a_measurement_of_too_few_lots_is_skipped_saying_why(tmp_path: Path) -> None:
    from genofab.io.records_scenario import calibrate

    rows = "".join(
        f"P,A,L{i},2026-01-{i + 1:02d},released,{1e6 * (1 + i / 10)!r},"
        + ("" if i > 2 else "0.5")
        + "\n"
        for i in range(8)
    )
    path = tmp_path / "lots.csv"
    path.write_text(
        "product,site,lot_id,start_date,outcome,production_bioreactor.titer [TU/mL],"
        "chromatography.step_yield\n" + rows,
        encoding="utf-8",
    )
    calibration = calibrate(read_lots(path), load_scenario(SCENARIO).scenario)
    assert [f.measurement for f in calibration.fits] == ["production_bioreactor.titer"]
    (skipped,) = calibration.skipped
    assert skipped.reason == "measured in 3 lots; a fit needs at least 5"


def likelihood_ratio(log_pdf: object, x: np.ndarray, fitted: tuple, truth: tuple) -> float:
    """2·(ℓ(fit) − ℓ(truth)): the generator lies in the fit's joint 95 % confidence region
    (two parameters) when this is below χ²₂(0.95) = 5.99."""
    return float(2 * (log_pdf(x, *fitted).sum() - log_pdf(x, *truth).sum()))  # type: ignore[operator]


def test_the_written_scenario_recovers_the_demo_generator_and_runs_100000_samples(
    demo_folder: Path, tmp_path: Path
) -> None:
    """Through the commands, as issue 14 judges it: ``records fit -o fitted.yaml``, then
    ``validate`` and ``run --samples 100000``. What is written is each fit's predictive
    distribution (the lots' centre, their spread widened); the maximum-likelihood fits' joint 95 %
    likelihood-ratio regions hold the demo generator's parameters for the titre and two of the
    three step yields. The TFF yield's does not: Évry's 24 TFF yields average 87.8 % against
    the generator's 90 % (LR 13.2, p = 0.001), a chance draw that docs/records.md states; the
    marginal intervals on alpha and beta still hold it (the test above)."""
    from scipy import stats

    out = tmp_path / "fitted.yaml"
    lots = demo_folder / "lots.csv"
    fitted = CliRunner().invoke(
        app,
        [
            "records",
            "fit",
            str(lots),
            "--site",
            "Évry",
            "--scenario",
            str(SCENARIO),
            "-o",
            str(out),
        ],
    )
    assert fitted.exit_code == 0, fitted.output
    generating = demo_module().GENERATING["Évry"]
    evry = read_lots(lots).select(site="Évry")
    scenario = load_scenario(out).scenario
    n = 24
    region = float(stats.chi2.ppf(0.95, 2))

    titer, _ = scenario.parameter("process.steps[1].titer")
    written = titer.uncertainty
    assert written is not None and written.kind == "lognormal"
    assert "batch records: 24 lots, site Évry" in (written.source or "")
    logs = np.log(evry.values("production_bioreactor.titer"))
    # written in TU/mL, held in the scenario's base unit TU/L (×1000): the fit's median, and
    # its log-SD widened for 24 lots
    assert written.median / 1000 == pytest.approx(np.exp(logs.mean()), rel=1e-5)  # type: ignore[attr-defined]
    assert math.log(written.gsd) == pytest.approx(  # type: ignore[attr-defined]
        logs.std() * math.sqrt(n / (n - 1)) * widening_factor(n), rel=1e-5
    )
    truth = generating["production_bioreactor.titer"]
    lr = likelihood_ratio(
        stats.norm.logpdf,
        logs,
        (logs.mean(), logs.std()),
        (math.log(truth["median"]), math.log(truth["gsd"])),
    )
    assert lr < region

    verdicts = {}
    for path, name in (
        ("process.steps[2].step_yield", "clarification.step_yield"),
        ("process.steps[3].step_yield", "chromatography.step_yield"),
        ("process.steps[4].step_yield", "tff.step_yield"),
    ):
        parameter, _ = scenario.parameter(path)
        beta = parameter.uncertainty
        assert beta is not None and beta.kind == "beta"
        values = evry.values(name) / 100
        fit = candidate(fit_distributions(values, fraction=True), "beta")
        a, b = fit.parameters["alpha"], fit.parameters["beta"]  # type: ignore[attr-defined]
        # the predictive: the lots' mean, their SD widened for 24 lots (by moments)
        alpha, total = beta.alpha, beta.alpha + beta.beta  # type: ignore[attr-defined]
        assert alpha / total == pytest.approx(values.mean(), rel=1e-5)
        written_sd = math.sqrt(alpha * (total - alpha) / (total**2 * (total + 1)))
        assert written_sd == pytest.approx(values.std(ddof=1) * widening_factor(n), rel=1e-4)
        m, s = generating[name]["mean"] / 100, generating[name]["sd"] / 100
        common = m * (1 - m) / s**2 - 1
        verdicts[name] = likelihood_ratio(
            stats.beta.logpdf, values, (a, b), (m * common, (1 - m) * common)
        )
    assert verdicts["clarification.step_yield"] < region
    assert verdicts["chromatography.step_yield"] < region
    assert round(verdicts["tff.step_yield"], 1) == 13.2  # the chance miss the docs state

    assert CliRunner().invoke(app, ["validate", str(out)]).exit_code == 0
    run = CliRunner().invoke(
        app, ["run", str(out), "--samples", "100000", "--format", "json", "--no-progress"]
    )
    assert run.exit_code == 0, run.output
    import json

    result = json.loads(run.stdout)
    assert result["monte_carlo"]["samples"] == 100_000
    assert result["patients_per_year"]["p5"] < result["patients_per_year"]["p95"]


def test_the_beta_fit_s_intervals_hold_the_generator_as_often_as_they_say() -> None:
    """Coverage, not one draw: of 400 synthetic sites of 24 lots drawn from the demo's TFF
    yield (beta with mean 90 %, SD 3 %), the fit's 95 % intervals on alpha and beta hold the
    generating values in 90–98 % of them (377 and 375 of 400 here: Wald intervals on the log
    scale at n = 24). One demo site's miss (Évry's TFF, docs/records.md) is the 1-in-20 the level
    allows, not a biased fit; intervals too narrow (z = 1: about 68 %) or too wide fail."""
    from scipy import stats

    from genofab.engines.records.fitting import _wald

    m, s = 0.90, 0.03
    common = m * (1 - m) / s**2 - 1
    truth = (m * common, (1 - m) * common)
    rng = np.random.default_rng(20261207)
    z = float(stats.norm.ppf(0.975))
    held = np.zeros(2)
    sites = 400
    for _ in range(sites):
        x = rng.beta(*truth, size=24)
        a, b, _, _ = stats.beta.fit(x, floc=0, fscale=1)
        intervals = _wald("beta", x, (a, b), ("alpha", "beta"), z)
        held += [
            intervals[name][0] <= value <= intervals[name][1]
            for name, value in zip(("alpha", "beta"), truth, strict=True)
        ]
    coverage = held / sites
    assert np.all((coverage >= 0.90) & (coverage <= 0.98)), coverage
