"""The bibliography shipped with genofab (``sources.yaml``) and the references a source text
makes to it: ``S12`` (or ``S57–S60``), ``seed 004``, ``parameters.md 5.3`` (or ``section 7``),
``case Lakhdar2005`` (a published planning case an example transcribes).

``python -m genofab.io.sources`` prints the bibliography as Markdown (``docs/sources.md``).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

_NUMBERED = re.compile(r"\bS(\d+)(?:\s*[–-]\s*S(\d+))?\b")
_SEED = re.compile(r"\bseeds?[ /](\d{3})\b")
_CASE = re.compile(r"\bcase ([A-Z][A-Za-z]+\d{4}[a-z]?)\b")
_SHEET = re.compile(
    r"parameters\.md,?\s+(?:§\s*|sections?\s+)?(\d+(?:\.\d+)?)"
    r"((?:\s*(?:,|and)\s*(?:§\s*|sections?\s+)?\d+(?:\.\d+)?)*)"
)
_SECTION_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Seed:
    """A source document of the project: its title, what it is, passages quoted from it."""

    key: str
    title: str
    what: str
    passages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bibliography:
    """Numbered sources (``S12`` → citation), seed documents, the parameter sheet, and
    published cases (``Lakhdar2005`` → citation)."""

    sources: dict[str, str]
    seeds: dict[str, Seed]
    sheet: str
    cases: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class References:
    """What one source text cites."""

    numbered: tuple[str, ...] = ()
    seeds: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()


@cache
def bibliography() -> Bibliography:
    """The bibliography shipped in the package (read once)."""
    from ruamel.yaml import YAML

    text = resources.files("genofab").joinpath("sources.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    seeds = {
        str(key): Seed(
            key=str(key),
            title=entry["title"],
            what=entry["what"],
            passages=tuple(entry.get("passages") or ()),
        )
        for key, entry in data["seeds"].items()
    }
    return Bibliography(
        sources=dict(data["sources"]),
        seeds=seeds,
        sheet=data["sheet"],
        cases=dict(data.get("cases") or {}),
    )


def references(text: str) -> References:
    """The numbered sources, seed documents and sheet sections ``text`` cites, in order."""
    numbered: list[str] = []
    for match in _NUMBERED.finditer(text):
        first = int(match[1])
        last = int(match[2]) if match[2] else first
        numbered += [f"S{n}" for n in range(first, max(first, last) + 1)]
    sections = [
        number
        for match in _SHEET.finditer(text)
        for number in _SECTION_NUMBER.findall(match[0].replace("parameters.md", ""))
    ]
    return References(
        numbered=tuple(dict.fromkeys(numbered)),
        seeds=tuple(dict.fromkeys(_SEED.findall(text))),
        sections=tuple(dict.fromkeys(sections)),
        cases=tuple(dict.fromkeys(_CASE.findall(text))),
    )


def sheet_sections(sheet_text: str) -> set[str]:
    """The section numbers of the parameter sheet: ``## 5. Costs`` → 5, ``### 5.3 …`` → 5.3."""
    return set(re.findall(r"^#{2,4} (\d+(?:\.\d+)?)\.? ", sheet_text, flags=re.MULTILINE))


def unresolved(text: str, sections: set[str], bib: Bibliography | None = None) -> list[str]:
    """The references in ``text`` the bibliography (or the sheet's ``sections``) lacks."""
    bib = bib or bibliography()
    found = references(text)
    return [
        *[key for key in found.numbered if key not in bib.sources],
        *[f"seed {key}" for key in found.seeds if key not in bib.seeds],
        *[f"parameters.md {number}" for number in found.sections if number not in sections],
        *[f"case {key}" for key in found.cases if key not in bib.cases],
    ]


def markdown(bib: Bibliography | None = None) -> str:
    """The bibliography as a Markdown page (``docs/sources.md``)."""
    bib = bib or bibliography()
    lines = [
        "# Sources",
        "",
        "Every source the examples, templates and reports cite, with its full citation."
        " Generated from `src/genofab/sources.yaml` by `python -m genofab.io.sources`;"
        " a test fails when an example or template cites a source that has no entry here.",
        "",
        f"`parameters.md §N` (or `section N`) is a section of the project's parameter sheet,"
        f" shipped as [{bib.sheet.removeprefix('docs/')}]({bib.sheet.removeprefix('docs/')}).",
        "",
        "## Numbered sources",
        "",
        "Copied as written from the Sources section of the parameter sheet.",
        "",
    ]
    for key, citation in bib.sources.items():
        lines += [f'<a id="{key}"></a>**{key}.** {citation}', ""]
    lines += [
        "## Seed documents",
        "",
        "The project's source documents, cited as `seed NNN`; the passages the examples rely on"
        " are quoted as written.",
        "",
    ]
    for seed in bib.seeds.values():
        anchor = f'<a id="seed-{seed.key}"></a>'
        lines += [f"{anchor}**seed {seed.key}.** *{seed.title}*. {seed.what}", ""]
        lines += [f"> {passage}\n" for passage in seed.passages]
    if bib.cases:
        lines += [
            "## Published cases",
            "",
            "Planning problems of the literature an example transcribes, cited as `case Name`;"
            " the transcription's notes (named in the example's description) say what the"
            " plan format states differently.",
            "",
        ]
        for key, citation in bib.cases.items():
            lines += [f'<a id="case-{key}"></a>**case {key}.** {citation}', ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
