"""Fixtures: the tiny scenario validated, and a writer of scenario files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from genofab.model import Scenario
from tests.helpers import tiny_data

settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")


@pytest.fixture
def tiny() -> Scenario:
    """The tiny scenario, validated."""
    return Scenario.model_validate(tiny_data())


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str | bytes, str], Path]:
    """Write text (or bytes) to a file in a temporary folder and return its path."""

    def write_file(content: str | bytes, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write_file
