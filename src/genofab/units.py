"""The one unit registry of genofab and the base units every engine computes in.

Quantities are parsed with pint at the edges (scenario files, reports) and stored as plain
floats in the base units below; engines never see pint objects.
"""

from __future__ import annotations

import sys
import threading
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

#: Units a product can be counted in, keyed by their pint dimension.
PRODUCT_UNITS: dict[str, str] = {
    "[transducing_unit]": "TU",
    "[vector_genome]": "vg",
    "[viral_particle]": "vp",
    "[cell]": "cell",
}


#: Currencies, keyed by their pint dimension.
CURRENCIES: dict[str, str] = {
    "[currency_eur]": "EUR",
    "[currency_usd]": "USD",
    "[currency_gbp]": "GBP",
    "[currency_chf]": "CHF",
}


#: Time units as the files write them; SI prefixes on them are refused ('5 dd' is not 0.5 d).
TIME_UNITS = "s, min, h, d, wk, yr"

_BUILDING = threading.Lock()


@cache
def registry() -> pint.UnitRegistry[Any]:
    """The shared pint registry, built once from ``units.txt`` (a few milliseconds)."""
    with _BUILDING:  # one thread builds it; the others wait for it
        return _build()


def _build() -> pint.UnitRegistry[Any]:
    _import_pint()
    import pint

    definitions = resources.files("genofab").joinpath("units.txt")
    with resources.as_file(definitions) as path:
        return pint.UnitRegistry(str(path), autoconvert_offset_to_baseunit=False)


def _import_pint() -> None:
    """Import pint, without its optional dask support when that is safe.

    pint imports dask whenever it is installed (about 0.15 s that every command would pay;
    genofab never hands pint a dask array). Hiding dask means an entry in ``sys.modules`` that
    every thread sees, so it is done only while this is the process's only thread (a command
    line reading its scenario); otherwise pint is imported as it is, dask and all. A later
    ``import dask`` works as usual either way."""
    if "pint" in sys.modules or "dask" in sys.modules or threading.active_count() > 1:
        import pint

        return
    sys.modules["dask"] = None  # type: ignore[assignment]  # find_spec("dask") is then None
    try:
        import pint  # noqa: F401
    finally:
        del sys.modules["dask"]
