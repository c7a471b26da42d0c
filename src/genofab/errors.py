"""Errors genofab raises on purpose: each names where the problem is and the rule broken.

Every error is a :class:`GenofabError`; those caused by the user's input also derive from
:class:`ValueError`. They pickle, so they can cross process and worker boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem in a scenario: the field path, the rule broken and where it sits in the file."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def location(self, file: str | None) -> str:
        """``file:line:column`` as far as it is known."""
        parts = [file or "<scenario>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def render(self, file: str | None) -> str:
        """One line: ``scenario.yaml:14:7: process.steps[3].step_yield: 1.4 is above 1``."""
        where = self.location(file)
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class GenofabError(Exception):
    """Root of the errors genofab raises on purpose."""


class ScenarioError(GenofabError, ValueError):
    """A scenario file or model that breaks the format's rules; lists every problem found."""

    def __init__(self, issues: list[Issue] | tuple[Issue, ...], file: str | None = None) -> None:
        self.issues = tuple(sorted(issues, key=_issue_order))
        self.file = file
        super().__init__(self.issues, file)

    def __str__(self) -> str:
        count = len(self.issues)
        head = f"{count} problem{'s' if count != 1 else ''} in {self.file or 'the scenario'}"
        lines = [self.issues[0].render(self.file)] if count == 1 else [head + ":"]
        if count > 1:
            lines += ["  " + issue.render(self.file) for issue in self.issues]
        return "\n".join(lines)

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[tuple[Issue, ...], str | None]]:
        return (ScenarioError, (self.issues, self.file))


@dataclass(frozen=True)
class CellIssue:
    """One problem in a table of records: where it is (sheet, 1-based row, column letter and
    header) and the rule broken."""

    message: str
    row: int | None = None
    column: str | None = None
    header: str | None = None
    sheet: str | None = None

    def render(self) -> str:
        """``sheet Lots, row 4, column C (titer): text 'abc' in a number column``."""
        parts = [f"sheet {self.sheet}"] if self.sheet else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}" + (f" ({self.header})" if self.header else ""))
        elif self.header:
            parts.append(f"column {self.header}")
        return ", ".join(parts) + f": {self.message}" if parts else self.message


class RecordsError(GenofabError, ValueError):
    """A file of batch records (lots, environment monitoring) that breaks the records format;
    lists every problem found, each at its place. Nothing of the file is kept."""

    def __init__(
        self, issues: list[CellIssue] | tuple[CellIssue, ...], file: str | None = None
    ) -> None:
        self.issues = tuple(
            sorted(issues, key=lambda i: (i.sheet or "", i.row or 0, i.column or "", i.message))
        )
        self.file = file
        super().__init__(self.issues, file)

    def __str__(self) -> str:
        count = len(self.issues)
        where = self.file or "the records"
        if count == 1:
            return f"{where}: {self.issues[0].render()}"
        head = f"{count} problems in {where}:"
        return "\n".join([head, *("  " + issue.render() for issue in self.issues)])

    def __reduce__(self) -> tuple[type[RecordsError], tuple[tuple[CellIssue, ...], str | None]]:
        return (RecordsError, (self.issues, self.file))


class InfeasibleError(GenofabError, ValueError):
    """Valid inputs whose consequence cannot be produced (a lot with no vial, a lot longer
    than a year); ``path`` names the parameter that makes it so."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(path, message)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def __reduce__(self) -> tuple[type[InfeasibleError], tuple[str, str]]:
        return (InfeasibleError, (self.path, self.message))


class UsageError(GenofabError, ValueError):
    """A name given to a command or to the API that names nothing known (a parameter path, a
    template), or a value given for it that breaks its rules."""


class SettingError(UsageError):
    """A setting of a computation outside its range (the samples of a Monte Carlo, the points
    of a curve, a seed). ``setting`` is its domain name (``samples``, ``sobol_samples``,
    ``points``, ``sets``, ``seed``, ``scheduler``), ``rule`` what it breaks, worded to follow
    the name; ``overridable`` says a stated override (the command line's ``--force``) lifts
    the limit. Each front end names the setting its own way (``--samples``, a form field)."""

    def __init__(self, setting: str, rule: str, overridable: bool = False) -> None:
        self.setting, self.rule, self.overridable = setting, rule, overridable
        super().__init__(setting, rule, overridable)

    def __str__(self) -> str:
        return f"{self.setting} {self.rule}"

    def __reduce__(self) -> tuple[type[SettingError], tuple[str, str, bool]]:
        return (SettingError, (self.setting, self.rule, self.overridable))


class OutputError(GenofabError, ValueError):
    """An output path that cannot be used: outside the output folder, or not a folder."""


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _issue_order(issue: Issue) -> tuple[int, int, str]:
    return (issue.line or 0, issue.column or 0, issue.path)


class NotFoundError(GenofabError, LookupError):
    """A record that does not exist, or that the one asking may not see (the two are not told
    apart, so no one learns that another sponsor's record exists)."""


class StaleWriteError(GenofabError):
    """A write based on a version that is no longer the newest: nothing was changed; read the
    record again (``current`` is its newest version) and reapply the change."""

    def __init__(self, message: str, current: int | None = None) -> None:
        self.message = message
        self.current = current
        super().__init__(message, current)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[StaleWriteError], tuple[str, int | None]]:
        return (StaleWriteError, (self.message, self.current))


class ForbiddenError(GenofabError, PermissionError):
    """An action the user's role does not allow (a viewer saving, a sponsor approving)."""
