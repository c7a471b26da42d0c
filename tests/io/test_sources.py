"""The bibliography: every source an example or template cites resolves in the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import genofab
from genofab.io.sources import bibliography, markdown, references, sheet_sections, unresolved
from tests.helpers import EXAMPLES, ROOT

SHEET = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
SECTIONS = sheet_sections(SHEET)
CITING = [
    *sorted(EXAMPLES.glob("*.yaml")),
    *sorted((Path(genofab.__file__).parent / "templates").glob("*.yaml")),
]


@pytest.mark.parametrize("path", CITING, ids=lambda p: p.name)
def test_every_cited_source_has_an_entry(path: Path) -> None:
    assert unresolved(path.read_text(encoding="utf-8"), SECTIONS) == []


def test_the_checker_catches_what_has_no_entry() -> None:
    text = "S12 and S9; S999, seed 004, seed 007, parameters.md 5.3 and parameters.md 9.9"
    assert unresolved(text, SECTIONS) == ["S9", "S999", "seed 007", "parameters.md 9.9"]
    cases = "case Lakhdar2005 example 1; case Lakhdar2007 (not listed)"
    assert unresolved(cases, SECTIONS) == ["case Lakhdar2007"]
    assert references(cases).cases == ("Lakhdar2005", "Lakhdar2007")
    assert "490 rmu" in bibliography().cases["Lakhdar2005"]


def test_references_are_read_as_written() -> None:
    found = references("S57–S60 (S14's); parameters.md sections 3 and 6.3; seed 004; S1")
    assert found.numbered == ("S57", "S58", "S59", "S60", "S14", "S1")
    assert found.sections == ("3", "6.3") and found.seeds == ("004",)
    assert references("parameters.md 1.2 and section 7, parameters.md §5.3").sections == (
        "1.2",
        "7",
        "5.3",
    )


def test_the_numbered_sources_are_the_sheet_s_own_words() -> None:
    listed = SHEET[SHEET.index("\n## Sources\n") :].split("\n", 3)[3]
    sheet = {
        f"S{m[1]}": " ".join(m[2].split())
        for m in re.finditer(r"^S(\d+)\. (.*?)(?=^S\d+\. |\Z)", listed, re.MULTILINE | re.DOTALL)
    }
    assert bibliography().sources == sheet
    assert {"S12", "S55", "S65"} <= set(sheet) and "seed 004" not in sheet


def test_docs_sources_md_is_generated_from_the_data_file() -> None:
    assert (ROOT / "docs" / "sources.md").read_text(encoding="utf-8") == markdown()
    assert "9600 patients par suite de production/an" in markdown()  # seed 004 quoted
