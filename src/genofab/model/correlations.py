"""Rank correlations between uncertain parameters (``uncertainty.correlations`` of a scenario),
induced in the Monte Carlo samples by the Iman–Conover method."""

from __future__ import annotations

import math
from collections.abc import Mapping

from pydantic import Field

from genofab.model.base import Frozen, Problems, Text
from genofab.model.distributions import is_uncertain


class Correlation(Frozen):
    """A rank (Spearman) correlation between two uncertain parameters, induced in the
    samples by the Iman–Conover method."""

    between: tuple[str, str] = Field(description="paths of the two parameters")
    rank: float = Field(gt=-1, lt=1, description="Spearman rank correlation, between −1 and 1")
    source: Text | None = None


class UncertaintySettings(Frozen):
    """Scenario-wide uncertainty settings: rank correlations between parameters."""

    correlations: tuple[Correlation, ...] = ()


def correlation_problems(
    settings: UncertaintySettings, distributions: Mapping[str, object]
) -> Problems:
    """Correlations naming parameters that do not exist or are not uncertain, pairs given
    twice, and sets of correlations no joint distribution can have (the matrix must be
    positive definite). ``distributions`` maps every parameter path to its distribution (or
    None)."""
    from genofab.errors import did_you_mean

    problems: Problems = []
    paths = list(distributions)
    seen: dict[frozenset[str], int] = {}
    for i, correlation in enumerate(settings.correlations):
        where = f"uncertainty.correlations[{i}]"
        a, b = correlation.between
        usable = True
        for j, path in enumerate((a, b)):
            if path not in distributions:
                problems.append(
                    (
                        f"{where}.between[{j}]",
                        f"'{path}' is not a numeric parameter of this scenario"
                        f"{did_you_mean(path, paths)}",
                    )
                )
                usable = False
            elif not is_uncertain(distributions[path]):  # type: ignore[arg-type]
                problems.append(
                    (
                        f"{where}.between[{j}]",
                        f"'{path}' has no uncertainty: give it an uncertainty (not fixed) to"
                        " correlate it",
                    )
                )
                usable = False
        if usable and a == b:
            problems.append((f"{where}.between", f"'{a}' cannot be correlated with itself"))
            usable = False
        pair = frozenset((a, b))
        if usable and pair in seen:
            problems.append((f"{where}.between", f"repeats the pair of correlations[{seen[pair]}]"))
            usable = False
        if usable:
            seen[pair] = i
    if not problems and settings.correlations and not _positive_definite(settings):
        problems.append(
            (
                "uncertainty.correlations",
                "these rank correlations contradict each other: no joint distribution has them"
                " all (the correlation matrix is not positive definite); weaken some of them",
            )
        )
    return problems


def correlated_paths(settings: UncertaintySettings) -> list[str]:
    """The parameters named in correlations, in order of first mention."""
    found: list[str] = []
    for correlation in settings.correlations:
        for path in correlation.between:
            if path not in found:
                found.append(path)
    return found


def normal_scores_correlation(settings: UncertaintySettings) -> list[list[float]]:
    """The correlation matrix of normal scores that gives the rank correlations asked for
    (r = 2 sin(πρ/6)), over :func:`correlated_paths`."""
    paths = correlated_paths(settings)
    index = {path: i for i, path in enumerate(paths)}
    matrix = [[1.0 if i == j else 0.0 for j in range(len(paths))] for i in range(len(paths))]
    for correlation in settings.correlations:
        i, j = (index[path] for path in correlation.between)
        matrix[i][j] = matrix[j][i] = 2.0 * math.sin(math.pi * correlation.rank / 6.0)
    return matrix


def _positive_definite(settings: UncertaintySettings) -> bool:
    import numpy as np

    matrix = np.array(normal_scores_correlation(settings))
    return bool(np.linalg.eigvalsh(matrix).min() > 1e-10)
