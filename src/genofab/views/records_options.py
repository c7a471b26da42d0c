"""Command-line options of batch records shared by ``genofab records`` and ``genofab report``
(declared once, so both read them alike)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

RecordsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--records",
        help="lot records and/or environment monitoring (.csv, .xlsx; repeatable): adds a"
        " batch-records section",
    ),
]
SpecOption = Annotated[
    list[str] | None,
    typer.Option(
        "--spec",
        help="MEASUREMENT=LOW:HIGH specification for capability, in the column's unit (either"
        " side may be empty; repeatable)",
    ),
]
MarginOption = Annotated[
    list[str] | None,
    typer.Option(
        "--margin",
        help="MEASUREMENT=20% (a ratio for titres, else ± share of the reference mean) or"
        " MEASUREMENT=AMOUNT (± in the column's unit); with a scenario also doses_per_lot=N"
        " (doses) or cogs_per_dose=N (money); default ±1.5 SD of the reference",
    ),
]
BaselineOption = Annotated[
    int | None,
    typer.Option("--baseline", help="lots (in date order) that set the limits; default: all"),
]
LayoutOption = Annotated[
    str,
    typer.Option(
        "--layout",
        help="lot table layout: wide (one row a lot), long (one row a measurement) or auto"
        " (long when the header has 'parameter' and 'value')",
    ),
]
