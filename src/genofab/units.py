"""The one unit registry of genofab and the base units every engine computes in.

Quantities are parsed with pint at the edges (scenario files, reports) and stored as plain
floats in the base units below; engines never see pint objects.
"""

from __future__ import annotations

import sys
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


@cache
def registry() -> pint.UnitRegistry[Any]:
    """The shared pint registry, built once from ``units.txt`` (a few milliseconds)."""
    _import_pint_without_dask()
    import pint

    definitions = resources.files("genofab").joinpath("units.txt")
    with resources.as_file(definitions) as path:
        return pint.UnitRegistry(str(path), autoconvert_offset_to_baseunit=False)


def _import_pint_without_dask() -> None:
    """Import pint without its optional dask support: pint imports dask (and PyYAML) whenever
    it is installed, about 0.15 s that every command would pay; genofab never hands pint a dask
    array, and a later ``import dask`` works as usual."""
    if "pint" in sys.modules or "dask" in sys.modules:
        return
    sys.modules["dask"] = None  # type: ignore[assignment]  # find_spec("dask") is then None
    try:
        import pint  # noqa: F401
    finally:
        del sys.modules["dask"]
