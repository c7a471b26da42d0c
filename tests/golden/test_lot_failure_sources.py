"""Every shipped scenario (examples and templates) states its lot-failure rate with a cited
source (issue 10 item 5): a measured rate where one exists (CAR-T: S30, S31, S32), and for
vector lots, whose own rate is a gap (docs/parameters.md 1.2), an ``assumption:`` that says so
and names its proxy and the proxy's source. A file named a best case may count no failed lot
if the source says it is the best case."""

from __future__ import annotations

import re
from typing import Any

import pytest
from ruamel.yaml import YAML

from genofab.io.templates import template_text, templates
from tests.helpers import EXAMPLES

CITATION = re.compile(r"\bS\d+\b")
VECTORS = {"lentiviral_vector", "gammaretroviral_vector", "aav", "adenoviral_vector"}


def _scenarios() -> list[tuple[str, dict[str, Any]]]:
    yaml = YAML(typ="safe", pure=True)
    found = [
        (path.relative_to(EXAMPLES).as_posix(), yaml.load(path.read_text(encoding="utf-8")))
        for path in sorted(EXAMPLES.glob("**/*.yaml"))
    ]
    found += [(f"template {name}", yaml.load(template_text(name))) for name in templates()]
    return [
        (name, data)
        for name, data in found
        if isinstance(data, dict) and data.get("format") == "genofab/1" and data.get("economics")
    ]


SCENARIOS = _scenarios()


def test_the_shipped_scenarios_are_found() -> None:
    names = {name for name, _ in SCENARIOS}
    assert {
        "car-t-autologous.yaml",
        "lv-sickle-cell-current.yaml",
        "aav-hek293-200l.yaml",
        "sickle-cell-gene-therapy/lv-vector.yaml",
        "sickle-cell-gene-therapy/hsc-cell-product.yaml",
        "template aav-sf9",
    } <= names


@pytest.mark.parametrize(("name", "data"), SCENARIOS, ids=[name for name, _ in SCENARIOS])
def test_each_states_a_cited_lot_failure_rate(name: str, data: dict[str, Any]) -> None:
    stated = data["economics"].get("lot_failure_probability")
    assert isinstance(stated, dict), f"{name}: economics.lot_failure_probability is not stated"
    source = str(stated.get("source", ""))
    assert CITATION.search(source), f"{name}: the lot-failure rate cites no source: {source}"
    best_case = "best case" in str(data.get("name", "")).lower()
    if best_case and source.lower().startswith("best case"):
        return
    assert float(stated["value"]) > 0, f"{name}: no failed lot is a best case, not a base case"
    if data["product"]["modality"] in VECTORS:
        assert source.startswith("assumption:"), f"{name}: a vector's rate is an assumption"
        assert "proxy" in source and "parameters.md 1.2" in source, (
            f"{name}: say that no vector rate was found (parameters.md 1.2) and name the proxy"
        )
