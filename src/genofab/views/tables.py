"""Console tables that fit the console's width and never cut a number.

A table is a few label columns (names, wrapped at spaces or folded, never cut) followed by
number columns. A number column is exactly as wide as its widest cell, so rich never shrinks
it; when the columns do not fit side by side, the table is split into several, each repeating
the label columns, rather than cutting anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

Cell = str | Text

#: Widest a label column is kept before the table is split: its longest word, up to this
#: (longer words are folded).
LABEL_MIN_WIDTH = 20
#: Characters a column takes beside its text: one space each side and one border.
COLUMN_EXTRA = 3


@dataclass
class Grid:
    """A titled table: ``labels`` leading label columns, then number columns.

    ``styles`` gives each row's style (bold for a total); ``breaks`` the row indices before
    which a separating line is drawn.
    """

    title: str
    header: Sequence[str]
    labels: int = 1
    show_header: bool = True
    rows: list[list[Cell]] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    breaks: set[int] = field(default_factory=set)

    def add(self, *cells: Cell, style: str = "") -> None:
        """Append a row (as many cells as the header has columns)."""
        if len(cells) != len(self.header):
            raise ValueError(f"row of {len(cells)} cells for {len(self.header)} columns")
        self.rows.append(list(cells))
        self.styles.append(style)

    def section(self) -> None:
        """Draw a line before the next row."""
        self.breaks.add(len(self.rows))


def print_grid(console: Console, grid: Grid) -> None:
    """Print ``grid`` as one table, or as several side-by-side parts if it does not fit."""
    numbers = list(range(grid.labels, len(grid.header)))
    groups: list[list[int]] = []
    for column in numbers:
        if groups and _fits(console, grid, [*groups[-1], column]):
            groups[-1].append(column)
        else:
            groups.append([column])
    if not groups:
        groups = [[]]
    for part, columns in enumerate(groups):
        title = grid.title if len(groups) == 1 else f"{grid.title} ({part + 1} of {len(groups)})"
        console.print(_table(grid, columns, title, console))


def _fits(console: Console, grid: Grid, columns: list[int]) -> bool:
    """Whether the label columns (their longest words whole) and ``columns`` at their width
    fit."""
    labels = sum(_label_width(grid, index) for index in range(grid.labels))
    numbers = sum(_number_width(grid, index) for index in columns)
    extra = COLUMN_EXTRA * (grid.labels + len(columns)) + 1
    return labels + numbers + extra <= console.width


def _width(cells: Sequence[Cell]) -> int:
    return max((cell_len(_plain(cell)) for cell in cells), default=1)


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _label_width(grid: Grid, index: int) -> int:
    """A label column's narrowest: its longest word (up to :data:`LABEL_MIN_WIDTH`)."""
    words = [
        cell_len(word)
        for cell in [grid.header[index], *(row[index] for row in grid.rows)]
        for word in _plain(cell).split()
    ]
    return min(max(words, default=1), LABEL_MIN_WIDTH)


def _number_width(grid: Grid, index: int) -> int:
    """A number column's width: its widest cell, or its header's longest word."""
    longest_word = max((cell_len(word) for word in grid.header[index].split()), default=1)
    return max(_width([row[index] for row in grid.rows] or [""]), longest_word)


def _table(grid: Grid, columns: list[int], title: str, console: Console | None = None) -> Table:
    table = Table(title=title or None, title_justify="left", show_header=grid.show_header)
    for index, width in zip(range(grid.labels), _label_widths(grid, columns, console), strict=True):
        table.add_column(grid.header[index], overflow="fold", width=width)
    for index in columns:
        table.add_column(
            grid.header[index], justify="right", width=_number_width(grid, index), overflow="fold"
        )
    shown = [*range(grid.labels), *columns]
    for number, (row, style) in enumerate(zip(grid.rows, grid.styles, strict=True)):
        if number in grid.breaks and number:
            table.add_section()
        table.add_row(*[row[index] for index in shown], style=style or None)
    return table


def _label_widths(grid: Grid, columns: list[int], console: Console | None) -> list[int | None]:
    """Widths of the label columns: as wide as their text, the widest narrowed first until
    the table fits; not below their longest word (up to :data:`LABEL_MIN_WIDTH`) unless even
    that does not fit."""
    if console is None:
        return [None] * grid.labels
    widths = [_width([grid.header[i], *(row[i] for row in grid.rows)]) for i in range(grid.labels)]
    floors = [_label_width(grid, i) for i in range(grid.labels)]
    if not _fits(console, grid, columns):
        floors = [1] * grid.labels
    numbers = sum(_number_width(grid, index) for index in columns)
    extra = COLUMN_EXTRA * (grid.labels + len(columns)) + 1
    room = console.width - numbers - extra
    while widths and sum(widths) > room:
        widest = max(range(grid.labels), key=lambda i: widths[i] - floors[i])
        if widths[widest] <= floors[widest]:
            break
        widths[widest] -= 1
    return list(widths)
