"""Every planning format refuses a file that is not a mapping the same way: one problem at
line 1, naming the format and what the mapping holds (``io.validation.validate_root``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from genofab.io.chain_file import load_chain
from genofab.io.network_file import load_network
from genofab.io.outlook_file import load_outlook
from genofab.io.plan_file import load_plan
from tests.helpers import load_only_problem

LOADERS: list[tuple[Callable[[Path], object], str]] = [
    (load_plan, "a plan is a mapping (format, name, products ...), got a list"),
    (load_chain, "a chain is a mapping (format, name, stages), got a list"),
    (load_outlook, "an outlook is a mapping (format, name ...), got a list"),
    (load_network, "a network is a mapping (format, name ...), got a list"),
]


@pytest.mark.parametrize(("load", "message"), LOADERS, ids=lambda v: getattr(v, "__name__", ""))
def test_a_list_is_not_a_planning_file(
    load: Callable[[Path], object], message: str, tmp_path: Path
) -> None:
    path = tmp_path / "file.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    issue = load_only_problem(load, path)
    assert (issue.path, issue.line, issue.column) == ("", 1, 1)
    assert issue.message.startswith(message)
