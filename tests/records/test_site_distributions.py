"""Sites side by side: each site's lots summarised (worked by hand), the same through
``records compare`` (text, JSON and a figure per measurement), and bad options refused with
nothing written."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from genofab.engines.records.summary import site_distribution
from genofab.errors import UsageError
from genofab.io.records import read_lots
from genofab.service.records import site_distributions
from genofab.views.cli import app

runner = CliRunner()


def test_a_site_summarised_by_hand() -> None:
    # 1, 2, 4, 8: mean 3.75; SD √(Σ(x − 3.75)² / 3) = √(28.75 / 3); quartiles by linear
    # interpolation at positions 0.75, 1.5, 2.25 → 1.75, 3, 5; geometric mean 64^(1/4) = 2√2
    found = site_distribution(np.array([1.0, 8.0, np.nan, 2.0, 4.0]), site="A", unit="g")
    assert (found.lots, found.site, found.unit) == (4, "A", "g")
    assert found.mean == pytest.approx(3.75)
    assert found.sd == pytest.approx(math.sqrt(28.75 / 3))
    assert (found.lower_quartile, found.median, found.upper_quartile) == pytest.approx(
        (1.75, 3.0, 5.0)
    )
    assert (found.minimum, found.maximum) == (1.0, 8.0)
    assert found.geometric_mean == pytest.approx(2 * math.sqrt(2))
    # ln x = 0, ln2, 2 ln2, 3 ln2: SD of the logs ln2·√(5/3)
    assert found.geometric_sd == pytest.approx(math.exp(math.log(2) * math.sqrt(5 / 3)))
    one = site_distribution(np.array([-1.0]))
    assert one.sd is None and one.geometric_mean is None and one.median == -1.0
    with pytest.raises(UsageError, match="no lot has a value"):
        site_distribution(np.array([np.nan]), measurement="x", site="B")


@settings(max_examples=40)
@given(st.lists(st.floats(1e-3, 1e6), min_size=2, max_size=40))
def test_the_summary_is_ordered_and_its_geometric_mean_below_the_mean(values: list[float]) -> None:
    found = site_distribution(np.array(values))
    assert found.minimum <= found.lower_quartile <= found.median <= found.upper_quartile
    assert found.upper_quartile <= found.maximum
    assert found.geometric_mean is not None
    assert found.minimum * (1 - 1e-9) <= found.geometric_mean <= found.mean * (1 + 1e-9)


def test_compare_sets_the_demo_sites_side_by_side(demo_folder: Path, tmp_path: Path) -> None:
    lots = demo_folder / "lots.csv"
    out = tmp_path / "figures"
    done = runner.invoke(
        app,
        [
            "records",
            "compare",
            str(lots),
            "-p",
            "production_bioreactor.titer",
            "-o",
            str(out),
            "--image",
            "svg",
            "--format",
            "json",
        ],
    )
    assert done.exit_code == 0, done.output
    shown = json.loads(done.stdout)["distributions"]
    assert [(d["measurement"], d["site"]) for d in shown] == [
        ("production_bioreactor.titer", "Évry"),
        ("production_bioreactor.titer", "Lyon"),
    ]
    records = read_lots(lots)
    lyon = records.select(site="Lyon").values("production_bioreactor.titer")
    assert shown[1]["lots"] == 16
    assert shown[1]["median"] == pytest.approx(float(np.median(lyon)))
    assert shown[1]["geometric_mean"] == pytest.approx(float(np.exp(np.log(lyon).mean())))
    # the planted shift: Lyon's titre well below Évry's
    assert shown[1]["geometric_mean"] < 0.7 * shown[0]["geometric_mean"]
    assert (
        site_distributions(records, ["production_bioreactor.titer"])[1].model_dump(mode="json")
        == shown[1]
    )
    figure = out / "production_bioreactor.titer-by-site.svg"
    assert figure.is_file() and "<svg" in figure.read_text(encoding="utf-8")
    text = runner.invoke(app, ["records", "compare", str(lots), "-p", "tff.step_yield"])
    assert text.exit_code == 0
    assert "tff.step_yield [%] by site:\n  Évry: 24 lots, mean 87.79" in text.stdout


def test_a_bad_image_format_is_refused_and_nothing_written(
    demo_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "figures"
    done = runner.invoke(
        app, ["records", "compare", str(demo_folder / "lots.csv"), "-o", str(out), "--image", "gif"]
    )
    assert done.exit_code == 2 and "--image gif: choose png or svg" in done.stderr
    assert not out.exists()


def test_lots_outside_their_specification_by_hand() -> None:
    from genofab.engines.records.summary import outside_specification

    found = outside_specification(
        np.array([1.0, 5.0, np.nan, 10.0, 2.0, 9.0]), ("A", "B", "C", "D", "E", "F"), 2.0, 9.0
    )
    # A below 2, D above 9; C has no value; E and F sit on their limits: within
    assert [(o.lot, o.side, o.limit) for o in found] == [("A", "below", 2.0), ("D", "above", 9.0)]
    assert outside_specification(np.array([1.0]), ("A",), None, None) == ()
    with pytest.raises(UsageError):
        outside_specification(np.array([1.0, 2.0]), ("A",), 0.0, None)


@settings(max_examples=40)
@given(
    st.lists(st.floats(0, 100), min_size=5, max_size=30),
    st.floats(0, 49),
    st.floats(51, 100),
)
def test_the_lots_listed_are_the_capability_s_observed_count(
    values: list[float], lower: float, upper: float
) -> None:
    from genofab.engines.records.capability import capability
    from genofab.engines.records.summary import outside_specification

    x = np.array(values)
    lots = tuple(f"L{i}" for i in range(x.size))
    listed = outside_specification(x, lots, lower, upper)
    try:
        judged = capability(x, lower=lower, upper=upper)
    except UsageError:  # values without spread have no index; the listing needs none
        judged = None
    if judged is not None:
        assert len(listed) == judged.observed_out_of_spec
    assert all((o.value < lower) or (o.value > upper) for o in listed)


def test_capability_lists_the_demo_lots_out_of_specification(demo_folder: Path) -> None:
    lots = demo_folder / "lots.csv"
    done = runner.invoke(
        app,
        [
            "records",
            "capability",
            str(lots),
            "-p",
            "tff.step_yield",
            "--lower",
            "80",
            "--upper",
            "95",
            "--format",
            "json",
        ],
    )
    assert done.exit_code == 0, done.output
    by_site = {entry["site"]: entry for entry in json.loads(done.stdout)}
    evry = read_lots(lots).select(site="Évry")
    values = dict(
        zip(
            [lot.lot_id for lot in evry.in_order("tff.step_yield")],
            evry.values("tff.step_yield"),
            strict=True,
        )
    )
    expected = sorted(lot for lot, v in values.items() if not 80 <= v <= 95)
    listed = by_site["Évry"]["out_of_spec_lots"]
    assert sorted(o["lot"] for o in listed) == expected == ["EVR-26-008", "EVR-26-019"]
    for entry in by_site.values():
        assert len(entry["out_of_spec_lots"]) == entry["observed_out_of_spec"]
    text = runner.invoke(
        app, ["records", "capability", str(lots), "-p", "tff.step_yield", "--lower", "80"]
    )
    assert "  out of specification: lot EVR-26-019, 75.36 below 80\n" in text.stdout


def test_a_review_without_fits_leaves_them_out_and_keeps_the_rest(demo_folder: Path) -> None:
    """The workbench fits through a stored scenario of its own: ``fits=False`` spares the
    scenario-free fits (seconds of bootstrap) and changes nothing else of the review."""
    from genofab.service.records import review_records

    lots = read_lots(demo_folder / "lots.csv")
    full = review_records(lots)
    bare = review_records(lots, fits=False)
    assert full.fits and not bare.fits
    assert [site for site, _ in bare.charts] == [site for site, _ in full.charts]
    assert bare.distributions == full.distributions
    assert bare.equivalence == full.equivalence
