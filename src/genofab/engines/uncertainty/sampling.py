"""Draw samples of a scenario's uncertain parameters, reproducibly, block by block.

Samples come in blocks of :data:`BLOCK` (the last one may be shorter). Block ``b`` draws from
its own child of ``numpy.random.SeedSequence(seed)`` — the child ``spawn`` would give as the
``b``-th, ``SeedSequence(seed, spawn_key=(b,))`` — so a block's samples depend only on the
seed and ``b``: never on how blocks are grouped into chunks or spread over workers. Inside a
block each parameter has its own stream (an SFC64 generator seeded through a Philox counter
keyed by the block's child, at the counter of a hash of the parameter's path), so two
scenarios sharing a parameter draw it from the same random numbers (common random numbers),
whatever else they draw. Rank correlations are then
induced inside each block by the Iman–Conover method (reordering, which keeps every
parameter's values and so its distribution).

Values are drawn in the parameter's base unit, money converted to the scenario's currency,
whole-number fields rounded to the nearest whole number. Uniform, PERT, beta and truncated
normal values are drawn by inversion, one uniform each (PERT and beta through a tabled inverse
CDF, :mod:`genofab.engines.uncertainty.beta_inverse`); the others by NumPy's generators.
:func:`quantile` gives each distribution's exact inverse CDF for the tornado and Sobol
designs.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from genofab.engines.arrays import Array
from genofab.engines.uncertainty.beta_inverse import beta_inverse
from genofab.engines.uncertainty.seeding import SKIPPED, block_keys, stream_states
from genofab.model.correlations import correlated_paths, normal_scores_correlation
from genofab.model.distributions import (
    AnyDistribution,
    Beta,
    Empirical,
    Fixed,
    Gamma,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
    Weibull,
    is_uncertain,
)
from genofab.model.scenario import Scenario, iter_parameter_specs

#: Samples per block: the unit of reproducibility (chunks are whole numbers of blocks).
BLOCK = 1000
#: Stream names of the draws that are not parameters.
CORRELATION_STREAM = "#correlation"
FAILURE_STREAM = "#lot_failures"


@dataclass(frozen=True)
class UncertainInput:
    """One parameter the Monte Carlo draws: its distribution (in the parameter's own unit
    and currency) and how its draws become engine values."""

    path: str
    distribution: AnyDistribution
    unit: str
    whole: bool
    stream: int


@dataclass(frozen=True)
class SamplingPlan:
    """What one Monte Carlo draws: the scenario's values (``base``: engine values, money in
    the scenario's currency; ``own``: each in its own unit and currency), the uncertain
    inputs, the rank correlations between them (normal-score correlation ``target`` over the
    inputs at ``correlated``), and the exchange rate that converts each foreign money path."""

    base: dict[str, float]
    own: dict[str, float]
    inputs: tuple[UncertainInput, ...]
    correlated: tuple[int, ...] = ()
    target: tuple[tuple[float, ...], ...] = ()
    money: dict[str, str] = field(default_factory=dict)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(item.path for item in self.inputs)


def sampling_plan(scenario: Scenario, fixed: Mapping[str, float] | None = None) -> SamplingPlan:
    """The draws of ``scenario``'s uncertain parameters. ``fixed`` sets parameters (base
    units, in their own currency) to one value in every sample: a sweep point."""
    fixed = dict(fixed or {})
    economics = scenario.economics
    own: dict[str, float] = {}
    money: dict[str, str] = {}
    inputs: list[UncertainInput] = []
    streams = {stream_id(name): name for name in (CORRELATION_STREAM, FAILURE_STREAM)}
    for path, parameter, spec in iter_parameter_specs(scenario):
        own[path] = fixed.get(path, parameter.value)
        if (
            economics is not None
            and parameter.currency is not None
            and parameter.currency != economics.currency
        ):
            money[path] = f"economics.exchange_rates.{parameter.currency}"
        if path in fixed or not is_uncertain(parameter.uncertainty):
            continue
        assert parameter.uncertainty is not None
        stream = stream_id(path)
        if stream in streams:  # pragma: no cover - a CRC-32 collision between two paths
            raise ValueError(f"'{path}' and '{streams[stream]}' share a random stream")
        streams[stream] = path
        inputs.append(
            UncertainInput(
                path=path,
                distribution=parameter.uncertainty,
                unit=parameter.unit,
                whole=bool(spec is not None and spec.integer),
                stream=stream,
            )
        )
    # engine values: money in the scenario's currency, as Scenario.values() gives them
    base = {
        path: value * own[money[path]] if path in money else value for path, value in own.items()
    }
    correlated: tuple[int, ...] = ()
    target: tuple[tuple[float, ...], ...] = ()
    settings = scenario.uncertainty
    if settings is not None and settings.correlations:
        drawn = {item.path: i for i, item in enumerate(inputs)}
        names = correlated_paths(settings)
        matrix = normal_scores_correlation(settings)
        keep = [i for i, path in enumerate(names) if path in drawn]  # a swept path is fixed
        if len(keep) >= 2:
            correlated = tuple(drawn[names[i]] for i in keep)
            target = tuple(tuple(matrix[i][j] for j in keep) for i in keep)
    return SamplingPlan(
        base=base, own=own, inputs=tuple(inputs), correlated=correlated, target=target, money=money
    )


def stream_id(name: str) -> int:
    """The stream of a parameter (or of another draw) inside a block: CRC-32 of its name."""
    return zlib.crc32(name.encode("utf-8"))


class BlockStreams:
    """The random streams of one block: one generator per parameter path (or other draw).

    The block's child of ``SeedSequence(seed)`` keys a Philox counter generator; the stream of
    a name is the SFC64 generator seeded (as NumPy seeds it: three words, counter 1, twelve
    outputs skipped) by 192 bits of Philox at the counter of that name's hash. Philox makes
    the seeding a keyed hash (any stream, any order, same numbers); SFC64 draws fast. Blocks
    drawn one after another may share the bit generators (``shared``). ``key`` is the block's
    Philox key if already known, ``seeded`` the SFC64 states of some streams already worked
    out (:func:`block_streams`: the same numbers, computed for many blocks at once)."""

    def __init__(
        self,
        seed: int,
        block: int,
        shared: tuple[np.random.Philox, np.random.SFC64] | None = None,
        key: NDArray[np.uint64] | None = None,
        seeded: tuple[dict[int, int], NDArray[np.uint64]] | None = None,
    ) -> None:
        if key is None:
            child = np.random.SeedSequence(seed, spawn_key=(block,))
            key = np.asarray(child.generate_state(2, np.uint64), dtype=np.uint64)
        self._philox, self._sfc = shared or (np.random.Philox(key=key), np.random.SFC64(0))
        self._generator = np.random.Generator(self._sfc)
        self._counter = np.zeros(4, dtype=np.uint64)
        self._keying: Any = {
            "bit_generator": "Philox",
            "state": {"counter": self._counter, "key": key},
            "buffer": np.zeros(4, dtype=np.uint64),
            "buffer_pos": 4,
            "has_uint32": 0,
            "uinteger": 0,
        }
        self._words = np.ones(4, dtype=np.uint64)
        self._state: Any = {
            "bit_generator": "SFC64",
            "state": {"state": self._words},
            "has_uint32": 0,
            "uinteger": 0,
        }
        self._seeded_index, self._seeded = seeded or ({}, np.zeros((0, 4), dtype=np.uint64))

    def stream(self, name: str | int) -> np.random.Generator:
        """The generator of one stream, at its start (the previous stream is abandoned)."""
        number = name if isinstance(name, int) else stream_id(name)
        row = self._seeded_index.get(number)
        if row is not None:
            self._words[:] = self._seeded[row]
            self._sfc.state = self._state
            return self._generator
        self._counter[3] = number
        self._philox.state = self._keying
        self._words[:3] = self._philox.random_raw(3)
        self._words[3] = 1
        self._sfc.state = self._state
        self._sfc.random_raw(SKIPPED)
        return self._generator


def block_streams(seed: int, blocks: range, names: Sequence[str | int] = ()) -> list[BlockStreams]:
    """The streams of consecutive blocks, sharing their bit generators (used one at a time);
    the streams of ``names`` are seeded for all the blocks at once."""
    shared = (np.random.Philox(key=0), np.random.SFC64(0))
    keys = block_keys(seed, blocks)
    numbers = list(dict.fromkeys(n if isinstance(n, int) else stream_id(n) for n in names))
    index = {number: i for i, number in enumerate(numbers)}
    states = stream_states(keys, numbers) if numbers else None
    return [
        BlockStreams(
            seed,
            block,
            shared,
            keys[i],
            None if states is None else (index, states[i]),
        )
        for i, block in enumerate(blocks)
    ]


def block_bounds(block: int, samples: int) -> tuple[int, int]:
    """First and one-past-last sample index of a block."""
    return block * BLOCK, min((block + 1) * BLOCK, samples)


def draw_blocks(
    plan: SamplingPlan, streams: list[BlockStreams], sizes: list[int]
) -> dict[str, Array]:
    """Each uncertain input's draws for consecutive blocks (their streams and sizes), in its
    own unit, rank-correlated as asked inside each block."""
    total = sum(sizes)
    drawn = [np.empty(total) for _ in plan.inputs]
    samplers = [(sampler(item.distribution), item.stream) for item in plan.inputs]
    start = 0
    for block, size in zip(streams, sizes, strict=True):
        stop = start + size
        for column, (sample, stream) in zip(drawn, samplers, strict=True):
            if isinstance(sample, Inversion):  # the uniforms now, their quantiles at once
                block.stream(stream).random(size, out=column[start:stop])
            else:
                column[start:stop] = sample(block.stream(stream), size)
        start = stop
    for i, (sample, _) in enumerate(samplers):
        if isinstance(sample, Inversion):
            drawn[i] = sample.inverse(drawn[i])
    if plan.correlated:
        columns = [drawn[i] for i in plan.correlated]
        _correlate(columns, plan.target, streams, sizes)
    for column, item in zip(drawn, plan.inputs, strict=True):
        if item.whole:
            np.rint(column, out=column)
    return {item.path: column for item, column in zip(plan.inputs, drawn, strict=True)}


def _correlate(
    columns: list[Array],
    target: tuple[tuple[float, ...], ...],
    streams: list[BlockStreams],
    sizes: list[int],
) -> None:
    """Iman–Conover inside each block, in place: the full blocks together, a short last
    block on its own (a block too short to decorrelate its scores is left as drawn)."""
    full = sizes[0]
    count = sum(1 for size in sizes if size == full)
    groups = [(0, count, full)]
    if count < len(sizes):
        groups.append((count, 1, sizes[-1]))
    wanted = np.linalg.cholesky(np.asarray(target))
    for first, blocks, size in groups:
        if size <= len(columns) + 1:
            continue
        permutations = np.empty((blocks, len(columns) - 1, size), dtype=np.int64)
        for b in range(blocks):
            rng = streams[first + b].stream(CORRELATION_STREAM)
            for j in range(len(columns) - 1):
                permutations[b, j] = rng.permutation(size)
        start, stop = first * full, first * full + blocks * size
        values = np.empty((blocks, len(columns), size))
        for j, column in enumerate(columns):
            values[:, j, :] = column[start:stop].reshape(blocks, size)
        reordered = iman_conover(values, permutations, wanted)
        for j, column in enumerate(columns):
            column[start:stop] = reordered[:, j, :].reshape(-1)


def iman_conover(
    values: NDArray[np.float64], permutations: NDArray[np.int64], wanted: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Reorder each block's columns so that their normal scores have the correlation whose
    Cholesky factor is ``wanted`` (Iman & Conover 1982). ``values`` is (blocks, columns,
    samples); ``permutations`` (blocks, columns − 1, samples) pairs van der Waerden scores at
    random with the samples of every column but the first, whose scores follow the ranks of
    its own draws (i.i.d. draws are in random order already). The transformation is lower
    triangular, so the first column keeps its order; every column keeps its values. A block
    whose scores cannot be decorrelated keeps its draws."""
    size = values.shape[-1]
    normal_scores = _van_der_waerden(size)  # symmetric about 0: their mean is 0
    first = _placed(np.argsort(values[:, 0, :], axis=-1), normal_scores)
    scores = np.concatenate([first[:, None, :], normal_scores[permutations]], axis=1)
    now = (scores @ scores.transpose(0, 2, 1)) / (normal_scores @ normal_scores)
    try:
        factor = np.linalg.cholesky(now)
    except np.linalg.LinAlgError:  # some block's scores are collinear: do them one by one
        if len(values) == 1:
            return values
        return np.concatenate(
            [
                iman_conover(values[i : i + 1], permutations[i : i + 1], wanted)
                for i in range(len(values))
            ]
        )
    # induced scores of the columns after the first: (wanted · factor⁻¹ · scores), per block
    induced = (wanted @ np.linalg.inv(factor))[:, 1:, :] @ scores
    out = values.copy()
    out[:, 1:, :] = _placed(np.argsort(induced, axis=-1), np.sort(values[:, 1:, :], axis=-1))
    return out


def _placed(order: NDArray[np.int64], values: NDArray[np.float64]) -> NDArray[np.float64]:
    """An array of ``order``'s shape whose last axis has ``values[..., i]`` at position
    ``order[..., i]`` (``np.put_along_axis`` into a new array, by one flat assignment)."""
    size = order.shape[-1]
    rows = order.size // size if size else 0
    placed = np.empty(order.shape)
    positions = order.reshape(rows, size) + (np.arange(rows) * size)[:, None]
    placed.reshape(-1)[positions.reshape(-1)] = np.broadcast_to(values, order.shape).reshape(-1)
    return placed


def engine_values(plan: SamplingPlan, drawn: Mapping[str, Array]) -> dict[str, ArrayLike]:
    """Engine values for drawn samples: the base values with each drawn parameter replaced
    (money converted to the scenario's currency, by a drawn exchange rate if it is one)."""
    values: dict[str, ArrayLike] = dict(plan.base)
    for path, column in drawn.items():
        values[path] = column
    for path, rate in plan.money.items():
        if path in drawn or rate in drawn:
            amount = drawn.get(path, plan.own[path])
            values[path] = np.asarray(amount) * np.asarray(drawn.get(rate, plan.own[rate]))
    return values


Sampler = Callable[[np.random.Generator, int], Array]


@dataclass(frozen=True)
class Inversion:
    """A sampler by the inverse CDF: one uniform of the stream per value, mapped through
    ``inverse`` (element by element, so a block's uniforms may be mapped with other blocks';
    it may write its values over the uniforms it is given)."""

    inverse: Callable[[Array], Array]

    def __call__(self, rng: np.random.Generator, size: int) -> Array:
        return self.inverse(rng.random(size))


def draw(distribution: AnyDistribution, rng: np.random.Generator, size: int) -> Array:
    """``size`` independent draws of one distribution."""
    return sampler(distribution)(rng, size)


def sampler(distribution: AnyDistribution) -> Sampler:
    """A function drawing ``size`` independent values of one distribution from a generator."""
    d = distribution
    if isinstance(d, Uniform):
        low, high = d.low, d.high
        return Inversion(lambda u: _scaled(u, low, high))
    if isinstance(d, Triangular):
        low, mode, high = d.low, d.mode, d.high
        return lambda rng, size: rng.triangular(low, mode, high, size)
    if isinstance(d, Pert | Beta):
        alpha, beta = d.beta_shapes() if isinstance(d, Pert) else (d.alpha, d.beta)
        low, high = d.low, d.high
        if alpha == 1.0:  # Beta(1, β) by inversion: 1 − (1 − u)^(1/β) (a mode at the low end)
            return Inversion(lambda u: _scaled(_low_mode(u, beta), low, high))
        if beta == 1.0:  # Beta(α, 1) by inversion: u^(1/α) (a mode at the high end)
            return Inversion(lambda u: _scaled(u ** (1.0 / alpha), low, high))
        tabled = beta_inverse(alpha, beta)  # by inversion of the tabled inverse CDF
        return Inversion(lambda u: _scaled(tabled(u), low, high))
    if isinstance(d, Normal):
        if d.low is None and d.high is None:
            mean, sd = d.mean, d.sd
            return lambda rng, size: rng.normal(mean, sd, size)
        return Inversion(lambda u: _truncated_normal(d, u, overwrite=True))
    if isinstance(d, LogNormal):
        log_median, log_gsd = math.log(d.median), math.log(d.gsd)
        return lambda rng, size: rng.lognormal(log_median, log_gsd, size)
    if isinstance(d, Gamma):
        gamma_shape, gamma_scale = d.shape, d.scale
        return lambda rng, size: rng.gamma(gamma_shape, gamma_scale, size)
    if isinstance(d, Weibull):
        weibull_shape, weibull_scale = d.shape, d.scale
        return lambda rng, size: weibull_scale * rng.weibull(weibull_shape, size)
    if isinstance(d, Empirical):
        observed = np.asarray(d.values, dtype=float)
        return lambda rng, size: observed[rng.integers(0, len(observed), size)]
    assert isinstance(d, Fixed)
    value = d.value
    return lambda rng, size: np.full(size, value)


def _low_mode(u: Array, beta: float) -> Array:
    """Beta(1, β) at uniforms ``u``, 1 − (1 − u)^(1/β) computed as −expm1(log1p(−u) ÷ β), in
    place."""
    np.negative(u, out=u)
    np.log1p(u, out=u)
    u /= beta
    np.expm1(u, out=u)
    return np.negative(u, out=u)


def _scaled(unit: Array, low: float, high: float) -> Array:
    """Values on [0, 1] moved to [low, high], in place."""
    if low != 0.0 or high != 1.0:
        unit *= high - low
        unit += low
    return unit


def quantile(distribution: AnyDistribution, p: ArrayLike) -> Array:
    """The inverse CDF at probabilities ``p`` (an empirical distribution's inverted CDF: the
    smallest observed value whose share of observations at or below it reaches p)."""
    from scipy import special

    q = np.asarray(p, dtype=float)
    d = distribution
    if isinstance(d, Uniform):
        return np.asarray(d.low + (d.high - d.low) * q)
    if isinstance(d, Triangular):
        span = d.high - d.low
        turn = (d.mode - d.low) / span
        with np.errstate(invalid="ignore"):
            rising = d.low + np.sqrt(q * span * (d.mode - d.low))
            falling = d.high - np.sqrt((1.0 - q) * span * (d.high - d.mode))
        return np.asarray(np.where(q < turn, rising, falling))
    if isinstance(d, Pert | Beta):
        alpha, beta = d.beta_shapes() if isinstance(d, Pert) else (d.alpha, d.beta)
        return np.asarray(d.low + (d.high - d.low) * special.betaincinv(alpha, beta, q))
    if isinstance(d, Normal):
        if d.low is None and d.high is None:
            return np.asarray(d.mean + d.sd * special.ndtri(q))
        return _truncated_normal(d, q)
    if isinstance(d, LogNormal):
        return np.asarray(d.median * d.gsd ** special.ndtri(q))
    if isinstance(d, Gamma):
        return np.asarray(d.scale * special.gammaincinv(d.shape, q))
    if isinstance(d, Weibull):
        return np.asarray(d.scale * (-np.log1p(-q)) ** (1.0 / d.shape))
    if isinstance(d, Empirical):
        ordered = np.sort(np.asarray(d.values, dtype=float))
        index = np.clip(np.ceil(q * len(ordered)) - 1, 0, len(ordered) - 1).astype(np.int64)
        return np.asarray(ordered[index])
    assert isinstance(d, Fixed)
    return np.full(np.shape(q), d.value)


def _truncated_normal(d: Normal, u: Array, overwrite: bool = False) -> Array:
    """A normal truncated to [low, high] at uniform ``u``, by inversion (written over ``u``
    when ``overwrite``). Above the mean the mirrored (lower) tail is inverted instead, where
    the normal CDF keeps its precision."""
    from scipy import special

    a = -math.inf if d.low is None else (d.low - d.mean) / d.sd
    b = math.inf if d.high is None else (d.high - d.mean) / d.sd
    z = np.asarray(u, dtype=float) if overwrite else np.array(u, dtype=float)
    if a > 0:  # the interval lies above the mean: invert −X on [−b, −a]
        lo, hi = special.ndtr(-b), special.ndtr(-a)
        z *= hi - lo
        np.subtract(hi, z, out=z)
        special.ndtri(z, out=z)
        np.negative(z, out=z)
    else:
        lo, hi = special.ndtr(a), special.ndtr(b)
        z *= hi - lo
        z += lo
        special.ndtri(z, out=z)
    z *= d.sd
    z += d.mean
    low = -math.inf if d.low is None else d.low
    high = math.inf if d.high is None else d.high
    return np.clip(z, low, high, out=z)


@lru_cache(maxsize=8)
def _van_der_waerden(size: int) -> NDArray[np.float64]:
    """Normal scores Φ⁻¹(i ÷ (n + 1)), i = 1 … n."""
    from scipy import special

    return np.asarray(special.ndtri(np.arange(1, size + 1) / (size + 1.0)))
