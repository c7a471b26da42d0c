"""The gamma and Weibull kinds that batch-record fits write: read from a quantity's
``uncertainty`` mapping, checked against the field, drawn and inverted correctly."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic_core import PydanticCustomError
from scipy import stats

from genofab.engines.uncertainty.sampling import draw, quantile
from genofab.model.distributions import Gamma, Weibull
from genofab.model.quantities import DURATION, FRACTION


def test_gamma_from_shape_and_scale_or_mean_and_sd() -> None:
    given = DURATION.parse(
        {"value": 5, "unit": "d", "uncertainty": {"kind": "gamma", "shape": 4, "scale": "1.25 d"}}
    )
    assert given.uncertainty == Gamma(shape=4, scale=1.25)
    moments = DURATION.parse(
        {"value": 5, "unit": "d", "uncertainty": {"kind": "gamma", "mean": 5, "sd": 2.5}}
    ).uncertainty
    assert isinstance(moments, Gamma)
    assert moments.shape * moments.scale == pytest.approx(5)
    assert math.sqrt(moments.shape) * moments.scale == pytest.approx(2.5)


def test_weibull_reads_and_a_bad_shape_is_refused_at_its_field() -> None:
    given = DURATION.parse(
        {"value": 5, "unit": "d", "uncertainty": {"kind": "weibull", "shape": 3, "scale": 5.5}}
    )
    assert given.uncertainty == Weibull(shape=3, scale=5.5)
    with pytest.raises(PydanticCustomError, match=r"uncertainty\.shape: -1 is not a positive"):
        DURATION.parse(
            {"value": 5, "unit": "d", "uncertainty": {"kind": "weibull", "shape": -1, "scale": 5}}
        )


def test_an_unbounded_kind_on_a_fraction_is_refused() -> None:
    with pytest.raises(PydanticCustomError, match="no upper end"):
        FRACTION.parse({"value": 0.5, "uncertainty": {"kind": "gamma", "shape": 50, "scale": 0.01}})


@pytest.mark.parametrize(
    ("distribution", "frozen"),
    [
        (Gamma(shape=4.0, scale=2.0), stats.gamma(4.0, scale=2.0)),
        (Weibull(shape=2.0, scale=3.0), stats.weibull_min(2.0, scale=3.0)),
    ],
)
def test_draws_and_quantiles_match_scipy(distribution: object, frozen: object) -> None:
    p = np.array([0.001, 0.1, 0.5, 0.9, 0.999])
    assert quantile(distribution, p) == pytest.approx(frozen.ppf(p), rel=1e-9)  # type: ignore[arg-type, attr-defined]
    drawn = draw(distribution, np.random.default_rng(4), 200_000)  # type: ignore[arg-type]
    assert drawn.mean() == pytest.approx(frozen.mean(), rel=0.01)  # type: ignore[attr-defined]
    low, high = distribution.tails()  # type: ignore[attr-defined]
    assert (low, high) == pytest.approx(tuple(frozen.ppf([0.001, 0.999])), rel=1e-9)  # type: ignore[attr-defined]
