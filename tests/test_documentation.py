"""The documentation's code runs: the Python blocks of README.md and docs/*.md, and the
package docstring's examples; and the public names are those of the entry-point table."""

from __future__ import annotations

import doctest
import os
import re
from pathlib import Path

import pytest

import genofab
from tests.helpers import ROOT

FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    pytest.param(block, id=f"{path.name}-{number}")
    for path in DOCUMENTS
    for number, block in enumerate(FENCE.findall(path.read_text(encoding="utf-8")), start=1)
]


@pytest.fixture
def at_root() -> object:
    """Documentation paths are relative to the repository's root."""
    before = Path.cwd()
    os.chdir(ROOT)
    yield
    os.chdir(before)


@pytest.mark.parametrize("block", BLOCKS)
def test_python_blocks_of_the_documentation_run(block: str, at_root: object) -> None:
    exec(compile(block, "<documentation>", "exec"), {"__name__": "documentation"})


def test_there_are_blocks_to_run() -> None:
    assert len(BLOCKS) >= 2


def test_the_package_docstring_examples_run(at_root: object) -> None:
    failures, tried = doctest.testmod(genofab, optionflags=doctest.ELLIPSIS)
    assert tried >= 5 and failures == 0


def test_all_is_the_entry_point_table_and_every_name_resolves() -> None:
    assert sorted(genofab.__all__) == sorted(name for name, _ in genofab.ENTRY_POINTS)
    for name in genofab.__all__:
        assert getattr(genofab, name) is not None, name
    from genofab.errors import OutputError, SettingError, UsageError

    assert genofab.UsageError is UsageError and genofab.OutputError is OutputError
    assert genofab.SettingError is SettingError and issubclass(SettingError, UsageError)
    with pytest.raises(AttributeError):
        genofab.nothing_of_that_name  # noqa: B018
