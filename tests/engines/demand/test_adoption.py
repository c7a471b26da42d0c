"""Adoption curves and the patients needing therapy, against hand-worked values and an
independent integration of the Bass equation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from genofab.engines.demand.adoption import bass_share, logistic_share
from genofab.engines.demand.needs import patients_needing
from genofab.model.outlook import Indication


def test_bass_share_solves_the_bass_equation() -> None:
    """F' = (p + qF)(1 − F), F(0) = 0, integrated numerically, matches the closed form."""
    p, q = 0.03, 0.38
    times = np.arange(0.0, 21.0)
    ode = solve_ivp(
        lambda _t, f: (p + q * f) * (1 - f), (0, 20), [0.0], t_eval=times, rtol=1e-10, atol=1e-12
    )
    assert bass_share(times, p, q) == pytest.approx(ode.y[0], abs=1e-8)


def test_bass_share_by_hand() -> None:
    """p = q = 0.5, t = 1: F = (1 − e^−1) ÷ (1 + e^−1) = tanh(0.5)."""
    assert float(bass_share(1.0, 0.5, 0.5)) == pytest.approx(math.tanh(0.5))
    assert float(bass_share(-2.0, 0.5, 0.5)) == 0.0
    assert float(bass_share(3.0, 0.0, 0.4)) == 0.0  # nobody innovates, nobody imitates


def test_logistic_share_by_hand() -> None:
    """At the midpoint the raw logistic is ½; rescaled: (½ − L₀) ÷ (1 − L₀), L₀ = 1/(1+e^(k·t½))."""
    k, middle = 0.8, 5.0
    at_launch = 1 / (1 + math.exp(k * middle))
    assert float(logistic_share(middle, middle, k)) == pytest.approx(
        (0.5 - at_launch) / (1 - at_launch)
    )
    assert float(logistic_share(0.0, middle, k)) == 0.0
    assert float(logistic_share(200.0, middle, k)) == pytest.approx(1.0)


@given(
    p=st.floats(1e-4, 1.0),
    q=st.floats(0.0, 2.0),
    t1=st.floats(0.0, 50.0),
    dt=st.floats(0.0, 50.0),
)
def test_bass_share_rises_within_zero_and_one(p: float, q: float, t1: float, dt: float) -> None:
    first, later = float(bass_share(t1, p, q)), float(bass_share(t1 + dt, p, q))
    assert 0.0 <= first <= later + 1e-12 <= 1.0 + 1e-12


def _indication(**fields: object) -> Indication:
    data: dict[str, object] = {
        "name": "d",
        "region": "r",
        "prevalent_patients": "0 patients",
        "incidence": "100 patient/yr",
        "eligible_share": 1,
        "adoption": {"model": "logistic", "midpoint": "0 yr", "steepness": 20},
    }
    data.update(fields)
    return Indication.model_validate(data)


def _read(indication: Indication):  # type: ignore[no-untyped-def]
    from genofab.model.scenario import iter_parameters

    values = dict(iter_parameters(indication))
    return lambda name: np.asarray(values[name].value)


def test_incident_patients_all_seek_when_adoption_is_immediate() -> None:
    """No prevalent patients, 100 new ones a year, adoption complete within weeks: about 100
    patients need the therapy every year (F(1) = 1 − 4·10⁻⁹ at k = 20, t½ = 0)."""
    indication = _indication()
    need = patients_needing(indication, _read(indication), 2030, 5)
    assert need == pytest.approx([100.0] * 5, rel=1e-6)


def test_prevalent_pool_is_drawn_down_once() -> None:
    """1,000 prevalent patients, no incidence, 40 % addressable (eligible 50 % × access 80 %),
    Bass p = q = 0.5: year y needs 400·(F(y+1) − F(y)), and the horizon's total never exceeds
    the 400 addressable patients."""
    indication = _indication(
        prevalent_patients="1000 patients",
        incidence="0 patient/yr",
        eligible_share="50 %",
        access_rate="80 %",
        adoption={"model": "bass", "innovation": 0.5, "imitation": 0.5},
    )
    need = patients_needing(indication, _read(indication), 2030, 30)
    shares = [math.tanh(y / 2) for y in range(31)]  # p = q = 0.5: F(t) = tanh(t/2)
    assert need == pytest.approx([400 * (shares[y + 1] - shares[y]) for y in range(30)])
    assert need.sum() <= 400.0


def test_no_patient_needs_the_therapy_before_launch() -> None:
    indication = _indication(launch_year=2032)
    need = patients_needing(indication, _read(indication), 2030, 4)
    assert need[:2] == pytest.approx([0.0, 0.0])
    assert need[2] == pytest.approx(100.0, rel=1e-6)
