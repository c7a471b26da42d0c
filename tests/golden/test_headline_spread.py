"""No shipped example or template with distributions has a deterministic headline figure
outside its own Monte Carlo P5–P95: the base case is each distribution's mode, not the best
case of the file's own uncertainty (practice review E4)."""

from __future__ import annotations

import pytest

from genofab.engines.run import evaluate
from genofab.engines.uncertainty.monte_carlo import monte_carlo
from genofab.io.scenario_file import load_scenario, parse_scenario
from genofab.io.templates import template_text, templates
from genofab.model import Scenario
from tests.helpers import EXAMPLES

#: Enough samples for P5 and P95 to within about a percent (the sampling error is not the
#: question here; a base case at a bound of its distribution is).
SAMPLES = 2_000
#: The figures the headline leads with.
HEADLINE = (
    "patients_per_lot",
    "lots_per_year",
    "patients_per_year",
    "years_to_treat_cohort",
    "cogs_per_dose",
    "cogs_per_patient",
)


def _uncertain(scenario: Scenario) -> bool:
    return any(p.uncertainty is not None for _, p in scenario.parameters())


def _shipped() -> list[tuple[str, Scenario]]:
    found = []
    for path in sorted(EXAMPLES.glob("**/*.yaml")):
        if "format: genofab/1" in path.read_text(encoding="utf-8").splitlines():
            scenario = load_scenario(path).scenario
            if _uncertain(scenario):
                found.append((path.relative_to(EXAMPLES).as_posix(), scenario))
    for name in templates():
        scenario = parse_scenario(template_text(name), f"{name}.yaml").scenario
        if _uncertain(scenario):
            found.append((f"template {name}", scenario))
    return found


SHIPPED = _shipped()


def test_the_shipped_files_with_distributions_are_checked() -> None:
    names = {name for name, _ in SHIPPED}
    assert "sickle-cell-gene-therapy/lv-vector.yaml" in names
    assert "lv-sickle-cell-industrial.yaml" in names


@pytest.mark.parametrize(("name", "scenario"), SHIPPED, ids=[name for name, _ in SHIPPED])
def test_no_deterministic_headline_lies_outside_its_own_p5_p95(
    name: str, scenario: Scenario
) -> None:
    deterministic = evaluate(scenario).to_json_dict()
    spread = monte_carlo(scenario, SAMPLES, seed=1, histograms=False).results
    outside = []
    for key in HEADLINE:
        if key not in spread or spread[key].p5 is None or deterministic.get(key) is None:
            continue
        value, low, high = float(deterministic[key]), spread[key].p5, spread[key].p95
        assert low is not None and high is not None
        if not low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
            outside.append(f"{key} {value:.4g} outside P5–P95 [{low:.4g}, {high:.4g}]")
    assert not outside, f"{name}: " + "; ".join(outside)


def test_no_chain_headline_lies_outside_its_own_p5_p95() -> None:
    from genofab.engines.uncertainty.headline_spread import chain_headline_spread
    from genofab.io.chain_file import load_chain
    from tests.golden.expected import chain_examples

    for path in chain_examples():
        spread = chain_headline_spread(load_chain(path).chain, SAMPLES)
        assert spread is not None, path.name
        outside = [figure.name for figure in spread.figures if figure.outside_p5_p95]
        assert not outside, f"{path.name}: {outside}"
