"""The code base stays clean: ruff (lint and format) and mypy --strict pass, the public
names exist, and the format's lists agree with the unit registry."""

from __future__ import annotations

import subprocess
import sys
import typing

import pytest

import genofab
from genofab.model.parameter import PRODUCT_SYMBOLS
from genofab.model.product import Product
from tests.helpers import ROOT


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_lint_is_clean() -> None:
    done = run("ruff", "check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_clean() -> None:
    done = run("ruff", "format", "--check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    done = run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr


def test_public_names_exist() -> None:
    for name in genofab.__all__:
        assert getattr(genofab, name) is not None


def test_product_units_match_the_registry() -> None:
    assert set(typing.get_args(Product.model_fields["unit"].annotation)) == set(PRODUCT_SYMBOLS)


def test_the_command_line_does_not_import_dask_for_a_plain_run() -> None:
    """pint would import dask (0.15 s) whenever it is installed; `genofab run` does not need it."""
    code = (
        "import sys; from genofab.units import registry; registry();"
        " import genofab.engines.run; print('dask' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"
