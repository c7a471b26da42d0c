"""Fixtures of the batch-record tests: the synthetic demo, written afresh by its script."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

DEMO = Path(__file__).resolve().parents[2] / "examples" / "records"


def demo_module() -> ModuleType:
    """The demo generator (examples/records/generate_demo.py), imported by path."""
    spec = importlib.util.spec_from_file_location("generate_demo", DEMO / "generate_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo files written by the script into a fresh folder."""
    folder = tmp_path_factory.mktemp("demo")
    demo_module().main(folder)
    return folder
